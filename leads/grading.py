"""Grade changes (E–A, won, lost) with history. Called by the call form, the lead page and the API."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from leads.models import GRADE_ORDER, GradeChange, Lead, LeadStatus, LostReason
from leads.selectors import can_work_lead
from telesales.errors import DomainError, PermissionDenied


@transaction.atomic
def change_grade(
    *,
    actor: User,
    lead_id: int,
    to_grade: str | None = None,
    to_status: str | None = None,
    lost_reason_id: int | None = None,
    call=None,
    at=None,
) -> Lead:
    """Set a lead's grade and/or end state and record the change. No-op if nothing changes."""
    # The owner is read after the lock (lazily), never joined into it: see services._lock_lead.
    lead = Lead.objects.select_for_update(of=("self",)).get(pk=lead_id)
    if not can_work_lead(actor, lead):
        raise PermissionDenied("Only the lead's owner, their manager or an admin can change its grade.")
    new_grade = to_grade or lead.grade
    new_status = to_status or lead.status
    if new_grade not in GRADE_ORDER:
        raise DomainError(f"Unknown grade “{new_grade}”; use one of E, D, C, B, A.")
    if new_status not in LeadStatus.values:
        raise DomainError(f"Unknown status “{new_status}”.")
    reason = None
    if new_status == LeadStatus.LOST and lead.status != LeadStatus.LOST:
        reason = LostReason.objects.filter(pk=lost_reason_id, active=True).first() if lost_reason_id else None
        if reason is None:
            raise DomainError("A lost lead needs a reason from the list.")
    if new_grade == lead.grade and new_status == lead.status:
        return lead
    when = at or timezone.now()
    GradeChange.objects.create(
        lead=lead, from_grade=lead.grade, to_grade=new_grade, to_status=new_status,
        changed_by=actor, owner_id=lead.owner_id, call=call, changed_at=when,
    )
    lead.grade, lead.status, lead.grade_changed_at = new_grade, new_status, when
    fields = ["grade", "status", "grade_changed_at", "updated_at"]
    if reason is not None:
        lead.lost_reason = reason
        fields.append("lost_reason")
    lead.save(update_fields=fields)
    return lead
