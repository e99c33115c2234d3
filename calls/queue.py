"""The work queue (“start calling”): which customer a rep calls next, and the rep's place in it.

Order: due and overdue follow-ups (those not tried since they were scheduled first, by due
time, then fewer unanswered attempts, then the oldest last attempt; tried ones after them, the
least recently tried first), then callbacks (customers who asked to be called back and have no
follow-up yet), then the rep's fresh leads, then a new lead from the pool rules (leads'
`next_lead`). The place is a `QueueState` row per rep: the customer on screen, the leads done or
skipped today and whether the rep paused, so a reload or another device continues there."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from calls import queue_scan, services
from calls.models import Call, FollowUp, QueueSkip, QueueState
from calls.selectors import _not_blocked, ordered_follow_ups
from leads.models import Lead, LeadStatus
from leads.selectors import can_work_lead
from leads.services import next_lead
from telesales.days import local_day
from telesales.errors import DomainError, NotFound

# Kinds of queue item, in queue order.
FOLLOW_UP, CALLBACK, FRESH, POOL = queue_scan.FOLLOW_UP, queue_scan.CALLBACK, queue_scan.FRESH, "pool"
KINDS = (FOLLOW_UP, CALLBACK, FRESH, POOL)
# A day's run remembers at most this many handled leads (a rep makes about 150 calls a day).
HANDLED_LIMIT = 1000
SKIP_REASON_MAX = 200


@dataclass
class QueueItem:
    """What the queue screen shows: the customer to call now (or none) and what is left."""

    state: QueueState
    lead: Lead | None
    kind: str
    follow_up: FollowUp | None
    left: dict
    problem: str = ""


def _mine(rep: User) -> Q:
    """Follow-ups that are the rep's: assigned to them, or team callbacks on their leads or the pool's."""
    mine = Q(assigned_to=rep)
    if rep.team_id:
        mine |= Q(assigned_to__isnull=True, team_id=rep.team_id) & (Q(lead__owner=rep) | Q(lead__owner__isnull=True))
    return mine


def due_follow_ups(rep: User, *, now: dt.datetime, handled=(), ordered: bool = True) -> QuerySet[FollowUp]:
    """The rep's open follow-ups due by `now`, in queue order (the call plan's order too)."""
    qs = FollowUp.objects.filter(_mine(rep), done_at__isnull=True, due_at__lte=now, lead__status=LeadStatus.ACTIVE)
    if handled:
        qs = qs.exclude(lead_id__in=list(handled))
    qs = _not_blocked(qs, "lead__")
    return ordered_follow_ups(qs) if ordered else qs


def callbacks(rep: User, handled=()) -> QuerySet[Lead]:
    """The rep's customers whose latest call was “call back later” and who have no follow-up."""
    qs = Lead.objects.filter(owner=rep, status=LeadStatus.ACTIVE, next_follow_up_at__isnull=True,
                             last_contacted_at__isnull=False)
    if handled:
        qs = qs.exclude(pk__in=list(handled))
    # The latest call is the one at last_contacted_at (kept by refresh_lead_call_facts): an exact
    # probe of index call_lead_started per lead, not a sort of each lead's calls.
    latest_is_callback = Exists(Call.objects.filter(lead=OuterRef("pk"), started_at=OuterRef("last_contacted_at"),
                                                    disposition__callback=True))
    return _not_blocked(qs.filter(latest_is_callback)).order_by("last_contacted_at", "id")


def fresh_leads(rep: User, handled=()) -> QuerySet[Lead]:
    """The rep's leads never called yet, the longest held first."""
    qs = Lead.objects.filter(owner=rep, status=LeadStatus.ACTIVE, last_contacted_at__isnull=True)
    if handled:
        qs = qs.exclude(pk__in=list(handled))
    return _not_blocked(qs).order_by("claimed_at", "id")


def _state_for(rep: User, *, lock: bool) -> QueueState:
    """The rep's queue state for today (a new day starts a new run), with the customer on screen,
    its owner, the owner's team and its pool (all the fragment reads of them) in the same query."""
    today = local_day(timezone.now())
    qs = QueueState.objects.select_related("current_lead__owner__team", "current_lead__pool")
    if lock:
        qs = qs.select_for_update(of=("self",))
    state = qs.filter(rep=rep).first()
    if state is None:
        QueueState.objects.get_or_create(rep=rep, defaults={"day": today})
        state = qs.get(rep=rep)
    if state.day != today:
        state.day, state.handled, state.current_lead, state.current_kind, state.paused = today, [], None, "", False
    return state


def _still_current(rep: User, state: QueueState) -> bool:
    lead = state.current_lead if state.current_lead_id else None
    return (
        lead is not None and lead.status == LeadStatus.ACTIVE and lead.pk not in state.handled
        and can_work_lead(rep, lead)
    )


