"""Beat check: warn the holder of a lead that returns to its pool within the next hours
(the pool's return rules: `selectors.neglected_leads` as of then, less those already overdue,
which the hourly return takes). Each return time is announced once, decided by the
notifications' unique constraint; running twice sends nothing new."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from leads import domain, selectors
from leads.models import Pool
from notifications.models import Kind
from notifications.services import notify_reminders

FIELDS = ["id", "name", "owner_id", "pool_id", "grade", "status", "claimed_at", "last_real_contact_at",
          "last_contacted_at", "grade_changed_at", "locked", "has_open_quote"]
OVERDUE = dt.timedelta(hours=1)  # past this, the hourly return has the lead: no warning any more


def notify_returning_leads(*, hours: int, now: dt.datetime | None = None, portable: bool = False) -> int:
    """One query for the held leads due between an hour ago and now + hours (plain tuples, the
    return time of each from the pure rules), one insert per 500 warnings. Returns how many were sent."""
    now = now or timezone.now()
    rules = {pool.pk: selectors.return_rules(pool) for pool in Pool.objects.all()} | {None: selectors.return_rules(None)}
    overdue = selectors.neglected_leads(now - OVERDUE).values("pk")
    due_soon = selectors.neglected_leads(now + dt.timedelta(hours=hours)).exclude(pk__in=overdue)
    link = reverse("leads:detail", args=[0]).replace("/0/", "/%d/")
    rows = []
    for pk, name, owner_id, pool_id, *state in due_soon.values_list(*FIELDS).iterator(2000):
        grade, status, claimed, real, contacted, graded, locked, quote = state
        held = domain.HeldLead(grade=grade, status=status, claimed_at=claimed, last_real_contact_at=real,
                               last_contacted_at=contacted, grade_changed_at=graded, locked=locked,
                               has_open_quote=quote)
        due, _reason = domain.return_due(held, rules[pool_id])
        if due is not None and due >= now - OVERDUE:
            rows.append((owner_id, pk, due, {"lead": name, "due": due.isoformat()}, link % pk))
    return len(notify_reminders(kind=Kind.LEAD_RETURNING, rows=rows, portable=portable))
