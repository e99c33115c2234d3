"""REST endpoints for QA: scorecards, sampling plans, samples and reviewer assignments, blind
reviews and the QA results report."""

import datetime as dt
from decimal import Decimal

import django_filters
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from accounts.access import visible_users
from accounts.selectors import user_for
from coaching import domain, selectors, services
from coaching.models import (
    Criterion,
    Review,
    ReviewAssignment,
    SampledCall,
    SamplingPlan,
    SamplingRun,
    Scorecard,
    ScorecardVersion,
)
from telesales.api import (
    MAX_ID,
    DateField,
    FilterSet,
    FlagFilter,
    IdField,
    IdLookupMixin,
    LabelsField,
    LocalizedField,
    QueryParams,
    parse_body,
    parse_query,
)
from telesales.errors import NotFound


# ---- scorecards ---------------------------------------------------------------------------------
class QaCriterionSerializer(serializers.ModelSerializer):
    key = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=100)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    scale_max = serializers.IntegerField(min_value=1, max_value=100, default=5)
    critical = serializers.BooleanField(default=False)
    pass_score = serializers.IntegerField(min_value=0, max_value=100, default=1)
    description = serializers.CharField(max_length=300, default="", allow_blank=True)
    name_i18n = LabelsField(default=dict)
    label = LocalizedField()

    class Meta:
        model = Criterion
        fields = ["key", "name", "name_i18n", "label", "description", "weight", "scale_max", "critical", "pass_score"]


class ScorecardVersionSerializer(serializers.ModelSerializer):
    criteria = QaCriterionSerializer(many=True, read_only=True)

    class Meta:
        model = ScorecardVersion
        fields = ["id", "number", "critical_cap", "calibration_threshold", "created_at", "criteria"]


class ScorecardSerializer(serializers.ModelSerializer):
    current_version = serializers.SerializerMethodField()
    label = LocalizedField()

    class Meta:
        model = Scorecard
        fields = ["id", "name", "name_i18n", "label", "team", "active", "created_at", "current_version"]

    @extend_schema_field(ScorecardVersionSerializer(allow_null=True))
    def get_current_version(self, obj):
        versions = sorted(obj.versions.all(), key=lambda v: -v.number)
        return ScorecardVersionSerializer(versions[0]).data if versions else None


class ScorecardWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    name_i18n = LabelsField(default=dict)
    team = IdField(required=False, allow_null=True)
    criteria = QaCriterionSerializer(many=True, allow_empty=False)
    critical_cap = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100, default=0)
    calibration_threshold = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100,
                                                     default=15)


