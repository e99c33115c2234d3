"""Demo notifications for `seed_demo`: each rep and manager of the demo company opens the app to
a bell with a few unread notifications and a list of older, read ones, of every kind the records
of the demo company give rise to.

Notifications sit below the apps whose records they are about (leads, calls, coaching), so this
module reads those records through the app registry (`apps.get_model`), never by importing them,
and only here, for demo data. Rows are written through the app's own set-based services
(`notify_reminders`, `notify_events`: one INSERT per kind), then dated and partly read by a dozen
UPDATEs: a few hundred rows in well under a second."""

from __future__ import annotations

import datetime as dt
import random

from django.apps import apps
from django.db import transaction
from django.db.models import F, Value
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from notifications import kinds
from notifications.models import Kind, Notification
from notifications.services import notify_events, notify_reminders

MINUTE = dt.timedelta(minutes=1)


def _link(url_name: str) -> str:
    return reverse(url_name, args=[0]).replace("/0/", "/%d/")


def seed_notifications(rng: random.Random, now: dt.datetime | None = None) -> int:
    """Write the demo notifications (deterministic for a given rng); returns how many."""
    now = now or timezone.now()
    reps = list(User.objects.filter(role=Role.REP, is_active=True).order_by("pk").values_list("pk", flat=True))
    if not reps:
        return 0
    lead_link = _link("leads:detail")
    with transaction.atomic():
        _follow_ups(reps, now, lead_link)
        _leads(rng, reps, now, lead_link)
        _appeals(reps)
        _reviews(reps)
        _check_ins(now)
        return _date_and_read(rng, now)


def _follow_ups(reps: list[int], now: dt.datetime, link: str) -> None:
    """Each rep's three open follow-ups nearest to now: the reminders the beat check sent."""
    FollowUp = apps.get_model("calls", "FollowUp")
    rows, per_rep = [], {}
    open_ups = (FollowUp.objects.filter(done_at__isnull=True, assigned_to_id__in=reps, due_at__lte=now + 15 * MINUTE)
                .order_by("-due_at").values_list("assigned_to_id", "pk", "due_at", "lead_id", "lead__name", "purpose"))
    for rep_id, pk, due, lead_id, name, purpose in open_ups.iterator(2000):
        if per_rep.setdefault(rep_id, 0) < 3:
            per_rep[rep_id] += 1
            rows.append((rep_id, pk, due, {"lead": name, "due": due.isoformat(), "purpose": purpose}, link % lead_id))
    notify_reminders(kind=Kind.FOLLOW_UP_DUE, rows=rows)


def _leads(rng: random.Random, reps: list[int], now: dt.datetime, link: str) -> None:
    """Per rep: two held leads returning to the pool within the day, one lead assigned to them."""
    Lead = apps.get_model("leads", "Lead")
    held: dict[int, list[tuple[int, str]]] = {}
    for owner_id, pk, name in Lead.objects.filter(owner_id__in=reps).order_by("pk").values_list("owner_id", "pk", "name"):
        held.setdefault(owner_id, []).append((pk, name))
    returning, assigned = [], []
    for rep_id in reps:
        leads = rng.sample(held.get(rep_id, []), min(3, len(held.get(rep_id, []))))
        for pk, name in leads[:2]:
            due = (now + dt.timedelta(hours=rng.randint(2, 22))).replace(minute=0, second=0, microsecond=0)
            returning.append((rep_id, pk, due, {"lead": name, "due": due.isoformat()}, link % pk))
        assigned += [(rep_id, pk, {"lead": name}, link % pk) for pk, name in leads[2:]]
    notify_reminders(kind=Kind.LEAD_RETURNING, rows=returning)
    notify_events(kind=Kind.LEAD_REASSIGNED, rows=assigned)


