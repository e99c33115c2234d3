"""The parts of a lead's page that show its state (header, data card, histories), built in one
place so the lead page and any page that writes to the lead (the call panel, the work queue)
render the very same fragments, swapped in after each write (never a stale header)."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from leads import domain
from leads.models import GradeChange, Lead, OwnershipEvent
from leads.segments import active_attribute_definitions, attribute_rows
from leads.selectors import (
    PhoneViewer,
    can_reveal,
    can_work_lead,
    return_due_for,
    rules_for,
)
from telesales.i18n import translated as translated_reason
from telesales.prepared import Prepared

# A lead's ownership and grade histories, oldest first, compiled once (every write on
# the calling loop answers with them).
OWNERSHIP_HISTORY = Prepared(lambda lead_id: OwnershipEvent.objects.filter(lead_id=lead_id)
                             .select_related("from_owner", "to_owner", "actor").order_by("at", "id"))
GRADE_HISTORY = Prepared(lambda lead_id: GradeChange.objects.filter(lead_id=lead_id)
                         .select_related("changed_by", "owner").order_by("changed_at", "id"))


def annotate_leads(leads, viewer: PhoneViewer, now: dt.datetime):
    """Attach the masked/full phone and the auto-return countdown to each lead for templates."""
    for lead in leads:
        lead.shown_phone = viewer.phone(lead)
        lead.full_phone = viewer.sees_full(lead)
        due, why = return_due_for(lead)
        lead.returns_at, lead.return_reason = due, translated_reason(why)
        lead.returns_in_days = domain.days_left(due, now)
        warn = rules_for(lead.pool).warn_days
        lead.return_warning = lead.returns_in_days is not None and lead.returns_in_days < warn
        lead.overdue = bool(lead.next_follow_up_at and lead.next_follow_up_at < now)
    return leads


def lead_sections(actor: User, lead: Lead, *, viewer: PhoneViewer | None = None, attributes: bool = True) -> dict:
    """Context for leads/_lead_header.html, _lead_data.html and _lead_histories.html."""
    viewer = viewer or PhoneViewer(actor)
    annotate_leads([lead], viewer, timezone.now())
    lead.shown_phone2 = viewer.phone2(lead)
    return {
        "lead": lead, "history": OWNERSHIP_HISTORY(lead.pk), "grades": GRADE_HISTORY(lead.pk),
        "attributes": attribute_rows(lead, active_attribute_definitions()) if attributes else [],
        "can_work": can_work_lead(actor, lead), "is_owner": lead.owner_id == actor.pk,
        "masked": not viewer.sees_full(lead),
        "can_reveal": not viewer.sees_full(lead) and can_reveal(actor, lead),
        # The nightly score (scoring.LeadScore), shown to whoever may see the lead.
        "score": getattr(lead, "score", None),
    }
