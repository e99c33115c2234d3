"""Reads behind a KPI number (drill-down): the distinct customers or the calls of a rep, a team or
the company over a period, scoped like the dashboard the number was on.

A list is as long as the number it opens, by construction:
- customers come from the very lead sets the number is the size of (selectors.stage_sets);
- calls are those of the (rep, local day) pairs whose facts make up the number, filtered by the
  funnel stage of their disposition exactly as kpis/sql.py counts them (CALL_STAGES is the ORM
  twin of its expressions; tests/kpis/test_drill.py holds the two together).

Who may open which list is decided like the dashboards: a rep's records for whoever may see the
rep, a team's for whoever may open its dashboard (not a rep), the company's for admins and
integrations; everything else is not found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import is_rep, sees_everything
from accounts.models import User
from accounts.selectors import user_for
from calls.models import Call
from kpis.leadsets import STAGES, Stages
from kpis.models import DailyRepKpi
from kpis.selectors import stage_sets, team_for
from leads.models import Lead
from leads.selectors import PhoneViewer, readable_leads
from telesales.days import day_bounds
from telesales.errors import NotFound

WHATS = ("customers", "calls")

# Which calls count at which stage: the ORM twin of kpis/sql.py (_DIALLED, _REACHED, _QUOTED, _SOLD).
CALL_STAGES = {
    "dialled": Q(disposition__attempted=True) | Q(disposition__reached=True) | Q(disposition__quoted=True)
    | Q(disposition__sold=True),
    "reached": Q(disposition__reached=True) | Q(disposition__quoted=True) | Q(disposition__sold=True),
    "quoted": Q(disposition__quoted=True) | Q(disposition__sold=True),
    "sold": Q(disposition__sold=True),
}
MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
# A call's margin as the KPI job sums it: premium × margin rate rounded to the cent, sales only.
CALL_MARGIN = Case(
    When(disposition__sold=True, then=Round(Coalesce("premium", ZERO) * Coalesce("margin_rate", ZERO), 2)),
    default=ZERO, output_field=MONEY,
)
CALL_PREMIUM = Case(When(disposition__sold=True, then=Coalesce("premium", ZERO)), default=ZERO, output_field=MONEY)


@dataclass(frozen=True)
class Subject:
    """Whose number it is, and how the dashboard computed it (selectors.aggregate_facts)."""

    kind: str  # "rep", "team", "rep_in_team" (a leaderboard row) or "company"
    label: str
    facts: QuerySet[DailyRepKpi]
    by: str
    key: int | None
    whole: bool
    rep: User | None = None
    team_id: int | None = None


def drill_subject(user: User, *, rep_id: int | None = None, team_id: int | None = None) -> Subject:
    """The subject of a drill-down the user may open: a rep they may see (rep=), a team whose
    dashboard they may open (team=), a rep's facts recorded under a team (both, as a team
    leaderboard row counts them), or the company (neither: admins and integrations). NotFound
    for anything else."""
    rep = team = None
    if rep_id is not None:
        rep = user_for(actor=user, user_id=rep_id)
    if team_id is not None:
        if rep is None and is_rep(user):
            raise NotFound(_("No such team, or it is not one of yours."))
        team = team_for(user, team_id)
    if rep is not None and team is not None:
        return Subject("rep_in_team", f"{rep.display_name} · {team.name}",
                       DailyRepKpi.objects.filter(rep=rep, team=team), "rep", rep.id, False, rep, team.id)
    if rep is not None:
        return Subject("rep", rep.display_name, DailyRepKpi.objects.filter(rep=rep), "company", None, False, rep)
    if team is not None:
        return Subject("team", team.name, DailyRepKpi.objects.filter(team=team), "team", team.id, True,
                       team_id=team.id)
    if not sees_everything(user):
        raise NotFound(_("Give rep=<id> or team=<id>: only admins see the whole company."))
    return Subject("company", _("Company"), DailyRepKpi.objects.all(), "company", None, True)


# ---- customers ----------------------------------------------------------------------------------
def customers_behind(subject: Subject, *, start: dt.date, end: dt.date) -> Stages:
    """The distinct leads at each stage behind the subject's counts over [start, end]: the same
    union of lead sets the dashboards count."""
    facts = subject.facts.filter(day__gte=start, day__lte=end)
    rows = [{"period": None, "key": subject.key}]
    sets = stage_sets(facts, rows, start=start, end=end, grain="total", by=subject.by, whole=subject.whole)
    return sets.get((None, subject.key)) or Stages.empty()


@dataclass(frozen=True)
class CustomerRow:
    lead_id: int
    lead: Lead | None  # None: a lead id without a row (facts written by other means)
    stage: str  # the highest stage the lead reached in the period
    phone: str
    readable: bool  # the viewer may open the lead's page


class CustomerList(Sequence):
    """The leads of one stage as a sequence for Django's Paginator: its length is the set's size
    and a slice is one page of rows, read in two queries (leads, and which the viewer may open)."""

    def __init__(self, user: User, stages: Stages, stage: str):
        self.user, self.stages, self.ids = user, stages, getattr(stages, stage)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        ids = list(self.ids[index])
        leads = Lead.objects.select_related("owner", "pool").in_bulk(ids)
        readable = set(readable_leads(self.user).filter(id__in=ids).values_list("id", flat=True))
        viewer = PhoneViewer(self.user)
        rows = []
        for lead_id in ids:
            lead = leads.get(lead_id)
            stage = next(s for s in reversed(STAGES) if lead_id in getattr(self.stages, s))
            rows.append(CustomerRow(lead_id, lead, stage, viewer.phone(lead) if lead else "", lead_id in readable))
        return rows


# ---- calls --------------------------------------------------------------------------------------
def calls_behind(subject: Subject, *, start: dt.date, end: dt.date, stage: str | None = None) -> QuerySet[Call]:
    """The calls behind the subject's call counts, talk time and money over [start, end]: every
    call of a (rep, local day) whose facts the subject's number adds up, at `stage` (None: all
    calls, as talk time counts them), oldest first, with its `margin` as the KPI job sums it."""
    lo, hi = day_bounds(start, (end - start).days + 1)
    recorded = subject.facts.filter(rep_id=OuterRef("rep_id"), day=OuterRef("local_day"))
    qs = (Call.objects.filter(started_at__gte=lo, started_at__lt=hi)
          .annotate(local_day=TruncDate("started_at", tzinfo=timezone.get_default_timezone()))
          .filter(Exists(recorded)))
    if stage is not None:
        qs = qs.filter(CALL_STAGES[stage])
    return (qs.annotate(sale_premium=CALL_PREMIUM, margin=CALL_MARGIN)
            .select_related("rep", "lead", "disposition").order_by("started_at", "id"))


def call_totals(calls: QuerySet[Call]) -> dict[str, int | Decimal]:
    """Calls, talk seconds, premium and margin of a calls_behind queryset (one query)."""
    totals = calls.order_by().aggregate(
        calls=Count("id"), talk_seconds=Coalesce(Sum("duration_seconds"), 0),
        premium=Coalesce(Sum("sale_premium"), ZERO), margin_amount=Coalesce(Sum("margin"), ZERO),
    )
    return totals


def readable_lead_ids(user: User, lead_ids: list[int]) -> set[int]:
    """Which of these leads the user may open (leads.selectors.may_read, as one query)."""
    return set(readable_leads(user).filter(id__in=lead_ids).values_list("id", flat=True))
