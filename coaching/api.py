"""REST endpoints for coaching: scorecards, sampling plans, samples, assignments, reviews (blind),
results, improvement plans (+check-ins, acknowledge, outcome), one-to-one notes, team stages.

Every list goes through coaching.selectors (scoped by accounts.access); writes call services."""

import datetime as dt
from decimal import Decimal

import django_filters
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from accounts.access import visible_users
from accounts.models import TeamStage
from coaching import domain, reports, selectors, services
from coaching.models import (
    ActionItem,
    CheckIn,
    Criterion,
    ImprovementPlan,
    OneToOneNote,
    PlanItem,
    PlanOutcome,
    PlanSource,
    Review,
    ReviewAssignment,
    SampledCall,
    SamplingPlan,
    SamplingRun,
    Scorecard,
    ScorecardVersion,
    Support,
)
from telesales.api import (
    MAX_ID,
    DateField,
    FilterSet,
    FlagFilter,
    IdField,
    QueryParams,
    ScopedQuerysetMixin,
    parse_query,
    path_id,
)
from telesales.errors import DomainError, NotFound


class CoachingErrorSerializer(serializers.Serializer):
    error = inline_serializer(
        "CoachingErrorBody",
        fields={"code": serializers.CharField(), "message": serializers.CharField(),
                "details": serializers.JSONField(required=False)},
    )


ERRORS = {code: OpenApiResponse(CoachingErrorSerializer) for code in (400, 403, 404, 409)}


def _visible_user(request, user_id: int, label: str):
    user = visible_users(request.user).filter(pk=user_id).first()
    if user is None:
        raise NotFound(f"{label} not found.")
    return user


class IdViewSetMixin(ScopedQuerysetMixin):
    # Route every path segment to DRF so a malformed id answers a JSON 404, not Django's page.
    lookup_value_regex = "[^/]+"

    def get_object(self):
        self.kwargs[self.lookup_url_kwarg or self.lookup_field] = path_id(self.kwargs[self.lookup_url_kwarg or "pk"])
        return super().get_object()


# ---- scorecards ---------------------------------------------------------------------------------
class QaCriterionSerializer(serializers.ModelSerializer):
    key = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=100)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    scale_max = serializers.IntegerField(min_value=1, max_value=100, default=5)
    critical = serializers.BooleanField(default=False)
    pass_score = serializers.IntegerField(min_value=0, max_value=100, default=1)
    description = serializers.CharField(max_length=300, default="", allow_blank=True)

    class Meta:
        model = Criterion
        fields = ["key", "name", "description", "weight", "scale_max", "critical", "pass_score"]


class ScorecardVersionSerializer(serializers.ModelSerializer):
    criteria = QaCriterionSerializer(many=True, read_only=True)

    class Meta:
        model = ScorecardVersion
        fields = ["id", "number", "critical_cap", "calibration_threshold", "created_at", "criteria"]


class ScorecardSerializer(serializers.ModelSerializer):
    current_version = serializers.SerializerMethodField()

    class Meta:
        model = Scorecard
        fields = ["id", "name", "team", "active", "created_at", "current_version"]

    @extend_schema_field(ScorecardVersionSerializer(allow_null=True))
    def get_current_version(self, obj):
        versions = sorted(obj.versions.all(), key=lambda v: -v.number)
        return ScorecardVersionSerializer(versions[0]).data if versions else None


class ScorecardWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    team = IdField(required=False, allow_null=True)
    criteria = QaCriterionSerializer(many=True, allow_empty=False)
    critical_cap = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100, default=0)
    calibration_threshold = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100,
                                                     default=15)


