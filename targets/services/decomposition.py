"""Splitting a target over time (year → quarters → months → weeks, same owner) and over people
(company → teams, team → reps, with the uplift); parts always sum exactly to the target."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext

from accounts.models import Role, Team, User
from kpis.models import DailyRepKpi
from targets import domain, selectors
from targets.models import METRIC_FACT, OwnerKind, Target
from targets.services.common import as_decimal, locked, require_manage
from telesales.errors import Conflict, DomainError

TIME_METHODS = [domain.EVEN, domain.CALENDAR_DAYS, domain.WORKING_DAYS, domain.SEASONALITY]
PEOPLE_METHODS = ["even", "history", "tenure", "capacity", "typed"]
HISTORY_DAYS = 90


def _clear_children(target: Target, replace: bool) -> None:
    children = list(target.children.all())
    if not children:
        return
    if not replace:
        raise Conflict(gettext("This target is already decomposed; revise it, or decompose again with replace."))
    if Target.objects.filter(parent__in=children).exists():
        raise Conflict(gettext("Its parts are decomposed further; remove those first."))
    target.children.all().delete()


# ---- over time -------------------------------------------------------------------------------
def preview_over_time(*, target: Target, method: str, into: str | None = None, seasonality=None) -> list[tuple[domain.Period, Decimal]]:
    """The calendar parts a target would split into (nothing saved)."""
    into = into or domain.next_kind(target.period_kind)
    if into is None:
        raise DomainError(gettext("A week target cannot be split further over time."))
    if into not in domain.PERIOD_ORDER or domain.PERIOD_ORDER.index(into) <= domain.PERIOD_ORDER.index(target.period_kind):
        raise DomainError(gettext("A %(period_kind)s target splits into shorter periods, not %(into)s.") % {"period_kind": target.period_kind, "into": into})
    if method not in TIME_METHODS:
        raise DomainError(gettext("Choose a split method: %(join)s.") % {"join": ', '.join(TIME_METHODS)})
    season = None
    if method == domain.SEASONALITY:
        if not isinstance(seasonality, dict) or not seasonality:
            raise DomainError(gettext("Seasonality needs a weight for each month (1–12)."))
        try:
            season = {int(k): as_decimal(v, "A seasonality weight") for k, v in seasonality.items()}
        except ValueError:
            raise DomainError(gettext("Seasonality months are numbered 1–12.")) from None
        if any(m < 1 or m > 12 for m in season) or any(v < 0 for v in season.values()):
            raise DomainError(gettext("Seasonality months are 1–12 with weights of zero or more."))
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
        target = locked(actor, target_id)
        require_manage(actor, target)
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
            gettext("A part would duplicate a target that already exists for the same owner, metric and period; revise or remove that target first."), code="duplicate_target",
        ) from None


# ---- over people -----------------------------------------------------------------------------
def people_for(target: Target) -> list:
    """Who a target is handed to: the company's teams, or a team's active reps."""
    if target.owner_kind == OwnerKind.COMPANY:
        return list(Team.objects.order_by("name"))
    if target.owner_kind == OwnerKind.TEAM:
        return list(User.objects.filter(team_id=target.team_id, role=Role.REP, is_active=True).order_by("username"))
    raise DomainError(gettext("A rep target cannot be split over people; split it over time instead."))


def people_weights(target: Target, people: list, method: str, typed: dict | None = None) -> dict:
    """Weights by method: even; history (the metric over the last 90 days); tenure (days since
    hired, capped at two years); capacity (reps: recent calls per day; teams: headcount); typed."""
    if method not in PEOPLE_METHODS:
        raise DomainError(gettext("Choose how to share: %(join)s.") % {"join": ', '.join(PEOPLE_METHODS)})
    is_team = target.owner_kind == OwnerKind.COMPANY
    if method == "even":
        return {p.pk: Decimal(1) for p in people}
    if method == "typed":
        if not isinstance(typed, dict) or not typed:
            raise DomainError(gettext("Type a weight for each person."))
        weights = {}
        for p in people:
            raw = typed.get(p.pk, typed.get(str(p.pk), 0))
            w = as_decimal(raw if raw not in (None, "") else 0, f"The weight for {p}")
            if w < 0:
                raise DomainError(gettext("Weights cannot be negative."))
            weights[p.pk] = w
        unknown = {str(k) for k in typed} - {str(p.pk) for p in people}
        if unknown:
            raise DomainError(gettext("Not part of this target's team: %(join)s.") % {"join": ', '.join(sorted(unknown))})
        if not any(weights.values()):
            raise DomainError(gettext("At least one weight must be above zero."))
        return weights
    if method == "tenure":
        if is_team:
            raise DomainError(gettext("Tenure shares are for reps; share a company target by history, capacity or typed weights."))
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
) -> tuple[list[domain.Share], Decimal]:
    """The shares a target would be handed out in (nothing saved): base parts sum exactly to the
    target, the uplift (team → reps: the team's setting, default 20%) is added and shown."""
    people = people_for(target)
    if not people:
        raise DomainError(gettext("There is nobody to hand this target to."))
    w = people_weights(target, people, method, weights)
    if uplift_percent in (None, ""):
        uplift = target.team.target_uplift_percent if target.owner_kind == OwnerKind.TEAM else Decimal(0)
    else:
        uplift = as_decimal(uplift_percent, "The uplift")
    if uplift < 0 or uplift > 200:
        raise DomainError(gettext("The uplift must be between 0 and 200%."))
    try:
        shares = domain.shares_with_uplift(target.value, w, uplift, quantum=target.quantum)
    except domain.AllocationError as exc:
        raise DomainError(str(exc)) from None
    by_pk = {p.pk: p for p in people}
    return [replace(s, key=by_pk[s.key]) for s in shares], uplift


def decompose_over_people(
    *, actor: User, target_id: int, method: str = "even", weights: dict | None = None, uplift_percent=None,
    replace: bool = False,
) -> list[Target]:
    """Hand a company target to teams or a team target to its reps, same period; the base parts
    sum exactly to the target and the uplift is stored on each part. A target already split over
    time (say into weeks) hands each of its time parts over the same way, unless replacing."""
    with transaction.atomic():
        target = locked(actor, target_id)
        require_manage(actor, target)
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
            team_id=s.key.pk if to_teams else target.team_id, rep_id=None if to_teams else s.key.pk,
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
