"""Bulk distribution of public-pool leads to chosen reps."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import (
    can_manage_pool,
    can_manage_user,
    can_work_pool,
)
from accounts.models import Role, User
from leads import domain
from leads.models import (
    Lead,
    LeadStatus,
    OwnershipReason,
    Pool,
)
from leads.selectors import held_counts
from leads.services.common import (
    _chunks,
    _events,
    _room,
)
from telesales import events
from telesales.errors import DomainError, NotFound, PermissionDenied

DISTRIBUTION_MODES = ("round_robin", "by_region", "by_capacity")


def distribute(
    *,
    actor: User,
    pool_id: int,
    rep_ids: list[int],
    mode: str = "round_robin",
    region: str = "",
    limit: int | None = None,
) -> dict[int, int]:
    """Bulk-assign public-pool leads (e.g. after an import) to chosen reps, skipping inactive and
    opted-out reps and respecting each rep's hold limit. Returns {rep_id: leads given}. Every
    chosen rep must be one the actor manages, even from a pool open to all."""
    if mode not in DISTRIBUTION_MODES:
        raise DomainError(gettext("Unknown mode “%(mode)s”; use one of %(join)s.") % {"mode": mode, "join": ', '.join(DISTRIBUTION_MODES)})
    if mode == "by_region" and not region:
        raise DomainError(gettext("Distribution by region needs a region."))
    pool = Pool.objects.filter(pk=pool_id).first()
    if pool is None or not can_work_pool(actor, pool):
        raise NotFound(gettext("Pool not found."))
    if not can_manage_pool(actor, pool):
        raise PermissionDenied(gettext("Only admins, the pool's admins and its teams' managers can distribute leads."))
    if any(not can_manage_user(actor, rep) for rep in User.objects.filter(pk__in=rep_ids)):
        raise PermissionDenied(gettext("You can only distribute leads to reps you manage."))
    now = timezone.now()
    with transaction.atomic():
        reps = list(
            User.objects.select_for_update().filter(
                pk__in=rep_ids, is_active=True, accepts_distribution=True, role=Role.REP
            ).order_by("pk")
        )
        if not reps:
            raise DomainError(gettext("None of the chosen reps is active and accepting distribution."))
        counts = held_counts([r.pk for r in reps])
        capacity = {r.pk: _room(counts[r.pk], pool) for r in reps}
        qs = Lead.objects.filter(pool=pool, owner__isnull=True, status=LeadStatus.ACTIVE)
        if region:
            qs = qs.filter(region=region)
        qs = qs.select_for_update(skip_locked=True, of=("self",)).order_by("pk")
        if limit is not None:
            qs = qs[: max(int(limit), 0)]
        ids = list(qs.values_list("pk", flat=True))
        if mode == "by_capacity":
            plan = domain.by_capacity(ids, capacity)
        else:
            plan = domain.round_robin(ids, [r.pk for r in reps], capacity)
        by_rep: dict[int, list[int]] = defaultdict(list)
        for lid, rid in plan.items():
            if rid is not None:
                by_rep[rid].append(lid)
        for rid, lids in by_rep.items():
            for part in _chunks(lids):
                Lead.objects.filter(pk__in=part, owner__isnull=True).update(
                    owner_id=rid, claimed_at=now, locked=False, updated_at=now
                )
        _events(
            [(lid, None, rid) for rid, lids in by_rep.items() for lid in lids],
            actor=actor, reason=OwnershipReason.DISTRIBUTE, note=mode,
        )
        events.publish("lead.reassigned", [lid for lids in by_rep.values() for lid in lids], actor=actor)
    return {r.pk: len(by_rep.get(r.pk, [])) for r in reps}
