"""Leads going back to the public pool: released (放弃), locked against it, auto-returned
(不跟进自动回收) or recycled by another app's rule."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from leads.models import (
    Lead,
    OwnershipEvent,
    OwnershipReason,
)
from leads.selectors import can_work_lead, neglected_leads, return_due_for, rules_for
from leads.services.common import (
    CHUNK,
    LimitReached,
    _events,
    _lock_lead,
    _require_holder,
)
from telesales import events
from telesales.errors import Conflict, DomainError, NotFound, PermissionDenied


@transaction.atomic
def release_lead(*, actor: User, lead_id: int, reason: str) -> Lead:
    """Return a held lead to its public pool, with the reason (放弃/退回公海)."""
    _require_holder(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("Say why you release the lead."))
    lead = _lock_lead(lead_id)
    if lead.owner_id is None:
        raise DomainError(gettext("The lead is already in the public pool."), code="not_held")
    if not (lead.owner_id == actor.pk or can_work_lead(actor, lead)):
        raise PermissionDenied(gettext("Only the lead's owner, their manager or an admin can release it."))
    previous = lead.owner_id
    now = timezone.now()
    Lead.objects.filter(pk=lead.pk).update(owner=None, claimed_at=None, locked=False, updated_at=now)
    _events([(lead.pk, previous, None)], actor=actor, reason=OwnershipReason.RELEASE, note=reason)
    events.publish("lead.released", lead, actor=actor)
    lead.owner, lead.owner_id, lead.claimed_at, lead.locked = None, None, None, False
    return lead


def set_locked(*, actor: User, lead_id: int, locked: bool) -> Lead:
    """Lock a key customer against auto-return (at most `max_locked` per rep), or unlock it."""
    _require_holder(actor)
    with transaction.atomic():
        lead0 = Lead.objects.filter(pk=lead_id).values("owner_id").first()
        if lead0 is None:
            raise NotFound(gettext("Lead not found."))
        if lead0["owner_id"] is not None:
            User.objects.select_for_update().filter(pk=lead0["owner_id"]).first()
        lead = _lock_lead(lead_id)
        if lead.owner_id != lead0["owner_id"]:
            # The owner whose lock count we serialized on is no longer the holder.
            raise Conflict(gettext("The lead changed hands a moment ago; reload it and try again."))
        if lead.owner_id is None:
            raise DomainError(gettext("Only a held lead can be locked."), code="not_held")
        if not can_work_lead(actor, lead):
            raise PermissionDenied(gettext("Only the lead's owner, their manager or an admin can lock it."))
        if lead.locked == locked:
            return lead
        if locked:
            rules = rules_for(lead.pool)
            n = Lead.objects.filter(owner_id=lead.owner_id, locked=True).count()
            if n >= rules.max_locked:
                raise LimitReached(f"At most {rules.max_locked} leads may be locked; unlock one first.")
        lead.locked = locked
        lead.save(update_fields=["locked", "updated_at"])
    return lead


# ---- auto-return ---------------------------------------------------------------------------
def auto_return_neglected(*, now: dt.datetime | None = None, batch: int = 1000) -> int:
    """Return neglected leads to their public pool (不跟进自动回收). Idempotent and safe to run
    twice at once: each batch is locked with SKIP LOCKED and re-checked under the lock."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            rows = list(
                neglected_leads(now).select_for_update(skip_locked=True, of=("self",))
                .select_related("pool").order_by("pk")[:batch]
            )
            if not rows:
                return total
            _return_to_pool(rows, note=lambda lead: return_due_for(lead)[1], now=now)
            total += len(rows)


def _return_to_pool(rows: list[Lead], *, note, now: dt.datetime) -> None:
    """The system (actor None) returns locked, held `rows` to their public pool; `note(lead)` says
    which rule returned each one."""
    Lead.objects.filter(pk__in=[lead.pk for lead in rows]).update(
        owner=None, claimed_at=None, locked=False, updated_at=now
    )
    OwnershipEvent.objects.bulk_create([
        OwnershipEvent(lead_id=lead.pk, from_owner_id=lead.owner_id, to_owner=None, actor=None,
                       reason=OwnershipReason.AUTO_RETURN, note=note(lead)[:500])
        for lead in rows
    ], batch_size=CHUNK)
    events.publish("lead.returned_to_pool", rows)


def recycle_leads(*, condition: Q, note, limit: int = 1000) -> dict[int, int]:
    """A recycling rule of another app returns the held leads matching `condition` to their public
    pool. The system is the actor, not the rep; `note(lead)` names the rule. Rows locked by someone
    else are skipped (the next run takes them). Returns {lead_id: previous owner_id}."""
    with transaction.atomic():
        rows = list(
            Lead.objects.filter(condition, owner__isnull=False)
            .select_for_update(skip_locked=True, of=("self",)).order_by("pk")[:limit]
        )
        _return_to_pool(rows, note=note, now=timezone.now())
    return {lead.pk: lead.owner_id for lead in rows}
