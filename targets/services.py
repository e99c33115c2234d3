"""Writes for targets: create (SMART-checked), decompose over time and people, revise (the only
way a value changes), progress and the funnel plan, alert evaluation, acknowledgement and the
root-cause note. Keyword-only, one transaction each, domain errors on refusal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.access import can_manage_team, is_admin, is_rep
from accounts.models import Role, Team, User
from kpis.models import DailyRepKpi
from targets import domain, selectors
from targets.models import (
    METRIC_FACT,
    Alert,
    AlertRule,
    Metric,
    OwnerKind,
    PeriodKind,
    RevisionReason,
    RootCauseNote,
    Target,
    TargetRevision,
    metric_quantum,
)
from telesales.errors import Conflict, DomainError, PermissionDenied
from telesales.numbers import parse_decimal

TIME_METHODS = [domain.EVEN, domain.CALENDAR_DAYS, domain.WORKING_DAYS, domain.SEASONALITY]
PEOPLE_METHODS = ["even", "history", "tenure", "capacity", "typed"]
HISTORY_DAYS = 90


def _check_value(metric: str, value) -> Decimal:
    value = parse_decimal(value, "The value")
    if value <= 0:
        raise DomainError("A target's value must be greater than zero.")
    if value >= Decimal("1e14"):
        raise DomainError("The value is too large.")
    q = metric_quantum(metric)
    if value % q:
        unit = "whole units" if q == 1 else "cents"
        raise DomainError(f"A {metric} target is counted in {unit}; {value} is not.")
    return value.quantize(Decimal("0.01"))


# ---- create ----------------------------------------------------------------------------------
def create_target(
    *,
    actor: User,
    metric: str,
    value,
    owner_kind: str,
    period_kind: str,
    start: dt.date,
    team: Team | None = None,
    rep: User | None = None,
    parent: Target | None = None,
    note: str = "",
    challenge_percent=None,
    excellence_percent=None,
    base_coefficient=None,
    challenge_coefficient=None,
    excellence_coefficient=None,
) -> Target:
    """A SMART target: a measurable metric, a value > 0, a real calendar period containing
    `start`, an owner the actor manages; flagged as a stretch when far above history."""
    if metric not in Metric.values:
        raise DomainError(f"Unknown metric {metric!r}; choose one the system measures: {', '.join(Metric.values)}.")
    if period_kind not in PeriodKind.values:
        raise DomainError("Choose a period: year, quarter, month or week.")
    if owner_kind not in OwnerKind.values:
        raise DomainError("Choose an owner: company, team or rep.")
    value = _check_value(metric, value)
    if owner_kind == OwnerKind.TEAM and team is None:
        raise DomainError("A team target needs a team.")
    if owner_kind == OwnerKind.REP:
        if rep is None:
            raise DomainError("A rep target needs a rep.")
        if not is_rep(rep) or not rep.is_active:
            raise DomainError(f"{rep.display_name} is not an active rep.")
        team = rep.team
    if owner_kind == OwnerKind.COMPANY:
        team = rep = None
    if owner_kind == OwnerKind.TEAM:
        rep = None
    if not selectors.can_manage_owner(actor, owner_kind=owner_kind, team_id=team.pk if team else None, rep=rep):
        if owner_kind == OwnerKind.COMPANY:
            raise PermissionDenied("Only admins set company targets.")
        raise PermissionDenied("You can only set targets for the teams and reps you manage.")
    period = domain.period_containing(period_kind, start)
    if parent is not None:
        if parent.metric != metric:
            raise DomainError("A target must measure the same metric as its parent.")
        period = domain.Period(period.kind, max(period.start, parent.start), min(period.end, parent.end))
        if period.start > period.end:
            raise DomainError("The period lies outside the parent target's period.")
    best, best_days = selectors.best_comparable_history(
        {"owner": _owner_q(owner_kind, team, rep), "metric": metric, "period_kind": period_kind}, before=period.start
    )
    stretch, hint = domain.stretch_hint(value, period.days, best, best_days)
    tiers = {
        k: parse_decimal(v, k.replace("_", " "))
        for k, v in {
            "challenge_percent": challenge_percent,
            "excellence_percent": excellence_percent,
            "base_coefficient": base_coefficient,
            "challenge_coefficient": challenge_coefficient,
            "excellence_coefficient": excellence_coefficient,
        }.items()
        if v is not None
    }
    if any(v < 0 for v in tiers.values()):
        raise DomainError("Tier levels and coefficients cannot be negative.")
    try:
        with transaction.atomic():
            return Target.objects.create(
                metric=metric, value=value, owner_kind=owner_kind, team=team, rep=rep, period_kind=period.kind,
                start=period.start, end=period.end, parent=parent, note=note[:300], is_stretch=stretch,
                attainability_note=hint[:300], created_by=actor, **tiers,
            )
    except IntegrityError:
        owner = Target(owner_kind=owner_kind, team=team, rep=rep).owner_label
        raise Conflict(
            f"{owner} already has a {Metric(metric).label} target for {period.start} – {period.end}; "
            "revise that one instead of adding another.", code="duplicate_target",
        ) from None


TIER_FIELDS = ["challenge_percent", "excellence_percent", "base_coefficient", "challenge_coefficient", "excellence_coefficient"]


def update_target(*, actor: User, target_id: int, **fields) -> Target:
    """Change a target's note or tier settings (never its value: that is a revision)."""
    unknown = set(fields) - {"note", *TIER_FIELDS}
    if unknown:
        raise DomainError(f"These cannot be changed here: {', '.join(sorted(unknown))}. Revise the value instead.")
    with transaction.atomic():
        target = _locked(actor, target_id)
        _require_manage(actor, target)
        for k, v in fields.items():
            if k in TIER_FIELDS and parse_decimal(v, k) < 0:
                raise DomainError("Tier levels and coefficients cannot be negative.")
            setattr(target, k, v)
        target.save(update_fields=[*fields, "updated_at"])
        return target


