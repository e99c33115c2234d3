"""Reads for targets: what a user may see and manage, actuals from the KPI facts, the working
calendar, driver rates and history. Every queryset shown to a user is scoped here."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import (
    can_manage_team,
    can_manage_user,
    is_admin,
    is_manager,
    is_rep,
    managed_team_ids,
    sees_everything,
)
from accounts.models import User
from kpis import selectors as kpi_selectors
from kpis.models import DailyRepKpi
from targets import domain
from targets.models import METRIC_FACT, Alert, Holiday, Metric, OwnerKind, PeriodKind, Target, metric_quantum
from telesales.errors import NotFound

FACT_FIELDS = [
    "calls_made", "customers_dialled", "customers_reached", "customers_quoted", "customers_sold", "premium", "margin_amount",
]
# Distinct over the target's period (the KPI engine's lead sets), never a sum of daily counts.
CUSTOMER_FIELDS = frozenset(kpi_selectors.DISTINCT_FIELDS)


# ---- visibility ------------------------------------------------------------------------------
def targets_visible_to(user: User) -> QuerySet[Target]:
    """Admins see every target; managers the company's, their teams' and their reps'; reps their own."""
    qs = Target.objects.select_related("team", "rep", "parent")
    if sees_everything(user):
        return qs
    if is_manager(user):
        teams = managed_team_ids(user)
        return qs.filter(
            Q(owner_kind=OwnerKind.COMPANY) | Q(team_id__in=teams) | Q(rep__team_id__in=teams) | Q(rep=user)
        )
    return qs.filter(owner_kind=OwnerKind.REP, rep=user)


def target_for(*, actor: User, target_id: int) -> Target:
    try:
        return targets_visible_to(actor).get(pk=target_id)
    except (Target.DoesNotExist, ValueError, TypeError):
        raise NotFound(gettext("No such target.")) from None


def can_manage_owner(actor: User, *, owner_kind: str, team_id: int | None, rep: User | None) -> bool:
    """Admins manage every target, and alone the company's; managers their teams' and their reps'
    targets; reps and integrations none."""
    if owner_kind == OwnerKind.COMPANY:
        return is_admin(actor)
    if owner_kind == OwnerKind.REP:
        return rep is not None and can_manage_user(actor, rep)
    return can_manage_team(actor, team_id)


def can_manage_target(actor: User, target: Target) -> bool:
    return can_manage_owner(actor, owner_kind=target.owner_kind, team_id=target.team_id, rep=target.rep)


def last_uplift(target: Target) -> Decimal:
    """The uplift of the target's latest split over people (its own or its time parts'), else the
    team's setting: the decompose form starts from what the manager last chose."""
    last = (
        Target.objects.filter(Q(parent=target) | Q(parent__parent=target), uplift_percent__gt=0)
        .order_by("-pk").values_list("uplift_percent", flat=True).first()
    )
    if last is not None:
        return last
    return target.team.target_uplift_percent if target.owner_kind == OwnerKind.TEAM else Decimal(0)


def alerts_visible_to(user: User) -> QuerySet[Alert]:
    """Alerts are for managers (their teams' targets) and admins; reps see none."""
    qs = Alert.objects.select_related("rule", "target", "target__team", "target__rep", "acknowledged_by")
    if sees_everything(user):
        return qs
    if is_manager(user):
        return qs.filter(target__team_id__in=managed_team_ids(user))
    return qs.none()


def alert_for(*, actor: User, alert_id: int) -> Alert:
    try:
        return alerts_visible_to(actor).get(pk=alert_id)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise NotFound(gettext("No such alert.")) from None


def unread_alert_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return alerts_visible_to(user).filter(read_at__isnull=True).count()


