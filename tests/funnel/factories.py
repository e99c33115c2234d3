"""Funnel test helpers: leads created at a chosen moment and moved through grades with history."""

import datetime as dt
import zoneinfo

from django.conf import settings

from leads.models import GradeChange, Lead, LostReason
from tests.factories import LeadFactory

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))  # a Monday, local time


def day(n: int, hour: int = 9) -> dt.datetime:
    """T0 plus n days (at `hour` local time)."""
    return T0 + dt.timedelta(days=n, hours=hour - 9)


def lead_at(owner, *, created: dt.datetime = T0, path: list[tuple[str, dt.datetime]] = (), actor=None) -> Lead:
    """A lead owned by `owner`, created at `created`, then graded along `path`:
    [("D", when), ("C", when), ("won", when), ("lost", when) …]."""
    lead = LeadFactory(owner=owner)
    grade, status, reason = "E", "active", None
    changes = []
    for step, when in path:
        if step in ("won", "lost"):
            new_grade, new_status = grade, step
            if step == "lost":
                reason, _ = LostReason.objects.get_or_create(name="Too expensive")
        else:
            new_grade, new_status = step, "active"
        changes.append(
            GradeChange(
                lead=lead, from_grade=grade, to_grade=new_grade, to_status=new_status,
                changed_by=actor or owner, owner=owner, changed_at=when,
            )
        )
        grade, status = new_grade, new_status
    # The same rows the grade service writes, without its row lock (history is set up, not lived).
    GradeChange.objects.bulk_create(changes)
    Lead.objects.filter(pk=lead.pk).update(
        created_at=created, grade=grade, status=status, lost_reason=reason,
        grade_changed_at=changes[-1].changed_at if changes else None,
    )
    lead.refresh_from_db()
    return lead