class ScorecardViewSet(IdLookupMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """QA scorecards. Updating one already used for sampling creates a new version."""

    not_found = "Scorecard not found."
    serializer_class = ScorecardSerializer
    model = Scorecard
    http_method_names = ["get", "post", "put", "head", "options"]

    def scoped_queryset(self, user):
        return selectors.scorecards_visible_to(user).order_by("id")

    @extend_schema(request=ScorecardWriteSerializer, responses={201: ScorecardSerializer})
    def create(self, request, *args, **kwargs):
        data = parse_body(request, ScorecardWriteSerializer)
        team = None
        if data.get("team"):
            team = selectors.scope_teams_for(request.user).filter(pk=data["team"]).first()
            if team is None:
                raise NotFound(gettext("Team not found."))
        card = services.create_scorecard(
            actor=request.user, name=data["name"], name_i18n=data["name_i18n"], team=team,
            criteria=[dict(c) for c in data["criteria"]],
            critical_cap=data["critical_cap"], calibration_threshold=data["calibration_threshold"],
        )
        card = selectors.scorecards_visible_to(request.user).get(pk=card.pk)
        return Response(ScorecardSerializer(card).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ScorecardWriteSerializer, responses={200: ScorecardSerializer})
    def update(self, request, *args, **kwargs):
        card = self.get_object()
        data = parse_body(request, ScorecardWriteSerializer)
        services.edit_scorecard(
            actor=request.user, scorecard_id=card.pk, criteria=[dict(c) for c in data["criteria"]], name=data["name"],
            name_i18n=data["name_i18n"], critical_cap=data["critical_cap"], calibration_threshold=data["calibration_threshold"],
        )
        return Response(ScorecardSerializer(selectors.scorecards_visible_to(request.user).get(pk=card.pk)).data)


# ---- sampling plans -----------------------------------------------------------------------------
class SamplingPlanSerializer(serializers.ModelSerializer):
    reviewers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = SamplingPlan
        fields = ["id", "team", "scorecard", "new_hire_rate", "top_rate", "regular_rate", "min_per_rep",
                  "new_hire_days", "top_share", "top_window_days", "seed", "prefer_recording", "min_duration_seconds",
                  "reviewers", "reviewers_per_call", "active", "created_at"]


class SamplingPlanWriteSerializer(serializers.Serializer):
    team = IdField()
    scorecard = IdField()
    reviewers = serializers.ListField(child=IdField(), required=False, default=list, max_length=50)
    new_hire_rate = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1, default="0.3")
    top_rate = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1, default="0.05")
    regular_rate = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1, default="0.1")
    top_share = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1, default="0.2")
    min_per_rep = serializers.IntegerField(min_value=0, max_value=50, default=1)
    new_hire_days = serializers.IntegerField(min_value=0, max_value=3650, default=90)
    top_window_days = serializers.IntegerField(min_value=1, max_value=365, default=30)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    prefer_recording = serializers.BooleanField(default=True)
    min_duration_seconds = serializers.IntegerField(min_value=0, max_value=86400, default=60)
    reviewers_per_call = serializers.IntegerField(min_value=0, max_value=5, default=2)


class SamplingRunSerializer(serializers.ModelSerializer):
    created = serializers.BooleanField(read_only=True, help_text="False when this week had already been sampled")

    class Meta:
        model = SamplingRun
        fields = ["id", "plan", "week", "sampled", "created_at", "created"]


class SamplingRunRequestSerializer(serializers.Serializer):
    week = DateField(required=False, help_text="Any day of the week to sample; default last week")