# ---- calendar --------------------------------------------------------------------------------
def work_calendar(start: dt.date, end: dt.date) -> domain.WorkCalendar:
    """Weekends off plus the holiday calendar edited in the admin."""
    rows = list(Holiday.objects.filter(day__range=(start, end)).values_list("day", "is_working_day"))
    return domain.WorkCalendar(
        holidays=frozenset(d for d, working in rows if not working),
        extra_workdays=frozenset(d for d, working in rows if working),
    )


# ---- actuals ---------------------------------------------------------------------------------
def _owner_filter(target: Target) -> Q:
    if target.owner_kind == OwnerKind.REP:
        return Q(rep_id=target.rep_id)
    if target.owner_kind == OwnerKind.TEAM:
        return Q(team_id=target.team_id)
    return Q()


def _kpi_rows(kind: str, ids: list[int] | None, start: dt.date, end: dt.date, grain: str = "total") -> list[dict]:
    """The KPI engine's rows for owners of a kind (rep or team ids; the company), keyed by
    owner id (None for the company): calls and money summed, customers distinct."""
    facts = DailyRepKpi.objects.all()
    if kind == OwnerKind.REP:
        return kpi_selectors.aggregate_facts(facts, start=start, end=end, grain=grain, by="rep", rep_ids=ids)
    if kind == OwnerKind.TEAM:
        return kpi_selectors.aggregate_facts(facts, start=start, end=end, grain=grain, by="team", team_ids=ids,
                                             complete=True)
    return kpi_selectors.aggregate_facts(facts, start=start, end=end, grain=grain, by="company", complete=True)


def facts_for(kind: str, owner_id: int | None, start: dt.date, end: dt.date) -> dict[str, Decimal]:
    """The KPI counts of one owner over [start, end]."""
    rows = _kpi_rows(kind, None if owner_id is None else [owner_id], start, end)
    return {f: Decimal(rows[0][f] if rows else 0) for f in FACT_FIELDS}


def _owner_id(target: Target) -> int | None:
    return {OwnerKind.REP: target.rep_id, OwnerKind.TEAM: target.team_id}.get(target.owner_kind)


def actual_for(target: Target, *, until: dt.date | None = None) -> Decimal:
    end = min(target.end, until) if until else target.end
    if end < target.start:
        return Decimal(0)
    field = METRIC_FACT[target.metric]
    if field in CUSTOMER_FIELDS:
        return facts_for(target.owner_kind, _owner_id(target), target.start, end)[field]
    total = DailyRepKpi.objects.filter(_owner_filter(target), day__range=(target.start, end)).aggregate(s=Sum(field))["s"]
    return Decimal(total or 0)


def _customer_actuals(targets: list[Target], *, until: dt.date) -> dict[int, Decimal]:
    """Distinct customers for targets of one metric: one KPI read per (owner kind, period)."""
    out: dict[int, Decimal] = {}
    periods: dict[tuple[str, dt.date, dt.date], list[Target]] = defaultdict(list)
    for t in targets:
        if min(t.end, until) >= t.start:
            periods[(t.owner_kind, t.start, min(t.end, until))].append(t)
        else:
            out[t.pk] = Decimal(0)
    for (kind, start, end), group in periods.items():
        ids = None if kind == OwnerKind.COMPANY else sorted({_owner_id(t) for t in group})
        field = METRIC_FACT[group[0].metric]
        values = {row["key"]: Decimal(row[field]) for row in _kpi_rows(kind, ids, start, end)}
        out.update({t.pk: values.get(_owner_id(t), Decimal(0)) for t in group})
    return out