def delete_target(*, actor: User, target_id: int) -> None:
    """Remove a target that has not been decomposed (its parts would be orphaned)."""
    with transaction.atomic():
        target = _locked(actor, target_id)
        _require_manage(actor, target)
        if target.children.exists():
            raise Conflict("This target has parts; remove them first.")
        target.delete()


def _owner_q(owner_kind: str, team: Team | None, rep: User | None) -> Q:
    if owner_kind == OwnerKind.REP:
        return Q(rep_id=rep.pk)
    if owner_kind == OwnerKind.TEAM:
        return Q(team_id=team.pk)
    return Q()


def _require_manage(actor: User, target: Target) -> None:
    if not selectors.can_manage_target(actor, target):
        if target.owner_kind == OwnerKind.COMPANY:
            raise PermissionDenied("Only admins change company targets.")
        raise PermissionDenied("You can only change targets of the teams and reps you manage.")


def _clear_children(target: Target, replace: bool) -> None:
    children = list(target.children.all())
    if not children:
        return
    if not replace:
        raise Conflict("This target is already decomposed; revise it, or decompose again with replace.")
    if Target.objects.filter(parent__in=children).exists():
        raise Conflict("Its parts are decomposed further; remove those first.")
    target.children.all().delete()


# ---- over time -------------------------------------------------------------------------------
def preview_over_time(*, target: Target, method: str, into: str | None = None, seasonality=None) -> list[tuple[domain.Period, Decimal]]:
    """The calendar parts a target would split into (nothing saved)."""
    into = into or domain.next_kind(target.period_kind)
    if into is None:
        raise DomainError("A week target cannot be split further over time.")
    if into not in domain.PERIOD_ORDER or domain.PERIOD_ORDER.index(into) <= domain.PERIOD_ORDER.index(target.period_kind):
        raise DomainError(f"A {target.period_kind} target splits into shorter periods, not {into}.")
    if method not in TIME_METHODS:
        raise DomainError(f"Choose a split method: {', '.join(TIME_METHODS)}.")
    season = None
    if method == domain.SEASONALITY:
        if not isinstance(seasonality, dict) or not seasonality:
            raise DomainError("Seasonality needs a weight for each month (1–12).")
        try:
            season = {int(k): parse_decimal(v, "A seasonality weight") for k, v in seasonality.items()}
        except ValueError:
            raise DomainError("Seasonality months are numbered 1–12.") from None
        if any(m < 1 or m > 12 for m in season) or any(v < 0 for v in season.values()):
            raise DomainError("Seasonality months are 1–12 with weights of zero or more.")
    cal = selectors.work_calendar(target.start, target.end) if method == domain.WORKING_DAYS else None
    try:
        return domain.split_over_time(
            target.value, target.period, into, method, quantum=target.quantum, work_calendar=cal, seasonality=season
        )
    except domain.AllocationError as exc:
        raise DomainError(str(exc)) from None