def _appeals(reps: list[int]) -> None:
    """Decided appeals tell the rep who asked (the demo company may have none)."""
    Appeal = apps.get_model("leads", "Appeal")
    decided = Appeal.objects.filter(requested_by_id__in=reps, decided_at__isnull=False).exclude(status="pending")
    link = _link(kinds.SPECS[Kind.APPEAL_DECIDED].url_name)
    notify_events(kind=Kind.APPEAL_DECIDED, rows=[
        (rep_id, pk, {"lead": name, "approved": status == "approved"}, link % lead_id)
        for rep_id, pk, lead_id, name, status in decided.values_list("requested_by_id", "pk", "lead_id", "lead__name", "status")
    ])


def _reviews(reps: list[int]) -> None:
    """Each rep's two latest completed QA reviews."""
    SampledCall = apps.get_model("coaching", "SampledCall")
    link, rows, per_rep = _link("coaching:sample"), [], {}
    done = (SampledCall.objects.filter(rep_id__in=reps, completed_at__isnull=False).order_by("-completed_at", "-pk")
            .values_list("rep_id", "pk", "result_total"))
    for rep_id, pk, total in done:
        if per_rep.setdefault(rep_id, 0) < 2:
            per_rep[rep_id] += 1
            rows.append((rep_id, pk, {"score": str(total) if total is not None else ""}, link % pk))
    notify_events(kind=Kind.QA_REVIEW_COMPLETE, rows=rows)


def _check_ins(now: dt.datetime) -> None:
    """Open improvement plans: their rep and manager hear of tomorrow's check-in."""
    Plan = apps.get_model("coaching", "ImprovementPlan")
    link = _link("coaching:plan")
    due_day = timezone.localdate(now) + dt.timedelta(days=1)
    due = timezone.make_aware(dt.datetime.combine(due_day, dt.time()))
    rows = [(user_id, pk, due, {"plan": title, "due": due_day.isoformat()}, link % pk)
            for pk, rep_id, manager_id, title in Plan.objects.filter(closed_at__isnull=True)
            .values_list("pk", "rep_id", "manager_id", "title") for user_id in sorted({rep_id, manager_id})]
    notify_reminders(kind=Kind.CHECK_IN_DUE, rows=rows)


def _date_and_read(rng: random.Random, now: dt.datetime) -> int:
    """Spread the notifications over the last week (a follow-up reminder 15 minutes before it fell due); those older than
    six hours are mostly read, the fresh ones unread. The target alerts the targets demo raised get
    the same treatment. One UPDATE per age group: a dozen statements, whatever the company's size."""
    ages = [15, 40, 100, 240, 500, 900, 1500, 2900, 4400, 7000, 9500]  # minutes ago
    groups: dict[tuple[int | None, bool], list[int]] = {}
    seen: dict[int, int] = {}  # per recipient: every other event is an older one, so each list has both
    notes = Notification.objects.order_by("pk").values_list("pk", "recipient_id", "kind", "occurrence")
    for pk, recipient_id, kind, occurrence in notes:
        if kind == Kind.FOLLOW_UP_DUE and occurrence is not None:
            age, old = None, occurrence < now - dt.timedelta(hours=6)  # sent 15 minutes before it fell due
        elif kind == Kind.LEAD_RETURNING:
            age = rng.choice(ages[:3])
            old = False
        else:
            seen[recipient_id] = seen.get(recipient_id, 0) + 1
            age = rng.choice(ages[4:] if seen[recipient_id] % 2 == 0 else ages[:4])
            old = age > 360
        groups.setdefault((age, old and rng.random() < 0.85), []).append(pk)
    for (age, read), ids in sorted(groups.items(), key=lambda g: (g[0][0] or 0, g[0][1])):
        created = F("occurrence") - 15 * MINUTE if age is None else Value(now - age * MINUTE)
        Notification.objects.filter(pk__in=ids).update(created_at=created, raised_at=created, updated_at=created)
        if read:
            Notification.objects.filter(pk__in=ids).update(read_at=F("created_at") + 20 * MINUTE,
                                                           updated_at=F("created_at") + 20 * MINUTE)
        else:
            Notification.objects.filter(pk__in=ids).update(read_at=None)
    return sum(len(ids) for ids in groups.values())