def actuals_for_many(targets: list[Target], *, until: dt.date) -> dict[int, Decimal]:
    """Actual to date for many targets with one query per (owner kind, metric)."""
    out: dict[int, Decimal] = {t.pk: Decimal(0) for t in targets}
    groups: dict[tuple[str, str], list[Target]] = defaultdict(list)
    for t in targets:
        groups[(t.owner_kind, t.metric)].append(t)
    for (kind, metric), group in groups.items():
        field = METRIC_FACT[metric]
        if field in CUSTOMER_FIELDS:
            out.update(_customer_actuals(group, until=until))
            continue
        lo = min(t.start for t in group)
        hi = min(max(t.end for t in group), until)
        if hi < lo:
            continue
        key = {"rep": "rep_id", "team": "team_id"}.get(kind)
        qs = DailyRepKpi.objects.filter(day__range=(lo, hi))
        if key:
            ids = {getattr(t, key) for t in group}
            qs = qs.filter(**{f"{key}__in": ids}).values(key, "day")
        else:
            qs = qs.values("day")
        by_owner: dict[object, list[tuple[dt.date, Decimal]]] = defaultdict(list)
        for row in qs.annotate(s=Sum(field)).order_by():
            by_owner[row.get(key) if key else None].append((row["day"], Decimal(row["s"] or 0)))
        for t in group:
            end = min(t.end, until)
            days = by_owner.get(getattr(t, key) if key else None, ())
            out[t.pk] = sum((v for d, v in days if t.start <= d <= end), Decimal(0))
    return out


def daily_actuals(targets: list[Target], *, start: dt.date, end: dt.date) -> dict[int, dict[dt.date, Decimal]]:
    """Per target, the metric's value on each day of [start, end] that has facts."""
    out: dict[int, dict[dt.date, Decimal]] = {t.pk: {} for t in targets}
    groups: dict[tuple[str, str], list[Target]] = defaultdict(list)
    for t in targets:
        groups[(t.owner_kind, t.metric)].append(t)
    for (kind, metric), group in groups.items():
        field = METRIC_FACT[metric]
        if field in CUSTOMER_FIELDS:  # a day's distinct customers (a team's counted once across reps)
            ids = None if kind == OwnerKind.COMPANY else sorted({_owner_id(t) for t in group})
            by_owner = defaultdict(dict)
            for row in _kpi_rows(kind, ids, start, end, grain="day"):
                by_owner[row["key"]][row["period"]] = Decimal(row[field])
            out.update({t.pk: by_owner.get(_owner_id(t), {}) for t in group})
            continue
        key = {"rep": "rep_id", "team": "team_id"}.get(kind)
        qs = DailyRepKpi.objects.filter(day__range=(start, end))
        if key:
            qs = qs.filter(**{f"{key}__in": {getattr(t, key) for t in group}}).values(key, "day")
        else:
            qs = qs.values("day")
        by_owner: dict[object, dict[dt.date, Decimal]] = defaultdict(dict)
        for row in qs.annotate(s=Sum(field)).order_by():
            by_owner[row.get(key) if key else None][row["day"]] = Decimal(row["s"] or 0)
        for t in group:
            out[t.pk] = by_owner.get(getattr(t, key) if key else None, {})
    return out


# ---- history ---------------------------------------------------------------------------------
def driver_rates_for(target: Target, *, as_of: dt.date, lookback_days: int = 90) -> tuple[domain.DriverRates, str]:
    """Current driver rates for a target's owner (last 90 days); a rep without enough history
    borrows the team's rates. Computed locally from the facts (ratios of sums)."""
    start = as_of - dt.timedelta(days=lookback_days)
    sums = facts_for(target.owner_kind, _owner_id(target), start, as_of)
    source = "own"
    if sums["customers_sold"] < 3 and target.owner_kind == OwnerKind.REP and target.team_id:
        sums = facts_for(OwnerKind.TEAM, target.team_id, start, as_of)
        source = "team"
    if sums["customers_sold"] < 3 and target.owner_kind != OwnerKind.COMPANY:
        sums = facts_for(OwnerKind.COMPANY, None, start, as_of)
        source = "company"
    return rates_from_kpi_drivers(sums), source


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(value.numerator) / Decimal(value.denominator)