def decompose_over_time(
    *, actor: User, target_id: int, method: str = domain.EVEN, into: str | None = None, seasonality=None,
    replace: bool = False,
) -> list[Target]:
    """Split a target into calendar sub-periods (year → quarters → months → weeks) for the same
    owner; the parts sum exactly to the target."""
    with transaction.atomic():
        target = _locked(actor, target_id)
        _require_manage(actor, target)
        parts = preview_over_time(target=target, method=method, into=into, seasonality=seasonality)
        _clear_children(target, replace)
        children = [
            Target(
                metric=target.metric, value=value, owner_kind=target.owner_kind, team_id=target.team_id,
                rep_id=target.rep_id, period_kind=period.kind, start=period.start, end=period.end, parent=target,
                challenge_percent=target.challenge_percent, excellence_percent=target.excellence_percent,
                base_coefficient=target.base_coefficient, challenge_coefficient=target.challenge_coefficient,
                excellence_coefficient=target.excellence_coefficient, created_by=actor,
                note=f"{method} split of {target.period_label}",
            )
            for period, value in parts
            if value > 0
        ]
        return _create_parts(children)


def _create_parts(children: list[Target]) -> list[Target]:
    """Save a decomposition's parts; the database refuses a part that duplicates a target."""
    try:
        with transaction.atomic():
            return Target.objects.bulk_create(children)
    except IntegrityError:
        raise Conflict(
            "A part would duplicate a target that already exists for the same owner, metric and period; "
            "revise or remove that target first.", code="duplicate_target",
        ) from None


def _locked(actor: User, target_id: int) -> Target:
    selectors.target_for(actor=actor, target_id=target_id)
    return Target.objects.select_for_update(of=("self",)).select_related("team", "rep").get(pk=target_id)


# ---- over people -----------------------------------------------------------------------------
@dataclass(frozen=True)
class PeopleShare:
    owner: object  # Team or User
    weight: Decimal
    base: Decimal
    uplift: Decimal

    @property
    def total(self) -> Decimal:
        return self.base + self.uplift


def people_for(target: Target) -> list:
    """Who a target is handed to: the company's teams, or a team's active reps."""
    if target.owner_kind == OwnerKind.COMPANY:
        return list(Team.objects.order_by("name"))
    if target.owner_kind == OwnerKind.TEAM:
        return list(User.objects.filter(team_id=target.team_id, role=Role.REP, is_active=True).order_by("username"))
    raise DomainError("A rep target cannot be split over people; split it over time instead.")


