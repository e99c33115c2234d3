"""Grade changes (E–A, won, lost) with history. Called by the call form, the lead page, the API and
the dialer sync."""

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import scope_by_user
from accounts.models import User
from leads.models import GRADE_ORDER, GradeChange, Lead, LeadStatus, LostReason
from leads.selectors import can_work_lead
from telesales import events
from telesales.errors import DomainError, PermissionDenied

NOT_YOURS = "Only the lead's owner, their manager or an admin can change its grade."


def _history(lead: Lead, *, actor: User, grade: str, status: str, call_id: int | None, at: dt.datetime) -> GradeChange:
    """The history row of one change; the funnel counts per rep from its `owner`."""
    return GradeChange(lead=lead, from_grade=lead.grade, to_grade=grade, to_status=status, changed_by=actor,
                       owner_id=lead.owner_id, call_id=call_id, changed_at=at)


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
    # The owner is read after the lock (lazily), never joined into it: see services.common._lock_lead.
    lead = Lead.objects.select_for_update(of=("self",)).get(pk=lead_id)
    if not can_work_lead(actor, lead):
        raise PermissionDenied(NOT_YOURS)
    new_grade = to_grade or lead.grade
    new_status = to_status or lead.status
    if new_grade not in GRADE_ORDER:
        raise DomainError(gettext("Unknown grade “%(new_grade)s”; use one of E, D, C, B, A.") % {"new_grade": new_grade})
    if new_status not in LeadStatus.values:
        raise DomainError(gettext("Unknown status “%(new_status)s”.") % {"new_status": new_status})
    reason = None
    if new_status == LeadStatus.LOST and lead.status != LeadStatus.LOST:
        reason = LostReason.objects.filter(pk=lost_reason_id, active=True).first() if lost_reason_id else None
        if reason is None:
            raise DomainError(gettext("A lost lead needs a reason from the list."))
    if new_grade == lead.grade and new_status == lead.status:
        return lead
    when = at or timezone.now()
    _history(lead, actor=actor, grade=new_grade, status=new_status, call_id=getattr(call, "pk", None),
             at=when).save()
    lead.grade, lead.status, lead.grade_changed_at = new_grade, new_status, when
    fields = ["grade", "status", "grade_changed_at", "updated_at"]
    if reason is not None:
        lead.lost_reason = reason
        fields.append("lost_reason")
    lead.save(update_fields=fields)
    events.publish("lead.grade_changed", lead, actor=actor)
    return lead


@transaction.atomic
def win_leads(*, actor: User, sales: Mapping[int, tuple[int, dt.datetime]]) -> list[int]:
    """Set-based change_grade(to_status=WON) for many sales: {lead id: (sale call id, sale time)}.

    Each lead not yet won becomes won at its sale's time, with the history row change_grade
    writes; a do-not-call lead stays do-not-call. Returns the ids of the leads that changed."""
    leads = list(
        scope_by_user(Lead.objects.filter(pk__in=sorted(sales)), actor, "owner")
        .select_for_update(of=("self",)).order_by("pk").only("id", "grade", "status", "owner_id")
    )
    if len(leads) != len(sales):
        raise PermissionDenied(NOT_YOURS)
    winners = [lead for lead in leads if lead.status not in (LeadStatus.WON, LeadStatus.DNC)]
    GradeChange.objects.bulk_create([
        _history(lead, actor=actor, grade=lead.grade, status=LeadStatus.WON, call_id=sales[lead.pk][0],
                 at=sales[lead.pk][1])
        for lead in winners
    ])
    now = timezone.now()
    for lead in winners:
        lead.status, lead.grade_changed_at, lead.updated_at = LeadStatus.WON, sales[lead.pk][1], now
    Lead.objects.bulk_update(winners, ["status", "grade_changed_at", "updated_at"])
    events.publish("lead.grade_changed", winners, actor=actor)
    return [lead.pk for lead in winners]