def rates_from_kpi_drivers(sums: dict[str, Decimal]) -> domain.DriverRates:
    """The KPI engine's exact driver decomposition (kpis.domain.decompose) mapped to the rates
    the funnel walk needs; calls per customer dialled is the one ratio it does not carry."""
    from kpis.domain import Counts, decompose

    drivers = decompose(Counts.from_mapping(sums))
    avg_margin = None
    if drivers.avg_premium is not None and drivers.avg_margin_rate is not None:
        avg_margin = _dec(drivers.avg_premium * drivers.avg_margin_rate)
    calls = domain.driver_rates(**sums).calls_per_customer
    return domain.DriverRates(
        calls_per_customer=calls, connect_rate=_dec(drivers.effective_connect_rate),
        quote_rate=_dec(drivers.quote_success_rate), close_rate=_dec(drivers.sales_success_rate),
        avg_premium=_dec(drivers.avg_premium), avg_margin=avg_margin,
    )


def best_comparable_history(target_like: dict, *, before: dt.date) -> tuple[Decimal | None, int | None]:
    """The owner's best calendar period of the same kind in the last two years (weeks compare
    with the best month per day). Returns (value, days). `target_like`: metric, period_kind,
    owner_kind and owner_id (None for the company)."""
    field = METRIC_FACT[target_like["metric"]]
    kind = target_like["period_kind"]
    lo, last = dt.date(before.year - 2, 1, 1), before - dt.timedelta(days=1)
    if last < lo:
        return None, None
    grain = {"year": "total", "quarter": "quarter"}.get(kind, "month")
    spans = [(max(dt.date(y, 1, 1), lo), min(dt.date(y, 12, 31), last)) for y in range(lo.year, last.year + 1)]
    buckets: dict[domain.Period, Decimal] = {}
    for start, end in spans if grain == "total" else [(lo, last)]:
        ids = None if target_like["owner_id"] is None else [target_like["owner_id"]]
        for row in _kpi_rows(target_like["owner_kind"], ids, start, end, grain=grain):
            buckets[_calendar_period(row["period"] or start, grain)] = Decimal(row[field])
    if not buckets:
        return None, None
    best = max(buckets.items(), key=lambda kv: kv[1] / kv[0].days)
    return (best[1], best[0].days) if best[1] > 0 else (None, None)