class SamplingPlanViewSet(IdLookupMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Weekly sampling plans of the teams the caller manages; `run` samples a week on demand."""

    not_found = "Sampling plan not found."
    serializer_class = SamplingPlanSerializer
    model = SamplingPlan

    def scoped_queryset(self, user):
        return selectors.sampling_plans_visible_to(user).order_by("id")

    @extend_schema(request=SamplingPlanWriteSerializer, responses={201: SamplingPlanSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(parse_body(request, SamplingPlanWriteSerializer))
        team = selectors.scope_teams_for(request.user).filter(pk=data.pop("team")).first()
        if team is None:
            raise NotFound(gettext("Team not found."))
        card = selectors.scorecards_visible_to(request.user).filter(pk=data.pop("scorecard")).first()
        if card is None:
            raise NotFound(gettext("Scorecard not found."))
        reviewer_ids = data.pop("reviewers")
        reviewers = list(visible_users(request.user).filter(pk__in=reviewer_ids))
        if len(reviewers) != len(set(reviewer_ids)):
            raise NotFound(gettext("Reviewer not found."))
        plan = services.create_sampling_plan(actor=request.user, team=team, scorecard=card, reviewers=reviewers, **data)
        return Response(SamplingPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SamplingRunRequestSerializer, responses={200: SamplingRunSerializer, 201: SamplingRunSerializer})
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        plan = self.get_object()
        data = parse_body(request, SamplingRunRequestSerializer)
        week = data.get("week") or domain.week_start(timezone.localdate()) - dt.timedelta(days=7)
        run, created = services.run_sampling(plan_id=plan.pk, week=week, actor=request.user)
        body = SamplingRunSerializer(run).data
        body["created"] = created
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# ---- samples and assignments --------------------------------------------------------------------
class ReviewAssignmentSerializer(serializers.ModelSerializer):
    submitted = serializers.SerializerMethodField()

    class Meta:
        model = ReviewAssignment
        fields = ["id", "sampled_call", "reviewer", "rep", "assigned_at", "submitted"]

    def get_submitted(self, obj) -> bool:
        return hasattr(obj, "review")


class SampledCallSerializer(serializers.ModelSerializer):
    call_started_at = serializers.DateTimeField(source="call.started_at", read_only=True)
    duration_seconds = serializers.IntegerField(source="call.duration_seconds", read_only=True)
    recording_url = serializers.CharField(source="call.recording_url", read_only=True)
    scorecard = serializers.IntegerField(source="version.scorecard_id", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    reviewers = serializers.SerializerMethodField()
    complete = serializers.BooleanField(source="is_complete", read_only=True)

    class Meta:
        model = SampledCall
        fields = ["id", "call", "rep", "week", "cohort", "plan", "scorecard", "version", "version_number",
                  "call_started_at", "duration_seconds", "recording_url", "reviewers", "complete",
                  "result_total", "spread", "needs_calibration", "completed_at"]

    def get_reviewers(self, obj) -> list[int]:
        return [a.reviewer_id for a in obj.assignments.all()]


class AssignReviewerSerializer(serializers.Serializer):
    reviewer = IdField()


class SampleCallRequestSerializer(serializers.Serializer):
    call = IdField()
    scorecard = IdField()


class SampleViewSet(IdLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Sampled calls the caller may see (own, managed teams', or those they review). The result
    (mean, spread, calibration flag) is filled once every assigned reviewer has submitted."""

    not_found = "Sampled call not found."
    serializer_class = SampledCallSerializer
    model = SampledCall
    filterset_fields = ["rep", "week", "cohort", "plan"]

    def scoped_queryset(self, user):
        return selectors.samples_visible_to(user).prefetch_related("assignments").order_by("-week", "id")

    @extend_schema(request=SampleCallRequestSerializer, responses={201: SampledCallSerializer})
    def create(self, request, *args, **kwargs):
        data = parse_body(request, SampleCallRequestSerializer)
        card = selectors.scorecards_visible_to(request.user).filter(pk=data["scorecard"]).first()
        if card is None:
            raise NotFound(gettext("Scorecard not found."))
        sample = services.sample_call(actor=request.user, call_id=data["call"], scorecard_id=card.pk)
        return Response(SampledCallSerializer(self.get_queryset().get(pk=sample.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignReviewerSerializer, responses={201: ReviewAssignmentSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        sample = self.get_object()
        data = parse_body(request, AssignReviewerSerializer)
        reviewer = user_for(actor=request.user, user_id=data["reviewer"])
        assignment = services.assign_reviewer(actor=request.user, sample_id=sample.pk, reviewer=reviewer)
        return Response(ReviewAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class AssignmentFilter(FilterSet):
    pending = FlagFilter(method="only_pending", label="true: only calls still to score")

    class Meta:
        model = ReviewAssignment
        fields = ["pending"]

    def only_pending(self, queryset, name, value):
        return queryset.filter(review__isnull=True) if value else queryset


class AssignmentViewSet(IdLookupMixin, viewsets.ReadOnlyModelViewSet):
    """The caller's review assignments; `?pending=true` is the review queue."""

    not_found = "Review assignment not found."
    serializer_class = ReviewAssignmentSerializer
    model = ReviewAssignment
    filterset_class = AssignmentFilter

    def scoped_queryset(self, user):
        return selectors.assignments_for(user)


# ---- reviews ------------------------------------------------------------------------------------
class QaReviewScoreSerializer(serializers.Serializer):
    criterion = serializers.CharField(source="criterion.key")
    name = serializers.CharField(source="criterion.name")
    label = LocalizedField(source="criterion")
    score = serializers.IntegerField()
    scale_max = serializers.IntegerField(source="criterion.scale_max")
    lost_points = serializers.DecimalField(max_digits=5, decimal_places=1)


class QaReviewSerializer(serializers.ModelSerializer):
    sampled_call = serializers.IntegerField(source="assignment.sampled_call_id", read_only=True)
    reviewer = serializers.IntegerField(source="assignment.reviewer_id", read_only=True)
    scores = QaReviewScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = ["id", "assignment", "sampled_call", "reviewer", "version", "total", "uncapped_total",
                  "critical_failed", "comment", "submitted_at", "scores"]


class SubmitReviewSerializer(serializers.Serializer):
    assignment = IdField()
    scores = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=100), allow_empty=False,
                                   help_text="criterion key → score (0..scale max)")
    comment = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


class ReviewFilter(FilterSet):
    sampled_call = django_filters.NumberFilter(field_name="assignment__sampled_call_id", min_value=1, max_value=MAX_ID)

    class Meta:
        model = Review
        fields = ["sampled_call"]


class ReviewViewSet(IdLookupMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Individual reviews, blind: a reviewer sees others' scores of a call only after submitting
    their own; everyone else only once all reviews are in. POST submits the caller's review."""

    not_found = "Review not found."
    serializer_class = QaReviewSerializer
    model = Review
    filterset_class = ReviewFilter

    def scoped_queryset(self, user):
        return selectors.reviews_visible_to(user).order_by("submitted_at", "id")

    @extend_schema(request=SubmitReviewSerializer, responses={201: QaReviewSerializer})
    def create(self, request, *args, **kwargs):
        data = parse_body(request, SubmitReviewSerializer)
        review = services.submit_review(actor=request.user, assignment_id=data["assignment"], scores=dict(data["scores"]),
                                        comment=data["comment"])
        return Response(QaReviewSerializer(self.scoped_queryset(request.user).get(pk=review.pk)).data,
                        status=status.HTTP_201_CREATED)


# ---- results ------------------------------------------------------------------------------------
class QaResultsSerializer(serializers.Serializer):
    reviewed_calls = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    by_week = inline_serializer("QaWeek", many=True, fields={
        "week": serializers.DateField(), "rep": serializers.CharField(), "result": serializers.FloatField()})
    by_criterion = inline_serializer("QaCriterionWeek", many=True, fields={
        "week": serializers.DateField(), "criterion": serializers.CharField(), "percent": serializers.FloatField()})
    teams = inline_serializer("QaTeamAverage", many=True, fields={
        "team": serializers.CharField(), "average": serializers.FloatField(), "calls": serializers.IntegerField()})
    pareto = inline_serializer("QaPareto", many=True, fields={
        "criterion": serializers.CharField(), "lost": serializers.DecimalField(max_digits=12, decimal_places=1),
        "share": serializers.DecimalField(max_digits=5, decimal_places=1),
        "cumulative": serializers.DecimalField(max_digits=5, decimal_places=1)})


class ResultsQuery(QueryParams):
    rep = IdField(required=False)
    team = IdField(required=False)
    weeks = serializers.IntegerField(min_value=1, max_value=104, default=12, help_text="Look-back in weeks")


@extend_schema(parameters=[ResultsQuery], responses={200: QaResultsSerializer})
@api_view(["GET"])
def results(request):
    """QA results: per rep by week, per criterion by week, team averages, Pareto of lost points.
    Reps get their own calls only; managers their teams."""
    query = parse_query(request, ResultsQuery)
    report = selectors.qa_report(request.user, weeks=query["weeks"], rep_id=query.get("rep"), team_id=query.get("team"))
    body = {
        "reviewed_calls": report.count, "average": report.average,
        "by_week": report.by_week.to_dict("records"), "by_criterion": report.by_criterion.to_dict("records"),
        "teams": report.teams.to_dict("records"),
        "pareto": [{"criterion": p.key, "lost": p.lost, "share": p.share, "cumulative": p.cumulative}
                   for p in report.pareto],
    }
    return Response(QaResultsSerializer(body).data)
