"""Beat check: an improvement plan's check-in falls due (every `check_in_every_days` after the
last one, or after the start): its manager and its rep are told once per due date, decided by
the notifications' unique constraint."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from coaching import domain
from coaching.models import ImprovementPlan
from notifications.models import Kind
from notifications.services import notify_reminders
from telesales.days import local_midnight


def notify_check_ins_due(*, today: dt.date | None = None, days_ahead: int = 1) -> int:
    """Open plans whose next check-in is due by today + days_ahead (one query); returns how
    many notifications were sent."""
    today = today or timezone.localdate()
    plans = (ImprovementPlan.objects.filter(closed_at__isnull=True).annotate(last=Max("check_ins__date"))
             .values_list("pk", "rep_id", "manager_id", "title", "start_date", "last", "check_in_every_days"))
    rows = []
    for pk, rep_id, manager_id, title, start, last, every in plans:
        due = domain.next_check_in_due(start=start, last_check_in=last, every_days=every)
        if due > today + dt.timedelta(days=days_ahead):
            continue
        params = {"plan": title, "due": due.isoformat()}
        link = reverse("coaching:plan", args=[pk])
        rows += [(user_id, pk, local_midnight(due), params, link) for user_id in sorted({rep_id, manager_id})]
    return len(notify_reminders(kind=Kind.CHECK_IN_DUE, rows=rows))
