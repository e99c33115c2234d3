"""Revising a target: the only way its value changes, with the history row, and its parts
re-balanced on request."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from accounts.models import User
from targets import domain
from targets.models import RevisionReason, Target, TargetRevision
from targets.services.common import check_value, locked, require_manage
from telesales.errors import DomainError


def revise_target(
    *, actor: User, target_id: int, new_value, reason: str, note: str = "", rebalance_children: bool = False
) -> Target:
    """The only way a target's value changes: a reason (forecast wrong / major external change /
    major internal change), a note, the history row; children re-balanced on request in
    proportion to their current base shares (each child's change is a revision too)."""
    if reason not in RevisionReason.values:
        raise DomainError(gettext("Give a reason: forecast wrong, major external change or major internal change."))
    with transaction.atomic():
        target = locked(actor, target_id)
        require_manage(actor, target)
        new_value = check_value(target.metric, new_value)
        if new_value == target.value:
            raise DomainError(gettext("The new value is the same as the current one."))
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