class ScorecardViewSet(IdViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """QA scorecards. Updating one already used for sampling creates a new version."""

    serializer_class = ScorecardSerializer
    model = Scorecard
    http_method_names = ["get", "post", "put", "head", "options"]

    def scoped_queryset(self, user):
        return selectors.scorecards_visible_to(user).order_by("id")

    @extend_schema(request=ScorecardWriteSerializer, responses={201: ScorecardSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        data = _valid(ScorecardWriteSerializer, request.data)
        team = None
        if data.get("team"):
            team = selectors.scope_teams_for(request.user).filter(pk=data["team"]).first()
            if team is None:
                raise NotFound("Team not found.")
        card = services.create_scorecard(
            actor=request.user, name=data["name"], team=team, criteria=[dict(c) for c in data["criteria"]],
            critical_cap=data["critical_cap"], calibration_threshold=data["calibration_threshold"],
        )
        card = selectors.scorecards_visible_to(request.user).get(pk=card.pk)
        return Response(ScorecardSerializer(card).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ScorecardWriteSerializer, responses={200: ScorecardSerializer, **ERRORS})
    def update(self, request, *args, **kwargs):
        card = self.get_object()
        data = _valid(ScorecardWriteSerializer, request.data)
        services.edit_scorecard(
            actor=request.user, scorecard_id=card.pk, criteria=[dict(c) for c in data["criteria"]], name=data["name"],
            critical_cap=data["critical_cap"], calibration_threshold=data["calibration_threshold"],
        )
        return Response(ScorecardSerializer(selectors.scorecards_visible_to(request.user).get(pk=card.pk)).data)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


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


class SamplingPlanViewSet(IdViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Weekly sampling plans of the teams the caller manages; `run` samples a week on demand."""

    serializer_class = SamplingPlanSerializer
    model = SamplingPlan

    def scoped_queryset(self, user):
        return selectors.sampling_plans_visible_to(user).order_by("id")

    @extend_schema(request=SamplingPlanWriteSerializer, responses={201: SamplingPlanSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        data = dict(_valid(SamplingPlanWriteSerializer, request.data))
        team = selectors.scope_teams_for(request.user).filter(pk=data.pop("team")).first()
        if team is None:
            raise NotFound("Team not found.")
        card = selectors.scorecards_visible_to(request.user).filter(pk=data.pop("scorecard")).first()
        if card is None:
            raise NotFound("Scorecard not found.")
        reviewer_ids = data.pop("reviewers")
        reviewers = list(visible_users(request.user).filter(pk__in=reviewer_ids))
        if len(reviewers) != len(set(reviewer_ids)):
            raise NotFound("Reviewer not found.")
        plan = services.create_sampling_plan(actor=request.user, team=team, scorecard=card, reviewers=reviewers, **data)
        return Response(SamplingPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SamplingRunRequestSerializer, responses={200: SamplingRunSerializer, 201: SamplingRunSerializer,
                                                            **ERRORS})
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        plan = self.get_object()
        data = _valid(SamplingRunRequestSerializer, request.data)
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


class SampleViewSet(IdViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Sampled calls the caller may see (own, managed teams', or those they review). The result
    (mean, spread, calibration flag) is filled once every assigned reviewer has submitted."""

    serializer_class = SampledCallSerializer
    model = SampledCall
    filterset_fields = ["rep", "week", "cohort", "plan"]

    def scoped_queryset(self, user):
        return selectors.samples_visible_to(user).prefetch_related("assignments").order_by("-week", "id")

    @extend_schema(request=SampleCallRequestSerializer, responses={201: SampledCallSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        data = _valid(SampleCallRequestSerializer, request.data)
        card = selectors.scorecards_visible_to(request.user).filter(pk=data["scorecard"]).first()
        if card is None:
            raise NotFound("Scorecard not found.")
        sample = services.sample_call(actor=request.user, call_id=data["call"], scorecard_id=card.pk)
        return Response(SampledCallSerializer(self.get_queryset().get(pk=sample.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignReviewerSerializer, responses={201: ReviewAssignmentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        sample = self.get_object()
        data = _valid(AssignReviewerSerializer, request.data)
        reviewer = _visible_user(request, data["reviewer"], "Reviewer")
        assignment = services.assign_reviewer(actor=request.user, sample_id=sample.pk, reviewer=reviewer)
        return Response(ReviewAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class AssignmentFilter(FilterSet):
    pending = FlagFilter(method="only_pending", label="true: only calls still to score")

    class Meta:
        model = ReviewAssignment
        fields = ["pending"]

    def only_pending(self, queryset, name, value):
        return queryset.filter(review__isnull=True) if value else queryset


class AssignmentViewSet(IdViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The caller's review assignments; `?pending=true` is the review queue."""

    serializer_class = ReviewAssignmentSerializer
    model = ReviewAssignment
    filterset_class = AssignmentFilter

    def scoped_queryset(self, user):
        return ReviewAssignment.objects.filter(reviewer=user).select_related("review").order_by("assigned_at", "id")


# ---- reviews ------------------------------------------------------------------------------------
class QaReviewScoreSerializer(serializers.Serializer):
    criterion = serializers.CharField(source="criterion.key")
    name = serializers.CharField(source="criterion.name")
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


class ReviewViewSet(IdViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Individual reviews, blind: a reviewer sees others' scores of a call only after submitting
    their own; everyone else only once all reviews are in. POST submits the caller's review."""

    serializer_class = QaReviewSerializer
    model = Review
    filterset_class = ReviewFilter

    def scoped_queryset(self, user):
        return selectors.reviews_visible_to(user).order_by("submitted_at", "id")

    @extend_schema(request=SubmitReviewSerializer, responses={201: QaReviewSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        data = _valid(SubmitReviewSerializer, request.data)
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


@extend_schema(parameters=[ResultsQuery], responses={200: QaResultsSerializer, **ERRORS})
@api_view(["GET"])
def results(request):
    """QA results: per rep by week, per criterion by week, team averages, Pareto of lost points.
    Reps get their own calls only; managers their teams."""
    query = parse_query(request, ResultsQuery)
    since = domain.week_start(timezone.localdate()) - dt.timedelta(weeks=query["weeks"])
    qs = selectors.completed_samples(request.user, rep_id=query.get("rep"), team_id=query.get("team"), since=since)
    rows = [{"week": r["week"], "rep_id": r["rep_id"], "rep": r["rep__full_name"] or r["rep__username"],
             "team": r["rep__team__name"] or "—", "result_total": r["result_total"]}
            for r in qs.values("week", "rep_id", "rep__full_name", "rep__username", "rep__team__name", "result_total")]
    df = reports.totals_frame(rows)
    crit = [{"week": r["review__assignment__sampled_call__week"], "rep_id": r["review__assignment__sampled_call__rep_id"],
             "criterion": r["criterion__name"], "score": r["score"], "scale_max": r["criterion__scale_max"]}
            for r in selectors.criterion_scores(qs)]
    body = {
        "reviewed_calls": len(df),
        "average": round(float(df["result_total"].mean()), 1) if len(df) else None,
        "by_week": reports.weekly_by_rep(df).to_dict("records"),
        "by_criterion": reports.criterion_weekly(crit).to_dict("records"),
        "teams": reports.team_averages(df).to_dict("records"),
        "pareto": [{"criterion": p.key, "lost": p.lost, "share": p.share, "cumulative": p.cumulative}
                   for p in selectors.pareto_for(qs)],
    }
    return Response(QaResultsSerializer(body).data)


# ---- improvement plans --------------------------------------------------------------------------
class ImprovementPlanItemSerializer(serializers.ModelSerializer):
    what = serializers.CharField(max_length=300)
    measure = serializers.CharField(max_length=200)
    target = serializers.CharField(max_length=100)
    due = DateField()

    class Meta:
        model = PlanItem
        fields = ["what", "measure", "target", "due"]


class PlanCheckInSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckIn
        fields = ["id", "date", "progress_note", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class ImprovementPlanSerializer(serializers.ModelSerializer):
    items = ImprovementPlanItemSerializer(many=True, read_only=True)
    check_ins = PlanCheckInSerializer(many=True, read_only=True)
    next_check_in = serializers.SerializerMethodField()
    check_in_overdue = serializers.SerializerMethodField()
    support = serializers.ListField(child=serializers.ChoiceField(choices=Support.choices), read_only=True)

    class Meta:
        model = ImprovementPlan
        fields = ["id", "rep", "manager", "title", "source_kind", "source_ref", "support", "check_in_every_days",
                  "start_date", "review_date", "outcome", "outcome_note", "closed_at", "acknowledged_at",
                  "next_check_in", "check_in_overdue", "items", "check_ins"]

    def _last(self, obj):
        last = getattr(obj, "last_check_in", None)
        if last is None and not hasattr(obj, "last_check_in"):
            last = max((c.date for c in obj.check_ins.all()), default=None)
        return last

    def get_next_check_in(self, obj) -> dt.date:
        return domain.next_check_in_due(start=obj.start_date, last_check_in=self._last(obj),
                                        every_days=obj.check_in_every_days)

    def get_check_in_overdue(self, obj) -> bool:
        return obj.closed_at is None and timezone.localdate() > self.get_next_check_in(obj)


class ImprovementPlanWriteSerializer(serializers.Serializer):
    rep = IdField()
    title = serializers.CharField(max_length=200)
    items = ImprovementPlanItemSerializer(many=True)
    support = serializers.ListField(child=serializers.ChoiceField(choices=Support.choices), required=False, default=list)
    source_kind = serializers.ChoiceField(choices=PlanSource.choices, default=PlanSource.MANUAL)
    source_ref = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    check_in_every_days = serializers.IntegerField(min_value=1, max_value=30, default=7)
    start_date = DateField(required=False)


class PlanCheckInWriteSerializer(serializers.Serializer):
    progress_note = serializers.CharField(max_length=5000)
    date = DateField(required=False)


class PlanOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=PlanOutcome.choices)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


class PlanViewSet(IdViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Improvement plans (绩效改进计划): a rep sees their own, a manager their teams'."""

    serializer_class = ImprovementPlanSerializer
    model = ImprovementPlan
    filterset_fields = ["rep", "outcome"]

    def scoped_queryset(self, user):
        return selectors.plans_visible_to(user).order_by("-start_date", "-id")

    @extend_schema(request=ImprovementPlanWriteSerializer, responses={201: ImprovementPlanSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        data = _valid(ImprovementPlanWriteSerializer, request.data)
        rep = _visible_user(request, data["rep"], "Rep")
        today = timezone.localdate()
        start = data.get("start_date") or today
        if abs((start - today).days) > 366:
            raise DomainError("Start the plan within a year of today.")
        plan = services.start_plan(
            actor=request.user, rep=rep, title=data["title"], items=[dict(i) for i in data["items"]],
            support=data["support"], source_kind=data["source_kind"], source_ref=data["source_ref"],
            check_in_every_days=data["check_in_every_days"], start_date=start,
        )
        return Response(ImprovementPlanSerializer(self.get_queryset().get(pk=plan.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ImprovementPlanSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        plan = self.get_object()
        services.acknowledge_plan(actor=request.user, plan_id=plan.pk)
        return Response(ImprovementPlanSerializer(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(request=PlanCheckInWriteSerializer, responses={201: PlanCheckInSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="check-ins")
    def check_ins(self, request, pk=None):
        plan = self.get_object()
        data = _valid(PlanCheckInWriteSerializer, request.data)
        check_in = services.record_check_in(actor=request.user, plan_id=plan.pk, progress_note=data["progress_note"],
                                            date=data.get("date"))
        return Response(PlanCheckInSerializer(check_in).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanOutcomeSerializer, responses={200: ImprovementPlanSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        plan = self.get_object()
        data = _valid(PlanOutcomeSerializer, request.data)
        services.record_outcome(actor=request.user, plan_id=plan.pk, outcome=data["outcome"], note=data["note"])
        return Response(ImprovementPlanSerializer(self.get_queryset().get(pk=plan.pk)).data)


# ---- one-to-ones --------------------------------------------------------------------------------
class CoachingActionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItem
        fields = ["id", "note", "description", "owner", "due_on", "done_at", "created_at"]
        read_only_fields = fields


class OneToOneNoteSerializer(serializers.ModelSerializer):
    action_items = CoachingActionItemSerializer(many=True, read_only=True)

    class Meta:
        model = OneToOneNote
        fields = ["id", "rep", "author", "held_on", "situation", "behaviour", "impact", "agreed_actions", "private",
                  "created_at", "action_items"]
        read_only_fields = fields


class OneToOneNoteWriteSerializer(serializers.Serializer):
    rep = IdField()
    situation = serializers.CharField(max_length=5000)
    behaviour = serializers.CharField(max_length=5000)
    impact = serializers.CharField(max_length=5000)
    agreed_actions = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)
    private = serializers.BooleanField(default=False)
    held_on = DateField(required=False)


class CoachingActionItemWriteSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    due_on = DateField()


class NoteViewSet(IdViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """One-to-one notes (SBI). Only the rep (not private notes), the rep's managers and admins."""

    serializer_class = OneToOneNoteSerializer
    model = OneToOneNote
    filterset_fields = ["rep"]

    def scoped_queryset(self, user):
        return selectors.notes_visible_to(user).order_by("-held_on", "-id")

    @extend_schema(request=OneToOneNoteWriteSerializer, responses={201: OneToOneNoteSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        data = dict(_valid(OneToOneNoteWriteSerializer, request.data))
        rep = _visible_user(request, data.pop("rep"), "Rep")
        note = services.write_note(actor=request.user, rep=rep, **data)
        return Response(OneToOneNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CoachingActionItemWriteSerializer, responses={201: CoachingActionItemSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="action-items")
    def action_items(self, request, pk=None):
        note = self.get_object()
        data = _valid(CoachingActionItemWriteSerializer, request.data)
        item = services.add_action_item(actor=request.user, note_id=note.pk, description=data["description"],
                                        due_on=data["due_on"])
        return Response(CoachingActionItemSerializer(item).data, status=status.HTTP_201_CREATED)


class ActionItemViewSet(IdViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Follow-up tasks from one-to-ones the caller may see; `done` ticks one off."""

    serializer_class = CoachingActionItemSerializer
    model = ActionItem

    def scoped_queryset(self, user):
        notes = selectors.notes_visible_to(user).values("pk")
        return ActionItem.objects.filter(Q(note__in=notes) | Q(owner=user)).order_by("due_on", "id")

    @extend_schema(request=None, responses={200: CoachingActionItemSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        item = self.get_object()
        return Response(CoachingActionItemSerializer(services.complete_action_item(actor=request.user, item_id=item.pk)).data)


# ---- team stages --------------------------------------------------------------------------------
class TeamStageSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    name = serializers.CharField()
    founded_on = serializers.DateField()
    stage = serializers.CharField()
    chinese = serializers.CharField()
    months = serializers.CharField()
    overridden = serializers.BooleanField()
    signs = serializers.CharField()
    focus = serializers.ListField(child=serializers.CharField())


class TeamStageWriteSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=[("", "automatic"), *TeamStage.choices], allow_blank=True)


def _stage_body(team, info) -> dict:
    return {"team": team.pk, "name": team.name, "founded_on": team.founded_on, "stage": info.stage,
            "chinese": info.chinese, "months": info.months, "overridden": bool(team.stage_override),
            "signs": info.signs, "focus": list(info.focus)}


class TeamStageViewSet(viewsets.ViewSet):
    """Each visible team's stage (forming 磨合期 / storming 动荡期 / norming 稳定期 / performing 成熟期)
    from its age or a manager's override, with the management focus for that stage."""

    lookup_value_regex = "[^/]+"

    @extend_schema(responses={200: TeamStageSerializer(many=True)})
    def list(self, request):
        return Response(TeamStageSerializer([_stage_body(t, i) for t, i in selectors.team_stages(request.user)],
                                            many=True).data)

    @extend_schema(request=TeamStageWriteSerializer, responses={200: TeamStageSerializer, **ERRORS},
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def partial_update(self, request, pk=None):
        team_id = path_id(pk)
        if not selectors.scope_teams_for(request.user).filter(pk=team_id).exists():
            raise NotFound("Team not found.")
        data = _valid(TeamStageWriteSerializer, request.data)
        team = services.set_team_stage(actor=request.user, team_id=team_id, stage=data["stage"])
        info = domain.stage_for_age(founded_on=team.founded_on, today=timezone.localdate(), override=team.stage_override)
        return Response(TeamStageSerializer(_stage_body(team, info)).data)
