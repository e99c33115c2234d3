"""REST endpoints for targets: CRUD (the value changes only through the revisions endpoint),
decomposition, progress, revisions, alerts (list, acknowledge, root cause)."""

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.authentication import requires_scope
from accounts.models import Team, User
from accounts.scopes import KPIS_READ
from targets import selectors, services
from targets.models import (
    Alert,
    Metric,
    OwnerKind,
    PeriodKind,
    RevisionReason,
    RootCauseNote,
    Target,
    TargetRevision,
)
from telesales.api import (
    DateField,
    FilterSet,
    FlagFilter,
    QueryParams,
    ScopedQuerysetMixin,
    parse_body,
    parse_query,
)
from telesales.errors import DomainError


class TargetSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner_label", read_only=True)
    period = serializers.CharField(source="period_label", read_only=True)
    base_value = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = Target
        fields = [
            "id", "metric", "value", "base_value", "uplift_percent", "uplift_amount", "owner_kind", "owner", "team",
            "rep", "period_kind", "period", "start", "end", "parent", "challenge_percent", "excellence_percent",
            "base_coefficient", "challenge_coefficient", "excellence_coefficient", "is_stretch",
            "attainability_note", "note", "created_by", "created_at", "updated_at",
        ]
        read_only_fields = fields


class TargetCreateSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=Metric.choices)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    owner_kind = serializers.ChoiceField(choices=OwnerKind.choices)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    rep = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices)
    start = DateField(help_text="Any day inside the period; the real calendar period is used.")
    parent = serializers.PrimaryKeyRelatedField(queryset=Target.objects.all(), required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    challenge_percent = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False)
    excellence_percent = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False)
    base_coefficient = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, required=False)
    challenge_coefficient = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, required=False)
    excellence_coefficient = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, required=False)


class TargetUpdateSerializer(serializers.Serializer):
    """Only descriptive fields and tier settings change here; the value changes by revision."""

    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    challenge_percent = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False)
    excellence_percent = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False)
    base_coefficient = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, required=False)
    challenge_coefficient = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, required=False)
    excellence_coefficient = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, required=False)

    def validate(self, attrs):
        if "value" in self.initial_data:
            raise serializers.ValidationError({"value": "A target's value changes only through a revision (POST …/revisions/)."})
        return attrs


class DecomposeSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=[("time", "time"), ("people", "people")])
    method = serializers.ChoiceField(
        choices=[*services.TIME_METHODS, *services.PEOPLE_METHODS], default="even",
        help_text="time: even, calendar_days, working_days, seasonality; people: even, history, tenure, capacity, typed",
    )
    into = serializers.ChoiceField(choices=PeriodKind.choices, required=False, help_text="time only; default: the next finer period")
    seasonality = serializers.DictField(
        child=serializers.DecimalField(max_digits=10, decimal_places=4, min_value=0), required=False,
        help_text='time/seasonality: {"1": 0.8, …, "12": 1.3}',
    )
    weights = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=4, min_value=0), required=False,
        help_text="people/typed: {id: weight}",
    )
    uplift_percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=200, required=False)
    replace = serializers.BooleanField(default=False)
    preview = serializers.BooleanField(default=False, help_text="Only show the shares; save nothing.")


class ShareSerializer(serializers.Serializer):
    owner_kind = serializers.CharField()
    owner_id = serializers.IntegerField(allow_null=True)
    owner = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    weight = serializers.DecimalField(max_digits=20, decimal_places=4)
    base = serializers.DecimalField(max_digits=16, decimal_places=2)
    uplift = serializers.DecimalField(max_digits=16, decimal_places=2)
    value = serializers.DecimalField(max_digits=16, decimal_places=2)


class DecomposeResultSerializer(serializers.Serializer):
    saved = serializers.BooleanField()
    uplift_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    shares = ShareSerializer(many=True)
    targets = TargetSerializer(many=True)


class TierSerializer(serializers.Serializer):
    name = serializers.CharField()
    threshold = serializers.DecimalField(max_digits=18, decimal_places=2)
    coefficient = serializers.DecimalField(max_digits=5, decimal_places=2)


class FunnelPlanSerializer(serializers.Serializer):
    remaining = serializers.DecimalField(max_digits=16, decimal_places=2)
    working_days_left = serializers.IntegerField()
    rates_from = serializers.CharField()
    total = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    per_day = serializers.DictField(child=serializers.IntegerField(), allow_null=True)


