"""REST endpoints for improvement plans (check-ins, acknowledge, outcome), one-to-one notes and
their action items, and team stages."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import TeamStage
from accounts.selectors import user_for
from coaching import domain, selectors, services
from coaching.models import (
    ActionItem,
    CheckIn,
    ImprovementPlan,
    OneToOneNote,
    PlanItem,
    PlanOutcome,
    PlanSource,
    Support,
)
from telesales.api import DateField, IdField, IdLookupMixin, parse_body, path_id
from telesales.errors import DomainError, NotFound


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


class PlanViewSet(IdLookupMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Improvement plans: a rep sees their own, a manager their teams'."""

    not_found = "Improvement plan not found."
    serializer_class = ImprovementPlanSerializer
    model = ImprovementPlan
    filterset_fields = ["rep", "outcome"]

    def scoped_queryset(self, user):
        return selectors.plans_visible_to(user).order_by("-start_date", "-id")

    @extend_schema(request=ImprovementPlanWriteSerializer, responses={201: ImprovementPlanSerializer})
    def create(self, request, *args, **kwargs):
        data = parse_body(request, ImprovementPlanWriteSerializer)
        rep = user_for(actor=request.user, user_id=data["rep"])
        today = timezone.localdate()
        start = data.get("start_date") or today
        if abs((start - today).days) > 366:
            raise DomainError(gettext("Start the plan within a year of today."))
        plan = services.start_plan(
            actor=request.user, rep=rep, title=data["title"], items=[dict(i) for i in data["items"]],
            support=data["support"], source_kind=data["source_kind"], source_ref=data["source_ref"],
            check_in_every_days=data["check_in_every_days"], start_date=start,
        )
        return Response(ImprovementPlanSerializer(self.get_queryset().get(pk=plan.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ImprovementPlanSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        plan = self.get_object()
        services.acknowledge_plan(actor=request.user, plan_id=plan.pk)
        return Response(ImprovementPlanSerializer(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(request=PlanCheckInWriteSerializer, responses={201: PlanCheckInSerializer})
    @action(detail=True, methods=["post"], url_path="check-ins")
    def check_ins(self, request, pk=None):
        plan = self.get_object()
        data = parse_body(request, PlanCheckInWriteSerializer)
        check_in = services.record_check_in(actor=request.user, plan_id=plan.pk, progress_note=data["progress_note"],
                                            date=data.get("date"))
        return Response(PlanCheckInSerializer(check_in).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanOutcomeSerializer, responses={200: ImprovementPlanSerializer})
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        plan = self.get_object()
        data = parse_body(request, PlanOutcomeSerializer)
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


class NoteViewSet(IdLookupMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """One-to-one notes (SBI). Only the rep (not private notes), the rep's managers and admins."""

    not_found = "One-to-one note not found."
    serializer_class = OneToOneNoteSerializer
    model = OneToOneNote
    filterset_fields = ["rep"]

    def scoped_queryset(self, user):
        return selectors.notes_visible_to(user).order_by("-held_on", "-id")

    @extend_schema(request=OneToOneNoteWriteSerializer, responses={201: OneToOneNoteSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(parse_body(request, OneToOneNoteWriteSerializer))
        rep = user_for(actor=request.user, user_id=data.pop("rep"))
        note = services.write_note(actor=request.user, rep=rep, **data)
        return Response(OneToOneNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CoachingActionItemWriteSerializer, responses={201: CoachingActionItemSerializer})
    @action(detail=True, methods=["post"], url_path="action-items")
    def action_items(self, request, pk=None):
        note = self.get_object()
        data = parse_body(request, CoachingActionItemWriteSerializer)
        item = services.add_action_item(actor=request.user, note_id=note.pk, description=data["description"],
                                        due_on=data["due_on"])
        return Response(CoachingActionItemSerializer(item).data, status=status.HTTP_201_CREATED)


class ActionItemViewSet(IdLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Follow-up tasks from one-to-ones the caller may see; `done` ticks one off."""

    not_found = "Action item not found."
    serializer_class = CoachingActionItemSerializer
    model = ActionItem

    def scoped_queryset(self, user):
        return selectors.action_items_visible_to(user).order_by("due_on", "id")

    @extend_schema(request=None, responses={200: CoachingActionItemSerializer})
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
    label = serializers.CharField(help_text="The stage's name in the language of the request.")
    months = serializers.CharField()
    overridden = serializers.BooleanField()
    signs = serializers.CharField()
    focus = serializers.ListField(child=serializers.CharField())


class TeamStageWriteSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=[("", "automatic"), *TeamStage.choices], allow_blank=True)


def _stage_body(team, info) -> dict:
    return {"team": team.pk, "name": team.name, "founded_on": team.founded_on, "stage": info.stage,
            "label": TeamStage(info.stage).label, "months": info.months, "overridden": bool(team.stage_override),
            "signs": gettext(info.signs), "focus": [gettext(f) for f in info.focus]}


class TeamStageViewSet(viewsets.ViewSet):
    """Each visible team's stage (forming / storming / norming / performing)
    from its age or a manager's override, with the management focus for that stage."""

    lookup_value_regex = "[^/]+"

    @extend_schema(responses={200: TeamStageSerializer(many=True)})
    def list(self, request):
        return Response(TeamStageSerializer([_stage_body(t, i) for t, i in selectors.team_stages(request.user)],
                                            many=True).data)

    @extend_schema(request=TeamStageWriteSerializer, responses={200: TeamStageSerializer},
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def partial_update(self, request, pk=None):
        team_id = path_id(pk)
        if not selectors.scope_teams_for(request.user).filter(pk=team_id).exists():
            raise NotFound(gettext("Team not found."))
        data = parse_body(request, TeamStageWriteSerializer)
        team = services.set_team_stage(actor=request.user, team_id=team_id, stage=data["stage"])
        info = domain.stage_for_age(founded_on=team.founded_on, today=timezone.localdate(), override=team.stage_override)
        return Response(TeamStageSerializer(_stage_body(team, info)).data)