def _calendar_period(first: dt.date, grain: str) -> domain.Period:
    if grain == "total":
        return domain.year_period(first.year)
    if grain == "quarter":
        return domain.quarter_period(first.year, (first.month - 1) // 3 + 1)
    return domain.month_period(first.year, first.month)


# ---- progress and the funnel plan ------------------------------------------------------------
def progress_for(target: Target, *, as_of: dt.date | None = None, actual: Decimal | None = None) -> domain.Progress:
    """Actual (KPI facts) vs target and vs working-day pace, RAG, tier, projection."""
    as_of = as_of or timezone.localdate()
    if actual is None:
        actual = actual_for(target, until=as_of)
    cal = work_calendar(target.start, target.end)
    return domain.progress(
        target=target.value, actual=actual, period=target.period, as_of=as_of, tiers=target.tiers(), work_calendar=cal
    )


def funnel_plan(target: Target, *, as_of: dt.date | None = None, actual: Decimal | None = None) -> dict:
    """'To make this period: ~N calls a day': the remainder walked back through the funnel at
    the owner's current driver rates, spread over the working days left."""
    as_of = as_of or timezone.localdate()
    if actual is None:
        actual = actual_for(target, until=as_of - dt.timedelta(days=1))
    remaining = max(target.value - actual, Decimal(0))
    cal = work_calendar(target.start, target.end)
    left_period = domain.Period(target.period_kind, max(as_of, target.start), target.end)
    days_left = cal.count(left_period) if left_period.start <= left_period.end else 0
    rates, source = driver_rates_for(target, as_of=as_of)
    need = domain.funnel_requirements(target.metric, remaining, rates)
    return {
        "remaining": remaining,
        "working_days_left": days_left,
        "rates_from": source,
        "rates": rates,
        "total": need,
        "per_day": domain.per_day(need, days_left) if need else None,
    }


# ---- progress rows ---------------------------------------------------------------------------
def progress_rows(targets: list[Target], today: dt.date) -> list[dict]:
    """Progress for many targets with a constant number of queries."""
    if not targets:
        return []
    actuals = actuals_for_many(targets, until=today)
    cal = work_calendar(min(t.start for t in targets), max(t.end for t in targets))
    rows = []
    for t in targets:
        p = domain.progress(target=t.value, actual=actuals[t.pk], period=t.period, as_of=today, tiers=t.tiers(),
                            work_calendar=cal)
        rows.append({"target": t, "p": p, "label": f"{t.owner_label} · {t.get_metric_display()}",
                     "pct": (p.attainment * 100).quantize(Decimal("0.1")),
                     "pace_pct": (p.pace_ratio * 100).quantize(Decimal("1")) if p.pace_ratio is not None else None})
    return rows


def current_month_targets(user: User, *, today: dt.date, limit: int) -> list[Target]:
    """The month targets in progress the user may see (a rep: own; a manager: teams and reps)."""
    return list(
        targets_visible_to(user).filter(start__lte=today, end__gte=today, period_kind=PeriodKind.MONTH)
        .exclude(owner_kind=OwnerKind.COMPANY).order_by("owner_kind", "rep__username")[:limit]
    )


def rep_month_plan(user: User, targets: list[Target], today: dt.date) -> dict | None:
    """For a rep, the 'calls a day' plan of their own month target in progress among `targets`."""
    if not is_rep(user):
        return None
    mine = next((t for t in targets if t.owner_kind == OwnerKind.REP and t.rep_id == user.pk
                 and t.period_kind == PeriodKind.MONTH and t.start <= today <= t.end), None)
    return {"target": mine, **funnel_plan(mine, as_of=today)} if mine else None


def progress_card(user: User, *, today: dt.date, limit: int) -> dict:
    """What the progress card on the home and team pages shows: current month targets with
    actual vs pace and RAG, and the rep's plan."""
    targets = current_month_targets(user, today=today, limit=limit)
    return {"rows": progress_rows(targets, today), "plan": rep_month_plan(user, targets, today)}


# ---- today's part of a rep's targets ----------------------------------------------------------
# The today tiles on the call plan: the KPI count each tile shows and the target metrics that
# aim at it, preferred in this order.
TODAY_TILES = (
    ("calls_made", (Metric.CALLS,)),
    ("customers_reached", (Metric.CUSTOMERS_REACHED,)),
    ("customers_sold", (Metric.POLICIES_SOLD, Metric.NEW_CUSTOMERS)),
)


def today_targets(user: User, *, rep: User, day: dt.date) -> dict[str, Decimal | None]:
    """For each today tile, the day's part of the rep's own target in progress (one the user may
    see): the finest period containing the day (a week before its month, a month before its
    quarter…), split over its working days (domain.day_share). None where there is no target."""
    metrics = [metric for _, wanted in TODAY_TILES for metric in wanted]
    targets = list(targets_visible_to(user).filter(owner_kind=OwnerKind.REP, rep=rep, metric__in=metrics,
                                                   start__lte=day, end__gte=day))
    out: dict[str, Decimal | None] = dict.fromkeys((key for key, _ in TODAY_TILES), None)
    if not targets:
        return out
    cal = work_calendar(min(t.start for t in targets), max(t.end for t in targets))
    for key, wanted in TODAY_TILES:
        candidates = [t for t in targets if t.metric in wanted]
        if not candidates:
            continue
        best = min(candidates, key=lambda t: (-domain.PERIOD_ORDER.index(t.period_kind), wanted.index(t.metric),
                                              t.end - t.start, t.pk))
        quantum = metric_quantum(best.metric)
        if best.value % quantum:
            quantum = domain.CENT
        out[key] = domain.day_share(best.value, best.period, day, work_calendar=cal, quantum=quantum)
    return out