class ProgressSerializer(serializers.Serializer):
    target = serializers.IntegerField()
    as_of = serializers.DateField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2)
    actual = serializers.DecimalField(max_digits=18, decimal_places=2)
    elapsed = serializers.DecimalField(max_digits=6, decimal_places=4)
    expected = serializers.DecimalField(max_digits=18, decimal_places=2)
    attainment = serializers.DecimalField(max_digits=18, decimal_places=4)
    pace_ratio = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    rag = serializers.ChoiceField(choices=["red", "amber", "green"])
    tier = TierSerializer(allow_null=True)
    projected = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    remaining = serializers.DecimalField(max_digits=18, decimal_places=2)
    funnel = FunnelPlanSerializer()


class ProgressQuery(QueryParams):
    as_of = DateField(required=False, help_text="Default: today (configured time zone)")


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetRevision
        fields = ["id", "target", "old_value", "new_value", "reason", "note", "children_rebalanced", "revised_by", "revised_at"]
        read_only_fields = fields


class ReviseSerializer(serializers.Serializer):
    new_value = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    reason = serializers.ChoiceField(choices=RevisionReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    rebalance_children = serializers.BooleanField(default=False)


class RootCauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = RootCauseNote
        fields = ["people", "process", "customer_quality", "tools", "environment", "actions", "written_by", "updated_at"]
        read_only_fields = ["written_by", "updated_at"]
        extra_kwargs = {f: {"required": False, "allow_blank": True, "max_length": 5000} for f in services.ROOT_CAUSE_FIELDS}


class AlertSerializer(serializers.ModelSerializer):
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    is_read = serializers.BooleanField(read_only=True)
    root_cause = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id", "rule", "rule_name", "target", "streak_start", "streak_end", "days_below", "message", "created_at",
            "is_read", "read_at", "acknowledged_by", "acknowledged_at", "root_cause",
        ]
        read_only_fields = fields

    @extend_schema_field(RootCauseSerializer(allow_null=True))
    def get_root_cause(self, obj):
        try:
            note = obj.root_cause
        except RootCauseNote.DoesNotExist:
            return None
        return RootCauseSerializer(note).data


def _shares_out(target: Target, *, time_parts=None, people=None) -> list[dict]:
    out = []
    for period, value in time_parts or []:
        out.append({
            "owner_kind": target.owner_kind, "owner_id": target.rep_id or target.team_id, "owner": target.owner_label,
            "start": period.start, "end": period.end, "weight": period.days, "base": value, "uplift": 0, "value": value,
        })
    to_teams = target.owner_kind == OwnerKind.COMPANY
    for s in people or []:
        out.append({
            "owner_kind": OwnerKind.TEAM if to_teams else OwnerKind.REP, "owner_id": s.key.pk, "owner": str(s.key),
            "start": target.start, "end": target.end, "weight": s.weight, "base": s.base, "uplift": s.uplift,
            "value": s.total,
        })
    return out


class TargetViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                    viewsets.GenericViewSet):
    """Targets the caller may see (reps: own; managers: company, their teams and reps; admins: all)."""

    serializer_class = TargetSerializer
    model = Target
    filterset_fields = ["metric", "owner_kind", "period_kind", "team", "rep", "parent"]
    ordering_fields = ["start", "id", "value"]

    def scoped_queryset(self, user):
        return selectors.targets_visible_to(user).order_by("start", "id")

    def _get(self, pk) -> Target:
        return selectors.target_for(actor=self.request.user, target_id=pk)

    @extend_schema(request=TargetCreateSerializer, responses={201: TargetSerializer})
    def create(self, request):
        data = dict(parse_body(request, TargetCreateSerializer))
        parent = data.pop("parent", None)
        if parent is not None:
            parent = self._get(parent.pk)
        target = services.create_target(actor=request.user, parent=parent, **data)
        return Response(TargetSerializer(target).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TargetUpdateSerializer, responses=TargetSerializer)
    def partial_update(self, request, pk=None):
        target = self._get(pk)
        d = parse_body(request, TargetUpdateSerializer)
        target = services.update_target(actor=request.user, target_id=target.pk, **d)
        return Response(TargetSerializer(target).data)

    def destroy(self, request, pk=None):
        target = self._get(pk)
        services.delete_target(actor=request.user, target_id=target.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=DecomposeSerializer, responses={200: DecomposeResultSerializer, 201: DecomposeResultSerializer})
    @requires_scope(KPIS_READ)  # a preview is a question; deciding still needs a manager or admin
    @action(detail=True, methods=["post"])
    def decompose(self, request, pk=None):
        """Split over time (year → quarters → months → weeks) or people (company → teams → reps)."""
        target = self._get(pk)
        d = parse_body(request, DecomposeSerializer)
        if d["dimension"] == "time":
            if d["method"] not in services.TIME_METHODS:
                raise DomainError(gettext("Split over time by: %(join)s.") % {"join": ', '.join(services.TIME_METHODS)})
            kwargs = {"method": d["method"], "into": d.get("into"), "seasonality": d.get("seasonality")}
            if d["preview"]:
                parts = services.preview_over_time(target=target, **kwargs)
                body = {"saved": False, "uplift_percent": 0, "shares": _shares_out(target, time_parts=parts), "targets": []}
                return Response(DecomposeResultSerializer(body).data)
            children = services.decompose_over_time(actor=request.user, target_id=target.pk, replace=d["replace"], **kwargs)
            uplift = 0
        else:
            if d["method"] not in services.PEOPLE_METHODS:
                raise DomainError(gettext("Share over people by: %(join)s.") % {"join": ', '.join(services.PEOPLE_METHODS)})
            kwargs = {"method": d["method"], "weights": d.get("weights"), "uplift_percent": d.get("uplift_percent")}
            if d["preview"]:
                shares, uplift = services.preview_over_people(target=target, **kwargs)
                body = {"saved": False, "uplift_percent": uplift, "shares": _shares_out(target, people=shares), "targets": []}
                return Response(DecomposeResultSerializer(body).data)
            children = services.decompose_over_people(actor=request.user, target_id=target.pk, replace=d["replace"], **kwargs)
            uplift = children[0].uplift_percent if children else 0
        body = {"saved": True, "uplift_percent": uplift, "shares": [], "targets": children}
        return Response(DecomposeResultSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ProgressQuery], responses=ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """Actual vs target and pace, RAG, tier, projection, and the funnel plan for the rest."""
        target = self._get(pk)
        as_of = parse_query(request, ProgressQuery).get("as_of") or timezone.localdate()
        p = selectors.progress_for(target, as_of=as_of)
        plan = selectors.funnel_plan(target, as_of=as_of)
        body = {
            "target": target.pk, "as_of": as_of, "value": target.value, "actual": p.actual, "elapsed": p.elapsed,
            "expected": p.expected, "attainment": p.attainment, "pace_ratio": p.pace_ratio, "rag": p.rag,
            "tier": p.tier.__dict__ if p.tier else None, "projected": p.projected, "remaining": p.remaining,
            "funnel": plan,
        }
        return Response(ProgressSerializer(body).data)

    @extend_schema(methods=["get"], responses=RevisionSerializer(many=True))
    @extend_schema(methods=["post"], request=ReviseSerializer, responses={201: TargetSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def revisions(self, request, pk=None):
        """GET: the revision history. POST: revise the value with a reason (the only way it changes)."""
        target = self._get(pk)
        if request.method == "GET":
            return Response(RevisionSerializer(target.revisions.all(), many=True).data)
        d = parse_body(request, ReviseSerializer)
        target = services.revise_target(actor=request.user, target_id=target.pk, **d)
        return Response(TargetSerializer(target).data, status=status.HTTP_201_CREATED)


class AlertFilter(FilterSet):
    unread = FlagFilter(method="only_unread", label="true: only alerts not read yet")

    class Meta:
        model = Alert
        fields = ["rule", "target", "unread"]

    def only_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value else queryset


class AlertViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Target alerts for managers (their teams) and admins, newest streak first."""

    serializer_class = AlertSerializer
    model = Alert
    filterset_class = AlertFilter

    def scoped_queryset(self, user):
        return selectors.alerts_visible_to(user).select_related("root_cause").order_by("-streak_end", "-id")

    @extend_schema(request=None, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = services.acknowledge_alert(actor=request.user, alert_id=pk)
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=RootCauseSerializer, responses=RootCauseSerializer)
    @action(detail=True, methods=["post"], url_path="root-cause")
    def root_cause(self, request, pk=None):
        """Write the five-dimension root-cause note (people, process, customer quality, tools, environment)."""
        d = parse_body(request, RootCauseSerializer)
        note = services.save_root_cause(actor=request.user, alert_id=pk, **d)
        return Response(RootCauseSerializer(note).data)