def people_weights(target: Target, people: list, method: str, typed: dict | None = None) -> dict:
    """Weights by method: even; history (the metric over the last 90 days); tenure (days since
    hired, capped at two years); capacity (reps: recent calls per day; teams: headcount); typed."""
    if method not in PEOPLE_METHODS:
        raise DomainError(f"Choose how to share: {', '.join(PEOPLE_METHODS)}.")
    is_team = target.owner_kind == OwnerKind.COMPANY
    if method == "even":
        return {p.pk: Decimal(1) for p in people}
    if method == "typed":
        if not isinstance(typed, dict) or not typed:
            raise DomainError("Type a weight for each person.")
        weights = {}
        for p in people:
            raw = typed.get(p.pk, typed.get(str(p.pk), 0))
            w = parse_decimal(raw if raw not in (None, "") else 0, f"The weight for {p}")
            if w < 0:
                raise DomainError("Weights cannot be negative.")
            weights[p.pk] = w
        unknown = {str(k) for k in typed} - {str(p.pk) for p in people}
        if unknown:
            raise DomainError(f"Not part of this target's team: {', '.join(sorted(unknown))}.")
        if not any(weights.values()):
            raise DomainError("At least one weight must be above zero.")
        return weights
    if method == "tenure":
        if is_team:
            raise DomainError("Tenure shares are for reps; share a company target by history, capacity or typed weights.")
        return {p.pk: Decimal(min(max(((target.start - p.hired_on).days if p.hired_on else 0), 1), 730)) for p in people}
    start = target.start - dt.timedelta(days=HISTORY_DAYS)
    key = "team_id" if is_team else "rep_id"
    if method == "capacity" and is_team:
        counts = dict(
            User.objects.filter(team__in=people, role=Role.REP, is_active=True).values("team_id")
            .annotate(n=Count("id")).values_list("team_id", "n")
        )
        return {p.pk: Decimal(counts.get(p.pk, 0)) for p in people}
    field = "calls_made" if method == "capacity" else METRIC_FACT[target.metric]
    rows = dict(
        DailyRepKpi.objects.filter(**{f"{key}__in": [p.pk for p in people]}, day__gte=start, day__lt=target.start)
        .values(key).annotate(s=Sum(field)).order_by().values_list(key, "s")
    )
    return {p.pk: Decimal(rows.get(p.pk) or 0) for p in people}


def preview_over_people(
    *, target: Target, method: str = "even", weights: dict | None = None, uplift_percent=None
) -> tuple[list[PeopleShare], Decimal]:
    """The shares a target would be handed out in (nothing saved): base parts sum exactly to the
    target, the uplift (team → reps: the team's setting, default 20%) is added and shown."""
    people = people_for(target)
    if not people:
        raise DomainError("There is nobody to hand this target to.")
    w = people_weights(target, people, method, weights)
    if uplift_percent in (None, ""):
        uplift = target.team.target_uplift_percent if target.owner_kind == OwnerKind.TEAM else Decimal(0)
    else:
        uplift = parse_decimal(uplift_percent, "The uplift")
    if uplift < 0 or uplift > 200:
        raise DomainError("The uplift must be between 0 and 200%.")
    try:
        shares = domain.shares_with_uplift(target.value, w, uplift, quantum=target.quantum)
    except domain.AllocationError as exc:
        raise DomainError(str(exc)) from None
    by_pk = {p.pk: p for p in people}
    return [PeopleShare(by_pk[s.key], s.weight, s.base, s.uplift) for s in shares], uplift


def decompose_over_people(
    *, actor: User, target_id: int, method: str = "even", weights: dict | None = None, uplift_percent=None,
    replace: bool = False,
) -> list[Target]:
    """Hand a company target to teams or a team target to its reps, same period; the base parts
    sum exactly to the target and the uplift is stored on each part. A target already split over
    time (say into weeks) hands each of its time parts over the same way, unless replacing."""
    with transaction.atomic():
        target = _locked(actor, target_id)
        _require_manage(actor, target)
        time_parts = [] if replace else _time_parts(target)
        if time_parts:
            return [
                part for piece in time_parts
                for part in _hand_to_people(actor, piece, method=method, weights=weights, uplift_percent=uplift_percent)
            ]
        return _hand_to_people(actor, target, method=method, weights=weights, uplift_percent=uplift_percent,
                               replace=replace)


def _time_parts(target: Target) -> list[Target]:
    """The target's parts over time (same owner, shorter periods), locked in primary-key order."""
    return list(
        Target.objects.select_for_update(of=("self",))
        .filter(parent=target, owner_kind=target.owner_kind, team_id=target.team_id, rep_id=target.rep_id)
        .order_by("pk")
    )


