"""What every lead service shares: the domain errors, the collision answer and its hourly
budget, the audit rows, a rep's room under a pool's hold limit and the lead row lock. The reads
they share (a pool's rules, the hold counts, who holds a lead) are in leads.selectors.

Every change of owner writes an OwnershipEvent in the same transaction. Races are decided by
the database: conditional UPDATE ... WHERE owner IS NULL, row locks taken users first, then
leads, each in primary-key order, so two services never deadlock."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext

from accounts.access import can_hold_leads
from accounts.models import User
from leads.collisions import collision_page
from leads.models import Lead, OwnershipEvent, Pool
from leads.selectors import holder_text
from telesales.errors import Conflict, DomainError, NotFound, PermissionDenied, RateLimited

CHUNK = 2000
logger = logging.getLogger(__package__)


# ---- errors --------------------------------------------------------------------------------
class LeadCollision(Conflict):
    """The phone number already belongs to a lead (撞单); carries who holds it."""

    code = "collision"


class LeadAlreadyClaimed(Conflict):
    code = "already_claimed"


class DoNotCall(DomainError):
    code = "do_not_call"


class LimitReached(DomainError):
    code = "limit_reached"


class CooldownActive(DomainError):
    code = "cooldown"


# ---- the collision answer ------------------------------------------------------------------
def collision_answers(actor: User, wanted: int) -> tuple[int, int]:
    """Count `wanted` answers that would name who holds a number against the actor's hourly
    budget (LEAD_COLLISION_LIMIT_PER_HOUR, shared by the 409 and the import report). Returns how
    many of them may still name the holder, and the seconds until the budget renews."""
    now = int(time.time())
    key = f"leads:collisions:{actor.pk}:{now // 3600}"
    cache.add(key, 0, timeout=3600)
    answers = cache.incr(key, wanted)
    granted = max(min(wanted, settings.LEAD_COLLISION_LIMIT_PER_HOUR - (answers - wanted)), 0)
    return granted, 3600 - now % 3600


def collision_error(lead: Lead, *, actor: User) -> DomainError:
    """The 409 naming who holds a number. Each answer is logged (never the number), and a user
    gets at most LEAD_COLLISION_LIMIT_PER_HOUR of them an hour, so guessing numbers leaves a
    trace and stops: past the limit the answer is a 429 that names nobody."""
    granted, retry_after = collision_answers(actor, 1)
    logger.warning("collision answer user=%s lead=%s refused=%s", actor.pk, lead.pk, not granted)
    if not granted:
        return RateLimited(
            "Too many of your new numbers already exist; try again later or ask a manager.",
            retry_after=retry_after,
        )
    return LeadCollision(
        f"This customer already exists: {holder_text(lead)}.",
        lead_id=lead.pk,
        owner=lead.owner_id,
        owner_name=lead.owner.display_name if lead.owner_id else None,
        # Where the rep can see the lead masked and appeal for it (leads.collisions).
        page=collision_page(lead_id=lead.pk, user_id=actor.pk),
    )


def _events(leads: Iterable[tuple[int, int | None, int | None]], *, actor: User | None, reason: str, note: str = ""):
    """bulk_create OwnershipEvents from (lead_id, from_owner_id, to_owner_id)."""
    rows = [
        OwnershipEvent(lead_id=lid, from_owner_id=f, to_owner_id=t, actor=actor, reason=reason, note=note[:500])
        for lid, f, t in leads
    ]
    OwnershipEvent.objects.bulk_create(rows, batch_size=CHUNK)
    return rows


def _chunks(seq: list, size: int = CHUNK):
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def _room(counts: dict[str, int], pool: Pool) -> int:
    held = counts["active"] + (counts["won"] if pool.won_counts_toward_max else 0)
    return max(pool.max_held - held, 0)


def _require_holder(actor: User) -> None:
    if not can_hold_leads(actor):
        raise PermissionDenied(gettext("An integration account cannot claim, release, lock or appeal for leads."))


def _lock_lead(lead_id: int) -> Lead:
    """Lock one lead row. Its owner and pool are read lazily, after the lock is granted: rows
    joined into the locking query would be the ones seen before a wait (PostgreSQL re-reads only
    the locked row), so a lock that waited would act on an owner who no longer holds the lead."""
    lead = Lead.objects.select_for_update(of=("self",)).filter(pk=lead_id).first()
    if lead is None:
        raise NotFound(gettext("Lead not found."))
    return lead
