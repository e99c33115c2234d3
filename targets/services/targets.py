"""Creating, changing and removing targets (a value changes only by revision: see
targets.services.revisions)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from accounts.access import is_rep
from accounts.models import Team, User
from targets import domain, selectors
from targets.models import Metric, OwnerKind, PeriodKind, Target
from targets.services.common import as_decimal, check_value, locked, require_manage
from telesales.errors import Conflict, DomainError, PermissionDenied

TIER_FIELDS = ["challenge_percent", "excellence_percent", "base_coefficient", "challenge_coefficient", "excellence_coefficient"]


def create_target(
    *, actor: User, metric: str, value, owner_kind: str, period_kind: str, start: dt.date, team: Team | None = None,
    rep: User | None = None, parent: Target | None = None, note: str = "", challenge_percent=None,
    excellence_percent=None, base_coefficient=None, challenge_coefficient=None, excellence_coefficient=None,
) -> Target:
    """A SMART target: a measurable metric, a value > 0, a real calendar period containing
    `start`, an owner the actor manages; flagged as a stretch when far above history."""
    if metric not in Metric.values:
        raise DomainError(gettext("Unknown metric %(metric)s; choose one the system measures: %(join)s.") % {"metric": repr(metric), "join": ', '.join(Metric.values)})
    if period_kind not in PeriodKind.values:
        raise DomainError(gettext("Choose a period: year, quarter, month or week."))
    value = check_value(metric, value)
    team, rep = _owner(actor, owner_kind, team, rep)
    period = _period(period_kind, start, metric, parent)
    best, best_days = selectors.best_comparable_history(
        {"owner_kind": owner_kind, "owner_id": {"rep": rep and rep.id, "team": team and team.id}.get(owner_kind),
         "metric": metric, "period_kind": period_kind}, before=period.start
    )
    stretch, hint = domain.stretch_hint(value, period.days, best, best_days)
    try:
        with transaction.atomic():
            return Target.objects.create(
                metric=metric, value=value, owner_kind=owner_kind, team=team, rep=rep, period_kind=period.kind,
                start=period.start, end=period.end, parent=parent, note=note[:300], is_stretch=stretch,
                attainability_note=hint[:300], created_by=actor,
                **_tiers(challenge_percent=challenge_percent, excellence_percent=excellence_percent,
                         base_coefficient=base_coefficient, challenge_coefficient=challenge_coefficient,
                         excellence_coefficient=excellence_coefficient),
            )
    except IntegrityError:
        owner = Target(owner_kind=owner_kind, team=team, rep=rep).owner_label
        raise Conflict(
            gettext("%(owner)s already has a %(label)s target for %(start)s – %(end)s; revise that one instead of adding another.") % {"owner": owner, "label": Metric(metric).label, "start": period.start, "end": period.end}, code="duplicate_target",
        ) from None


def _owner(actor: User, owner_kind: str, team: Team | None, rep: User | None) -> tuple[Team | None, User | None]:
    """The (team, rep) a new target belongs to, refused unless the actor manages that owner."""
    if owner_kind not in OwnerKind.values:
        raise DomainError(gettext("Choose an owner: company, team or rep."))
    if owner_kind == OwnerKind.TEAM and team is None:
        raise DomainError(gettext("A team target needs a team."))
    if owner_kind == OwnerKind.REP:
        if rep is None:
            raise DomainError(gettext("A rep target needs a rep."))
        if not is_rep(rep) or not rep.is_active:
            raise DomainError(gettext("%(display_name)s is not an active rep.") % {"display_name": rep.display_name})
        team = rep.team
    if owner_kind == OwnerKind.COMPANY:
        team = rep = None
    if owner_kind == OwnerKind.TEAM:
        rep = None
    if not selectors.can_manage_owner(actor, owner_kind=owner_kind, team_id=team.pk if team else None, rep=rep):
        if owner_kind == OwnerKind.COMPANY:
            raise PermissionDenied(gettext("Only admins set company targets."))
        raise PermissionDenied(gettext("You can only set targets for the teams and reps you manage."))
    return team, rep


def _period(period_kind: str, start: dt.date, metric: str, parent: Target | None) -> domain.Period:
    """The calendar period containing `start`, clipped to the parent target's period."""
    period = domain.period_containing(period_kind, start)
    if parent is None:
        return period
    if parent.metric != metric:
        raise DomainError(gettext("A target must measure the same metric as its parent."))
    period = domain.Period(period.kind, max(period.start, parent.start), min(period.end, parent.end))
    if period.start > period.end:
        raise DomainError(gettext("The period lies outside the parent target's period."))
    return period


def _tiers(**tiers) -> dict:
    """The tier levels and coefficients given (none negative); the others keep their defaults."""
    cleaned = {k: as_decimal(v, k.replace("_", " ")) for k, v in tiers.items() if v is not None}
    if any(v < 0 for v in cleaned.values()):
        raise DomainError(gettext("Tier levels and coefficients cannot be negative."))
    return cleaned


def update_target(*, actor: User, target_id: int, **fields) -> Target:
    """Change a target's note or tier settings (never its value: that is a revision)."""
    unknown = set(fields) - {"note", *TIER_FIELDS}
    if unknown:
        raise DomainError(gettext("These cannot be changed here: %(join)s. Revise the value instead.") % {"join": ', '.join(sorted(unknown))})
    with transaction.atomic():
        target = locked(actor, target_id)
        require_manage(actor, target)
        for k, v in fields.items():
            if k in TIER_FIELDS and as_decimal(v, k) < 0:
                raise DomainError(gettext("Tier levels and coefficients cannot be negative."))
            setattr(target, k, v)
        target.save(update_fields=[*fields, "updated_at"])
        return target


def delete_target(*, actor: User, target_id: int) -> None:
    """Remove a target that has not been decomposed (its parts would be orphaned)."""
    with transaction.atomic():
        target = locked(actor, target_id)
        require_manage(actor, target)
        if target.children.exists():
            raise Conflict(gettext("This target has parts; remove them first."))
        target.delete()