def _hand_to_people(actor: User, target: Target, *, method: str, weights: dict | None, uplift_percent,
                    replace: bool = False) -> list[Target]:
    shares, uplift = preview_over_people(target=target, method=method, weights=weights, uplift_percent=uplift_percent)
    _clear_children(target, replace)
    to_teams = target.owner_kind == OwnerKind.COMPANY
    children = [
        Target(
            metric=target.metric, value=s.total, uplift_percent=uplift, uplift_amount=s.uplift,
            owner_kind=OwnerKind.TEAM if to_teams else OwnerKind.REP,
            team_id=s.owner.pk if to_teams else target.team_id, rep_id=None if to_teams else s.owner.pk,
            period_kind=target.period_kind, start=target.start, end=target.end, parent=target,
            challenge_percent=target.challenge_percent, excellence_percent=target.excellence_percent,
            base_coefficient=target.base_coefficient, challenge_coefficient=target.challenge_coefficient,
            excellence_coefficient=target.excellence_coefficient, created_by=actor,
            note=f"{method} share of {target.owner_label}",
        )
        for s in shares
        if s.total > 0
    ]
    return _create_parts(children)


# ---- revisions -------------------------------------------------------------------------------
def revise_target(
    *, actor: User, target_id: int, new_value, reason: str, note: str = "", rebalance_children: bool = False
) -> Target:
    """The only way a target's value changes: a reason (forecast wrong / major external change /
    major internal change), a note, the history row; children re-balanced on request in
    proportion to their current base shares (each child's change is a revision too)."""
    if reason not in RevisionReason.values:
        raise DomainError("Give a reason: forecast wrong, major external change or major internal change.")
    with transaction.atomic():
        target = _locked(actor, target_id)
        _require_manage(actor, target)
        new_value = _check_value(target.metric, new_value)
        if new_value == target.value:
            raise DomainError("The new value is the same as the current one.")
        TargetRevision.objects.create(
            target=target, old_value=target.value, new_value=new_value, reason=reason, note=note,
            revised_by=actor, children_rebalanced=rebalance_children,
        )
        old_value = target.value
        if target.uplift_percent:
            base = domain.allocate(new_value, [100, target.uplift_percent], quantum=target.quantum)[0]
            target.uplift_amount = new_value - base
        target.value = new_value
        target.save(update_fields=["value", "uplift_amount", "updated_at"])
        if rebalance_children:
            _rebalance(actor, target, old_value, reason)
        return target


def _rebalance(actor: User, target: Target, old_value: Decimal, reason: str) -> None:
    children = list(Target.objects.select_for_update().filter(parent=target).order_by("pk"))
    if not children:
        return
    weights = [c.base_value for c in children]
    uplift = children[0].uplift_percent
    shares = domain.shares_with_uplift(target.value, dict(enumerate(weights)), uplift, quantum=target.quantum)
    note = f"Re-balanced with the parent ({old_value} → {target.value})."
    revisions = []
    for child, share in zip(children, shares, strict=True):
        if share.total == child.value or share.total <= 0:
            continue
        revisions.append(TargetRevision(
            target=child, old_value=child.value, new_value=share.total, reason=reason, note=note, revised_by=actor
        ))
        child.value, child.uplift_amount = share.total, share.uplift
        child.save(update_fields=["value", "uplift_amount", "updated_at"])
    TargetRevision.objects.bulk_create(revisions)


# ---- progress and the funnel plan ------------------------------------------------------------
def progress_for(target: Target, *, as_of: dt.date | None = None, actual: Decimal | None = None) -> domain.Progress:
    """Actual (KPI facts) vs target and vs working-day pace, RAG, tier, projection."""
    as_of = as_of or timezone.localdate()
    if actual is None:
        actual = selectors.actual_for(target, until=as_of)
    cal = selectors.work_calendar(target.start, target.end)
    return domain.progress(
        target=target.value, actual=actual, period=target.period, as_of=as_of, tiers=target.tiers(), work_calendar=cal
    )


