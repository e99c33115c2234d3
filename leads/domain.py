"""Pure rules for pools: when a held lead returns, how leads are spread over reps. No Django."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ReturnRules:
    """The auto-return part of a pool's rules (不跟进自动回收)."""

    return_days_by_grade: dict
    no_progress_days: int = 0
    fresh_claim_hours: int = 0
    exempt_won: bool = True
    exempt_open_quote: bool = True
    warn_days: int = 3

    def days_for(self, grade: str) -> int:
        try:
            return max(int((self.return_days_by_grade or {}).get(grade) or 0), 0)
        except (TypeError, ValueError):
            return 0


@dataclass(frozen=True)
class HeldLead:
    """What the rules look at on one held lead."""

    grade: str
    status: str
    claimed_at: dt.datetime | None
    last_real_contact_at: dt.datetime | None = None
    last_contacted_at: dt.datetime | None = None
    grade_changed_at: dt.datetime | None = None
    locked: bool = False
    has_open_quote: bool = False


def _latest(*values: dt.datetime | None) -> dt.datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def return_due(lead: HeldLead, rules: ReturnRules) -> tuple[dt.datetime | None, str]:
    """When the lead goes back to its pool and why; (None, "") when no rule applies.

    Only a *real* contact (reached, or long enough) resets the no-contact clock: a note or an
    unanswered dial does not, so the clock cannot be gamed."""
    if lead.claimed_at is None or lead.locked:
        return None, ""
    if lead.status == "won" and rules.exempt_won:
        return None, ""
    if lead.status not in ("active", "won"):
        return None, ""
    if lead.has_open_quote and rules.exempt_open_quote:
        return None, ""
    candidates: list[tuple[dt.datetime, str]] = []
    days = rules.days_for(lead.grade)
    if days:
        base = _latest(lead.claimed_at, lead.last_real_contact_at)
        candidates.append((base + dt.timedelta(days=days), f"no real contact for {days} days (grade {lead.grade})"))
    if rules.no_progress_days:
        base = _latest(lead.claimed_at, lead.grade_changed_at)
        candidates.append(
            (base + dt.timedelta(days=rules.no_progress_days), f"no grade progress for {rules.no_progress_days} days")
        )
    never_called = lead.last_contacted_at is None or lead.last_contacted_at < lead.claimed_at
    if rules.fresh_claim_hours and never_called:
        candidates.append(
            (lead.claimed_at + dt.timedelta(hours=rules.fresh_claim_hours),
             f"not called within {rules.fresh_claim_hours} hours of being claimed")
        )
    if not candidates:
        return None, ""
    return min(candidates, key=lambda c: c[0])


def days_left(due: dt.datetime | None, now: dt.datetime) -> int | None:
    """Whole days until `due` (0 on the last day, negative when overdue); None without a due time."""
    if due is None:
        return None
    seconds = (due - now).total_seconds()
    return int(seconds // 86400)


def round_robin(
    items: Sequence[int],
    reps: Sequence[int],
    capacity: dict[int, int] | None = None,
    start: int = 0,
) -> dict[int, int | None]:
    """Assign items to reps in turn, skipping reps whose capacity is used up.

    Returns item -> rep (None when nobody has room left)."""
    out: dict[int, int | None] = {}
    if not reps:
        return dict.fromkeys(items)
    room = dict(capacity) if capacity is not None else None
    n = len(reps)
    pos = start % n
    for item in items:
        chosen = None
        for step in range(n):
            rep = reps[(pos + step) % n]
            if room is None or room.get(rep, 0) > 0:
                chosen = rep
                pos = (pos + step + 1) % n
                break
        if chosen is not None and room is not None:
            room[chosen] -= 1
        out[item] = chosen
    return out


def by_capacity(items: Iterable[int], capacity: dict[int, int]) -> dict[int, int | None]:
    """Give each item to the rep with the most free room (ties: lowest id)."""
    heap = [(-room, rep) for rep, room in capacity.items() if room > 0]
    heapq.heapify(heap)
    out: dict[int, int | None] = {}
    for item in items:
        if not heap:
            out[item] = None
            continue
        neg_room, rep = heapq.heappop(heap)
        out[item] = rep
        if neg_room + 1 < 0:
            heapq.heappush(heap, (neg_room + 1, rep))
    return out
