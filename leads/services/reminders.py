"""Beat check: warn the holder of a lead that returns to its pool within the next hours
(the pool's return rules, `selectors.neglected_leads` as of then). Each return time is
announced once, decided by the notifications' unique constraint; running twice sends nothing new."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from leads import domain, selectors
from leads.models import Pool
from notifications.models import Kind
from notifications.services import notify_reminders

FIELDS = ["pk", "name", "owner_id", "pool_id", "grade", "status", "claimed_at", "last_real_contact_at",
          "last_contacted_at", "grade_changed_at", "locked", "has_open_quote"]


def notify_returning_leads(*, hours: int, now: dt.datetime | None = None) -> int:
    """One query for the held leads due by now + hours, the exact return time of each from the
    pure rules, one insert per 500 warnings. Returns how many were sent."""
    now = now or timezone.now()
    rules = {pool.pk: selectors.return_rules(pool) for pool in Pool.objects.all()} | {None: selectors.return_rules(None)}
    rows = []
    link = reverse("leads:detail", args=[0]).replace("/0/", "/%d/")
    for lead in selectors.neglected_leads(now + dt.timedelta(hours=hours)).only(*FIELDS).order_by("pk").iterator(2000):
        due, _reason = domain.return_due(selectors.held_lead(lead), rules[lead.pool_id])
        if due is None or due < now - dt.timedelta(hours=1):  # long overdue: the hourly return takes it
            continue
        rows.append((lead.owner_id, lead.pk, due, {"lead": lead.name, "due": due.isoformat()}, link % lead.pk))
    return len(notify_reminders(kind=Kind.LEAD_RETURNING, rows=rows))