def funnel_plan(target: Target, *, as_of: dt.date | None = None, actual: Decimal | None = None) -> dict:
    """'To make this period: ~N calls a day': the remainder walked back through the funnel at
    the owner's current driver rates, spread over the working days left."""
    as_of = as_of or timezone.localdate()
    if actual is None:
        actual = selectors.actual_for(target, until=as_of - dt.timedelta(days=1))
    remaining = max(target.value - actual, Decimal(0))
    cal = selectors.work_calendar(target.start, target.end)
    left_period = domain.Period(target.period_kind, max(as_of, target.start), target.end)
    days_left = cal.count(left_period) if left_period.start <= left_period.end else 0
    rates, source = selectors.driver_rates_for(target, as_of=as_of)
    need = domain.funnel_requirements(target.metric, remaining, rates)
    return {
        "remaining": remaining,
        "working_days_left": days_left,
        "rates_from": source,
        "rates": rates,
        "total": need,
        "per_day": domain.per_day(need, days_left) if need else None,
    }


# ---- alerts ----------------------------------------------------------------------------------
def evaluate_alert_rules(*, as_of: dt.date | None = None) -> dict:
    """Run every active rule over the targets in progress (after the nightly KPI run): a run of
    N consecutive working days below X% of the daily pace opens one alert per streak; running it
    again extends the streak's alert instead of duplicating it."""
    as_of = as_of or timezone.localdate() - dt.timedelta(days=1)
    created = extended = 0
    for rule in AlertRule.objects.filter(active=True).order_by("pk"):
        targets = list(
            Target.objects.filter(
                metric=rule.metric, period_kind=PeriodKind.MONTH, owner_kind__in=[OwnerKind.REP, OwnerKind.TEAM],
                start__lte=as_of, end__gte=as_of,
            ).select_related("team", "rep")
        )
        if rule.team_id:
            targets = [t for t in targets if t.team_id == rule.team_id]
        if not targets:
            continue
        lo = min(t.start for t in targets)
        cal = selectors.work_calendar(lo, max(t.end for t in targets))
        daily = selectors.daily_actuals(targets, start=lo, end=as_of)
        new: list[tuple[Target, domain.Streak]] = []
        known = {
            (a.target_id, a.streak_start): a
            for a in Alert.objects.filter(rule=rule, target__in=targets).only("id", "target_id", "streak_start", "streak_end")
        }
        for target in targets:
            workdays = cal.working_days(domain.Period(target.period_kind, target.start, as_of))
            total_days = cal.count(target.period)
            if not workdays or not total_days:
                continue
            pace = target.value / total_days
            series = [(d, daily[target.pk].get(d, Decimal(0))) for d in workdays]
            streaks = domain.below_pace_streaks(
                series, pace, threshold_percent=rule.threshold_percent, min_days=rule.consecutive_days
            )
            for streak in streaks:
                existing = known.get((target.pk, streak.start))
                if existing is None:
                    new.append((target, streak))
                elif existing.streak_end < streak.end:  # the streak goes on: extend its alert
                    Alert.objects.filter(pk=existing.pk).update(
                        streak_end=streak.end, days_below=streak.days, message=_alert_message(rule, target, streak)
                    )
                    extended += 1
        with transaction.atomic():
            ids = _insert_alerts(rule, new)
            if ids and rule.email:
                for alert in Alert.objects.filter(pk__in=ids).select_related("target", "target__team", "target__rep"):
                    _email_managers(alert)  # sent on commit: a rolled-back run e-mails nobody
        created += len(ids)
    return {"created": created, "extended": extended}


def _alert_message(rule: AlertRule, target: Target, streak: domain.Streak) -> str:
    return (
        f"{target.owner_label}: {streak.days} working days ({streak.start:%m-%d}–{streak.end:%m-%d}) "
        f"below {rule.threshold_percent.normalize():f}% of the daily {target.get_metric_display()} pace"
    )[:300]


