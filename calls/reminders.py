"""Beat check: remind each rep of their follow-ups falling due in the next minutes. Set-based:
one indexed range query over the open follow-ups and one insert per 500 reminders; each
(follow-up, due time) is reminded once, decided by the notifications' unique constraint."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from calls.models import FollowUp
from notifications.models import Kind
from notifications.services import notify_reminders


def notify_due_follow_ups(*, minutes: int, now: dt.datetime | None = None) -> int:
    """Open, assigned follow-ups due between one window ago and `minutes` from now (a missed
    run is caught up by the next one). Returns how many reminders were sent."""
    now = now or timezone.now()
    window = dt.timedelta(minutes=minutes)
    due = (FollowUp.objects.filter(done_at__isnull=True, assigned_to__isnull=False,
                                   due_at__gt=now - window, due_at__lte=now + window)
           .values_list("pk", "assigned_to_id", "due_at", "lead_id", "lead__name", "purpose"))
    link = reverse("leads:detail", args=[0]).replace("/0/", "/%d/")
    rows = [(rep_id, pk, due_at, {"lead": name, "due": due_at.isoformat(), "purpose": purpose}, link % lead_id)
            for pk, rep_id, due_at, lead_id, name, purpose in due]
    return len(notify_reminders(kind=Kind.FOLLOW_UP_DUE, rows=rows))
