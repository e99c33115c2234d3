"""Appeals: a rep asks a manager for a customer someone else holds."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from leads.models import (
    Appeal,
    AppealStatus,
    Lead,
    OwnershipReason,
)
from leads.selectors import can_decide_appeal
from leads.services.common import (
    _events,
    _lock_lead,
    _require_holder,
)
from notifications.models import Kind
from notifications.services import notify
from telesales import events
from telesales.errors import Conflict, DomainError, NotFound, PermissionDenied


@transaction.atomic
def create_appeal(*, actor: User, lead_id: int, reason: str) -> Appeal:
    """The rep who found a customer held by someone else asks a manager to transfer it."""
    _require_holder(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("Explain why the customer should be yours."))
    lead = Lead.objects.select_related("owner").filter(pk=lead_id).first()
    if lead is None:
        raise NotFound(gettext("Lead not found."))
    if lead.owner_id == actor.pk:
        raise DomainError(gettext("You already hold this lead."), code="already_yours")
    if lead.owner_id is None:
        raise DomainError(gettext("The lead is in the public pool; claim it instead."), code="not_held")
    if Appeal.objects.filter(lead=lead, requested_by=actor, status=AppealStatus.PENDING).exists():
        raise Conflict(gettext("You already have a pending appeal for this lead."))
    try:
        with transaction.atomic():
            return Appeal.objects.create(lead=lead, requested_by=actor, holder_at_request=lead.owner, reason=reason[:500])
    except IntegrityError:
        raise Conflict(gettext("You already have a pending appeal for this lead.")) from None


def decide_appeal(*, actor: User, appeal_id: int, approve: bool, note: str = "") -> Appeal:
    """A manager approves (the lead moves to the requester, audited) or rejects an appeal."""
    with transaction.atomic():
        requester_id = Appeal.objects.filter(pk=appeal_id).values_list("requested_by_id", flat=True).first()
        if requester_id is None:
            raise NotFound(gettext("Appeal not found."))
        # Users first, then the appeal and its lead; who may decide is judged on the rows as they
        # are once locked (the lead may have changed hands while we waited).
        requester = User.objects.select_for_update().get(pk=requester_id)
        appeal = Appeal.objects.select_for_update().get(pk=appeal_id)
        appeal.requested_by = requester
        if approve:
            appeal.lead = _lock_lead(appeal.lead_id)
        if not can_decide_appeal(actor, appeal):
            raise PermissionDenied(gettext("Only a manager of the reps involved or an admin can decide an appeal."))
        if appeal.status != AppealStatus.PENDING:
            raise Conflict(gettext("This appeal was already %(lower)s.") % {"lower": appeal.get_status_display().lower()})
        now = timezone.now()
        if approve:
            if not requester.is_active:
                raise DomainError(gettext("%(display_name)s is deactivated.") % {"display_name": requester.display_name})
            lead = appeal.lead
            previous = lead.owner_id
            if previous != requester.pk:
                Lead.objects.filter(pk=lead.pk).update(owner=requester, claimed_at=now, locked=False, updated_at=now)
                _events([(lead.pk, previous, requester.pk)], actor=actor, reason=OwnershipReason.APPEAL,
                        note=f"appeal #{appeal.pk}: {note or appeal.reason}")
                events.publish("lead.reassigned", lead, actor=actor)
        appeal.status = AppealStatus.APPROVED if approve else AppealStatus.REJECTED
        appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, now, (note or "")[:500]
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        notify(recipient=requester, kind=Kind.APPEAL_DECIDED, obj=appeal)
    return appeal