def _insert_alerts(rule: AlertRule, rows: list[tuple[Target, domain.Streak]]) -> list[int]:
    """Insert new streak alerts set-based; the unique (rule, target, streak_start) constraint
    decides races: a row another run inserted first is skipped, and only ids really inserted
    here come back (INSERT … ON CONFLICT DO NOTHING RETURNING, PostgreSQL and SQLite)."""
    if not rows:
        return []
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(Alert._meta.db_table)
    ids: list[int] = []
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 500):
            chunk = rows[i : i + 500]
            params: list = []
            for target, streak in chunk:
                params += [
                    rule.pk, target.pk, ops.adapt_datefield_value(streak.start), ops.adapt_datefield_value(streak.end),
                    streak.days, _alert_message(rule, target, streak), now,
                ]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (rule_id, target_id, streak_start, streak_end, days_below, message, created_at) "
                f"VALUES {values} ON CONFLICT (rule_id, target_id, streak_start) DO NOTHING RETURNING id",
                params,
            )
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def create_alert_rule(
    *, actor: User, metric: str, threshold_percent, consecutive_days: int, team: Team | None = None,
    email: bool = False, name: str = "",
) -> AlertRule:
    """A rule such as "3 consecutive working days below 80% of the daily pace". Managers add
    rules for a team they manage; admins for any team or all teams."""
    if metric not in Metric.values:
        raise DomainError("Choose a metric the system measures.")
    threshold = parse_decimal(threshold_percent, "The threshold")
    if not Decimal(1) <= threshold <= Decimal(200):
        raise DomainError("The threshold is a percentage of the daily pace between 1 and 200.")
    if not isinstance(consecutive_days, int) or not 1 <= consecutive_days <= 31:
        raise DomainError("Consecutive days must be between 1 and 31.")
    if team is None and not is_admin(actor):
        raise PermissionDenied("Managers add rules for a team they manage.")
    if team is not None and not can_manage_team(actor, team.pk):
        raise PermissionDenied("You can only add rules for the teams you manage.")
    label = Metric(metric).label
    name = name.strip() or f"{consecutive_days} working days below {threshold.normalize():f}% of {label} pace"
    return AlertRule.objects.create(
        name=name[:100], metric=metric, threshold_percent=threshold, consecutive_days=consecutive_days, team=team,
        email=email, created_by=actor,
    )


def _email_managers(alert: Alert) -> None:
    team_id = alert.target.team_id
    emails = list(
        User.objects.filter(managed_teams__id=team_id, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if not emails:
        return
    subject, body = f"[CRM] Target alert: {alert.target.owner_label}", alert.message
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails, fail_silently=True)
    )


def mark_alert_read(*, actor: User, alert_id: int) -> Alert:
    alert = selectors.alert_for(actor=actor, alert_id=alert_id)
    if alert.read_at is None:
        alert.read_at = timezone.now()
        Alert.objects.filter(pk=alert.pk, read_at__isnull=True).update(read_at=alert.read_at)
    return alert


def _alert_to_act_on(actor: User, alert_id: int) -> Alert:
    """An alert the actor may see and, as a manager of its team or an admin, act on."""
    alert = selectors.alert_for(actor=actor, alert_id=alert_id)
    if not can_manage_team(actor, alert.target.team_id):
        raise PermissionDenied("Only the team's managers and admins act on its alerts.")
    return alert


def acknowledge_alert(*, actor: User, alert_id: int) -> Alert:
    """A manager acknowledges an alert (also marks it read); acknowledging twice is refused."""
    alert = _alert_to_act_on(actor, alert_id)
    now = timezone.now()
    with transaction.atomic():
        updated = Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=actor, acknowledged_at=now, read_at=alert.read_at or now
        )
    if not updated:
        raise Conflict("This alert has already been acknowledged.")
    alert.refresh_from_db()
    return alert


ROOT_CAUSE_FIELDS = ["people", "process", "customer_quality", "tools", "environment", "actions"]


def save_root_cause(*, actor: User, alert_id: int, **fields) -> RootCauseNote:
    """Write the five-dimension root-cause note (五维归因) for an alert; at least one dimension."""
    alert = _alert_to_act_on(actor, alert_id)
    unknown = set(fields) - set(ROOT_CAUSE_FIELDS)
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    values = {k: (fields.get(k) or "").strip() for k in ROOT_CAUSE_FIELDS}
    if not any(values[k] for k in ROOT_CAUSE_FIELDS[:5]):
        raise DomainError("Name the cause in at least one dimension: people, process, customer quality, tools or environment.")
    with transaction.atomic():
        note, _ = RootCauseNote.objects.update_or_create(alert=alert, defaults={**values, "written_by": actor})
        if alert.read_at is None:
            Alert.objects.filter(pk=alert.pk).update(read_at=timezone.now())
    return note