def scan(rep: User, handled: list, now: dt.datetime, *, portable: bool = False) -> queue_scan.Scan:
    """The head and the size of each part of the queue: one statement on PostgreSQL, else (or
    with `portable`) the querysets above."""
    if connection.vendor == "postgresql" and not portable:
        return queue_scan.scan(rep, handled, now)
    heads = {}
    parts = {FOLLOW_UP: due_follow_ups(rep, now=now, handled=handled).values_list("lead_id", flat=True),
             CALLBACK: callbacks(rep, handled).values_list("id", flat=True),
             FRESH: fresh_leads(rep, handled).values_list("id", flat=True)}
    for kind, qs in parts.items():
        if (lead_id := qs.first()) is not None:
            heads[kind] = lead_id
    follow_ups = due_follow_ups(rep, now=now, handled=handled, ordered=False).values("lead_id").distinct().count()
    return queue_scan.Scan(heads=heads, left=queue_scan.left(
        follow_ups=follow_ups, callbacks=parts[CALLBACK].count() if CALLBACK in heads else 0,
        fresh=parts[FRESH].count() if FRESH in heads else 0, done=len(handled)))


def _pick(rep: User, found: queue_scan.Scan, *, claim: bool) -> tuple[Lead | None, str, str]:
    """The next customer after those handled; with `claim`, a pool lead when nothing else is left."""
    lead_id, kind = found.first()
    if lead_id is not None:  # with what the fragment shows of it: owner, the owner's team, pool
        return Lead.objects.select_related("owner__team", "pool").get(pk=lead_id), kind, ""
    if claim:
        try:
            return next_lead(actor=rep), POOL, ""
        except DomainError as exc:  # nothing left in the pools, or a claim limit reached
            return None, "", exc.message
    return None, "", ""


def _left(rep: User, state: QueueState, now: dt.datetime) -> dict:
    """How many customers are left in each part of the queue."""
    return scan(rep, list(state.handled), now).left


def _move_on(rep: User, state: QueueState, *, now: dt.datetime, claim: bool) -> tuple[bool, str, dict]:
    """Keep the customer on screen, or move to the next one: (moved, the problem, what is left)."""
    found = scan(rep, list(state.handled), now)
    if _still_current(rep, state):
        return False, "", found.left
    lead, kind, problem = _pick(rep, found, claim=claim)
    state.current_lead, state.current_kind = lead, kind
    # A lead just claimed from the pool is now the rep's: count again, as the queue now stands.
    return True, problem, (_left(rep, state, now) if kind == POOL else found.left)


def _item(state: QueueState, left: dict, problem: str = "") -> QueueItem:
    """The item on screen. Its follow-up (the lead's earliest open one) is filled in by the page
    from the lead's open follow-ups, which it lists anyway."""
    lead = state.current_lead if state.current_lead_id else None
    return QueueItem(state=state, lead=lead, kind=state.current_kind, follow_up=None, left=left, problem=problem)


def _save(state: QueueState) -> None:
    state.save()


@transaction.atomic
def current_item(*, actor: User) -> QueueItem:
    """The customer on the rep's screen: the one they were at (another device, a reload), or the
    next in the queue. Never claims from the pool: that takes a keypress (`next_item`)."""
    state = _state_for(actor, lock=True)
    moved, problem, left = _move_on(actor, state, now=timezone.now(), claim=False)
    if moved:
        _save(state)
    return _item(state, left, problem)


def _handled(state: QueueState, lead_id: int) -> None:
    if lead_id not in state.handled:
        state.handled = [*state.handled, lead_id][-HANDLED_LIMIT:]


@transaction.atomic
def next_item(*, actor: User, done_lead_id: int | None = None) -> QueueItem:
    """Mark `done_lead_id` done for today and move on; takes a pool lead when nothing else is left."""
    state = _state_for(actor, lock=True)
    if done_lead_id:
        _handled(state, done_lead_id)
    state.paused = False
    _moved, problem, left = _move_on(actor, state, now=timezone.now(), claim=True)
    _save(state)
    return _item(state, left, problem)


@transaction.atomic
def log_and_next(*, actor: User, lead_id: int, **call) -> tuple[Call, QueueItem]:
    """Log a call from the queue and move to the next customer, in one transaction."""
    logged = services.log_call(actor=actor, lead_id=lead_id, **call)
    return logged, next_item(actor=actor, done_lead_id=lead_id)


@transaction.atomic
def skip(*, actor: User, lead_id: int, reason: str) -> QueueItem:
    """Skip a customer for today, saying why; the queue moves on."""
    reason = (reason or "").strip()[:SKIP_REASON_MAX]
    if not reason:
        raise DomainError("Say why you skip this customer.")
    lead = Lead.objects.filter(pk=lead_id).select_related("owner").first()
    if lead is None or not can_work_lead(actor, lead):
        raise NotFound("Lead not found.")
    QueueSkip.objects.create(rep=actor, lead=lead, reason=reason)
    return next_item(actor=actor, done_lead_id=lead_id)


@transaction.atomic
def set_paused(*, actor: User, paused: bool) -> QueueItem:
    """Pause the queue (the customer stays on hold) or resume it where it was."""
    state = _state_for(actor, lock=True)
    state.paused = paused
    _save(state)
    return _item(state, _left(actor, state, timezone.now()))
