"""Beat check: remind each rep of their follow-ups falling due in the next minutes. Set-based:
one indexed range query over the open follow-ups and one insert per 500 reminders; each
(follow-up, due time) is reminded once, decided by the notifications' unique constraint."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from calls.models import FollowUp
from notifications.models import Kind
from notifications.services import notify_reminders


def notify_due_follow_ups(*, minutes: int, now: dt.datetime | None = None, portable: bool = False) -> int:
    """Open follow-ups due between one window ago and `minutes` from now (a missed run is caught
    up by the next one): the assigned rep is reminded, or, for a follow-up left to anyone on the
    team, every active rep of that team. Returns how many reminders were sent."""
    now = now or timezone.now()
    window = dt.timedelta(minutes=minutes)
    open_due = FollowUp.objects.filter(done_at__isnull=True, due_at__gt=now - window, due_at__lte=now + window)
    columns = ("pk", "due_at", "lead_id", "lead__name", "purpose")
    due = [(rep_id, *rest) for rep_id, *rest in
           open_due.filter(assigned_to__isnull=False).values_list("assigned_to_id", *columns)]
    team_due = list(open_due.filter(assigned_to__isnull=True, team__isnull=False).values_list("team_id", *columns))
    if team_due:
        reps: dict[int, list[int]] = {}
        for rep_id, team_id in User.objects.filter(team_id__in={row[0] for row in team_due}, role=Role.REP,
                                                    is_active=True).values_list("pk", "team_id"):
            reps.setdefault(team_id, []).append(rep_id)
        due += [(rep_id, *rest) for team_id, *rest in team_due for rep_id in reps.get(team_id, [])]
    link = reverse("leads:detail", args=[0]).replace("/0/", "/%d/")
    rows = [(rep_id, pk, due_at, {"lead": name, "due": due_at.isoformat(), "purpose": purpose}, link % lead_id)
            for rep_id, pk, due_at, lead_id, name, purpose in due]
    return len(notify_reminders(kind=Kind.FOLLOW_UP_DUE, rows=rows, portable=portable))
