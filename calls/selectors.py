"""Reads on calls, always scoped through accounts.access."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, JSONField, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.utils import timezone

from accounts.access import scope_by_user
from accounts.models import User
from calls.models import Call, FollowUp
from calls.services import MAX_UNANSWERED_ATTEMPTS
from leads.models import GRADE_ORDER, DoNotCallNumber, GradeChange, Lead, LeadStatus
from telesales.days import day_bounds, local_day
from telesales.prepared import Prepared

TIMELINE_LIMIT = 50
CENT = Decimal("0.01")


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)
FRESH_LIMIT = 50


def calls_visible_to(user: User) -> QuerySet[Call]:
    """Calls the user may see: made by them (rep), by their teams (manager), all (admin)."""
    return scope_by_user(Call.objects.select_related("disposition", "rep", "lead"), user, "rep")


OPEN_FOLLOW_UPS = Prepared(lambda lead_id: FollowUp.objects.filter(lead_id=lead_id, done_at__isnull=True)
                           .select_related("assigned_to"))


def open_follow_ups(lead: Lead) -> list[FollowUp]:
    return OPEN_FOLLOW_UPS(lead.pk)


def _not_blocked(qs: QuerySet, lead_path: str = "") -> QuerySet:
    """Exclude do-not-call leads and numbers on the company list."""
    qs = qs.exclude(**{f"{lead_path}status": LeadStatus.DNC})
    return qs.exclude(Exists(DoNotCallNumber.objects.filter(phone=OuterRef(f"{lead_path}phone"))))


def latest_call_of_lead(lead_ref: str = "pk") -> QuerySet[Call]:
    """The latest call of the lead `lead_ref` points at (for a Subquery; index call_lead_started)."""
    return Call.objects.filter(lead=OuterRef(lead_ref)).order_by("-started_at", "-id")


def ordered_follow_ups(qs: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
    """Follow-ups in calling order, each with the latest outcome of its lead (`latest_outcome`,
    with its other languages in `latest_outcome_i18n`).

    Not yet tried since scheduled first: by due time, then fewer unanswered attempts, then the
    oldest last attempt. Then the ones tried since (a “no answer” on an overdue follow-up),
    the least recently tried first, so a customer who did not answer twice is not first again."""
    tried, order = follow_up_order()
    return qs.annotate(
        tried_at=tried,
        latest_outcome=Subquery(latest_call_of_lead("lead_id").values("disposition__name")[:1]),
        latest_outcome_i18n=Subquery(latest_call_of_lead("lead_id").values("disposition__name_i18n")[:1],
                                     output_field=JSONField()),
    ).order_by(*order)


def follow_up_order() -> tuple:
    """(the `tried_at` annotation, the order_by terms) of the calling order of follow-ups."""
    tried = Case(When(lead__last_contacted_at__gt=F("created_at"), then=F("lead__last_contacted_at")), default=None)
    return tried, [F("tried_at").asc(nulls_first=True), "due_at", "lead__unanswered_attempts",
                   F("lead__last_contacted_at").asc(nulls_first=True), "id"]


@dataclass
class DailyPlan:
    """每日电话计划表: due follow-ups first (in calling order), then fresh leads."""

    rep: User
    overdue: list = field(default_factory=list)
    today: list = field(default_factory=list)
    fresh: list = field(default_factory=list)
    exhausted: list = field(default_factory=list)


def daily_plan(rep: User, *, now: dt.datetime | None = None) -> DailyPlan:
    """The rep's queue for today (a constant number of queries)."""
    now = now or timezone.now()
    _, end_of_day = day_bounds(local_day(now))
    due = PLAN_DUE(rep.pk, end_of_day, *([rep.team_id] if rep.team_id else []))
    plan = DailyPlan(rep=rep)
    for follow_up in due:
        (plan.overdue if follow_up.due_at < now else plan.today).append(follow_up)
    plan.fresh = PLAN_FRESH(rep.pk)
    plan.exhausted = PLAN_EXHAUSTED(rep.pk)
    return plan


