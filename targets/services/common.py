"""What the target services share: numbers from the edge, a target's value checked for its
metric, the locked target an actor may change."""

from decimal import Decimal

from django.utils.translation import gettext

from accounts.models import User
from targets import selectors
from targets.models import OwnerKind, Target, metric_quantum
from telesales.errors import DomainError, PermissionDenied
from telesales.numbers import parse_decimal as as_decimal

__all__ = ["as_decimal", "check_value", "locked", "require_manage"]


def check_value(metric: str, value) -> Decimal:
    value = as_decimal(value, "The value")
    if value <= 0:
        raise DomainError(gettext("A target's value must be greater than zero."))
    if value >= Decimal("1e14"):
        raise DomainError(gettext("The value is too large."))
    q = metric_quantum(metric)
    if value % q:
        unit = "whole units" if q == 1 else "cents"
        raise DomainError(gettext("A %(metric)s target is counted in %(unit)s; %(value)s is not.") % {"metric": metric, "unit": unit, "value": value})
    return value.quantize(Decimal("0.01"))


def require_manage(actor: User, target: Target) -> None:
    if not selectors.can_manage_target(actor, target):
        if target.owner_kind == OwnerKind.COMPANY:
            raise PermissionDenied(gettext("Only admins change company targets."))
        raise PermissionDenied(gettext("You can only change targets of the teams and reps you manage."))


def locked(actor: User, target_id: int) -> Target:
    selectors.target_for(actor=actor, target_id=target_id)
    return Target.objects.select_for_update(of=("self",)).select_related("team", "rep").get(pk=target_id)
