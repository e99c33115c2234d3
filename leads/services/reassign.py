"""A manager or admin gives a lead to another rep."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import (
    can_manage_pool,
    can_manage_user,
    is_admin,
)
from accounts.models import User
from leads.models import (
    Lead,
    OwnershipReason,
)
from leads.selectors import may_read
from leads.services.common import (
    _events,
    _lock_lead,
)
from notifications.models import Kind
from notifications.services import notify
from telesales import events
from telesales.errors import DomainError, NotFound, PermissionDenied


def reassign_lead(*, actor: User, lead_id: int, to_user_id: int, note: str = "") -> Lead:
    """A manager or admin gives a lead to another rep (from a rep, or out of the public pool)."""
    with transaction.atomic():
        target = User.objects.select_for_update().filter(pk=to_user_id).first()
        if target is None:
            raise NotFound(gettext("User not found."))
        if not target.is_active:
            raise DomainError(gettext("%(display_name)s is deactivated; choose an active rep.") % {"display_name": target.display_name})
        if not can_manage_user(actor, target):
            raise PermissionDenied(gettext("You can only reassign leads to reps you manage."))
        lead = _lock_lead(lead_id)
        if not may_read(actor, lead):
            raise NotFound(gettext("Lead not found."))
        if lead.owner_id is None and not (is_admin(actor) or can_manage_pool(actor, lead.pool)):
            raise PermissionDenied(gettext("You can only hand out leads of pools you manage."))
        if lead.owner_id == target.pk:
            return lead
        previous = lead.owner_id
        now = timezone.now()
        Lead.objects.filter(pk=lead.pk).update(owner=target, claimed_at=now, locked=False, updated_at=now)
        _events([(lead.pk, previous, target.pk)], actor=actor, reason=OwnershipReason.REASSIGN, note=note)
        notify(recipient=target, kind=Kind.LEAD_REASSIGNED, obj=lead)
        events.publish("lead.reassigned", lead, actor=actor)
    lead.owner, lead.owner_id, lead.claimed_at, lead.locked = target, target.pk, now, False
    return lead