def _plan_due(rep_id: int, end_of_day: dt.datetime, team_id: int | None = None) -> QuerySet[FollowUp]:
    mine = Q(assigned_to_id=rep_id)
    if team_id:
        # Team callbacks: on the rep's own leads, or on leads back in the pool that the team may claim.
        mine |= Q(assigned_to__isnull=True, team_id=team_id) & (Q(lead__owner_id=rep_id) | Q(lead__owner__isnull=True))
    return ordered_follow_ups(_not_blocked(
        FollowUp.objects.filter(mine, done_at__isnull=True, due_at__lt=end_of_day).select_related("lead__owner"),
        "lead__",
    ))[:300]


# The plan's three reads, compiled once (telesales/prepared.py): the rep's home page.
PLAN_DUE = Prepared(_plan_due)
PLAN_FRESH = Prepared(lambda rep_id: _not_blocked(
    Lead.objects.filter(owner_id=rep_id, status=LeadStatus.ACTIVE, last_contacted_at__isnull=True)
).select_related("owner").order_by("claimed_at", "id")[:FRESH_LIMIT])
PLAN_EXHAUSTED = Prepared(lambda rep_id: _not_blocked(
    Lead.objects.filter(owner_id=rep_id, status=LeadStatus.ACTIVE, unanswered_attempts__gte=MAX_UNANSWERED_ATTEMPTS)
).order_by("-unanswered_attempts")[:20])


@dataclass
class DailyReport:
    """每日工作报告表 for one rep and day, from the records."""

    rep: User
    day: dt.date
    calls: int = 0
    connects: int = 0
    quotes: int = 0
    sales: int = 0
    premium: Decimal = Decimal("0")
    talk_seconds: int = 0
    graded_up: int = 0
    call_rows: list = field(default_factory=list)
    upgrades: list = field(default_factory=list)

    @property
    def talk_minutes(self) -> int:
        return round(self.talk_seconds / 60)


def _report_aggregates():
    return {
        "calls": Count("id"),
        "connects": Count("lead", filter=Q(disposition__reached=True), distinct=True),
        "quotes": Count("lead", filter=Q(disposition__quoted=True), distinct=True),
        "sales": Count("lead", filter=Q(disposition__sold=True), distinct=True),
        "premium": Sum("premium", filter=Q(disposition__sold=True)),
        "talk_seconds": Sum("duration_seconds"),
    }


def _moved_up(change: GradeChange) -> bool:
    if change.to_status == LeadStatus.WON:
        return True
    if change.from_grade not in GRADE_ORDER:
        return False
    return GRADE_ORDER.index(change.to_grade) > GRADE_ORDER.index(change.from_grade)


def daily_report(rep: User, day: dt.date) -> DailyReport:
    start, end = day_bounds(day)
    calls = Call.objects.filter(rep=rep, started_at__gte=start, started_at__lt=end)
    totals = calls.aggregate(**_report_aggregates())
    report = DailyReport(rep=rep, day=day, **{k: v or 0 for k, v in totals.items()})
    report.premium = _money(totals["premium"])
    report.call_rows = list(calls.select_related("lead", "disposition").order_by("-started_at", "-id")[:500])
    changes = GradeChange.objects.filter(owner=rep, changed_at__gte=start, changed_at__lt=end).select_related("lead")
    report.upgrades = [c for c in changes if _moved_up(c)]
    report.graded_up = len({c.lead_id for c in report.upgrades})
    return report


def team_day_summary(reps: QuerySet[User], day: dt.date) -> list[dict]:
    """One row per rep for a manager: the report's totals (one grouped query + one for grades)."""
    start, end = day_bounds(day)
    reps = list(reps)
    rows = {
        r["rep_id"]: r
        for r in Call.objects.filter(rep__in=reps, started_at__gte=start, started_at__lt=end)
        .values("rep_id").annotate(**_report_aggregates())
    }
    ups: dict[int, set] = {}
    for change in GradeChange.objects.filter(owner__in=reps, changed_at__gte=start, changed_at__lt=end):
        if _moved_up(change):
            ups.setdefault(change.owner_id, set()).add(change.lead_id)
    out = []
    for rep in reps:
        row = rows.get(rep.pk, {})
        out.append({
            "rep": rep, "calls": row.get("calls", 0), "connects": row.get("connects", 0),
            "quotes": row.get("quotes", 0), "sales": row.get("sales", 0),
            "premium": _money(row.get("premium")), "talk_minutes": round((row.get("talk_seconds") or 0) / 60),
            "graded_up": len(ups.get(rep.pk, ())),
        })
    return out
