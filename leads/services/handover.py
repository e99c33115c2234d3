"""The hand-over when staff leave (人员流失)."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role, Team, User
from leads import domain
from leads.models import (
    Lead,
    OwnershipEvent,
    OwnershipReason,
    Pool,
)
from leads.selectors import held_counts, require_deactivator, rules_for
from leads.services.common import (
    _chunks,
    _events,
    _room,
)
from leads.signals import leads_handed_over
from telesales import events
from telesales.errors import DomainError, NotFound

HANDOVER_MODES = ("user", "team", "pool")


def _team_reps(team_id: int, exclude: int) -> list[User]:
    return list(
        User.objects.filter(team_id=team_id, role=Role.REP, is_active=True, accepts_distribution=True)
        .exclude(pk=exclude).order_by("pk")
    )


def hand_over_leads(
    *,
    actor: User,
    from_user: User,
    mode: str,
    to_user_id: int | None = None,
    team_id: int | None = None,
    _locked_targets: list[User] | None = None,
    portable: bool = False,
) -> dict:
    """Hand every lead `from_user` holds to one rep, round-robin across a team (within pool
    limits; what does not fit goes back to the public pool), or back to the public pool.
    Call inside a transaction; the caller locks the users first. `portable` writes through the
    ORM even on PostgreSQL (tests run both paths and compare them)."""
    if mode not in HANDOVER_MODES:
        raise DomainError(gettext("Unknown hand-over mode “%(mode)s”; use user, team or pool.") % {"mode": mode})
    now = timezone.now()
    leads = list(
        Lead.objects.select_for_update(of=("self",)).filter(owner=from_user).order_by("pk")
        .values_list("pk", "pool_id")
    )
    if mode == "user":
        target = _handover_target(from_user, to_user_id, _locked_targets or [])
        plan: dict[int, int | None] = {lid: target.pk for lid, _ in leads}
    elif mode == "team":
        plan = _plan_over_team(leads, from_user=from_user, team_id=team_id)
    else:
        plan = dict.fromkeys((lid for lid, _ in leads), None)
    by_target: dict[int | None, list[int]] = defaultdict(list)
    for lid, rid in plan.items():
        by_target[rid].append(lid)
    note = f"{from_user.display_name} left ({mode})"
    if connection.vendor == "postgresql" and plan and not portable:
        _hand_over_pg(plan, from_user=from_user, actor=actor, note=note, now=now)
    else:
        _hand_over_orm(plan, by_target, from_user=from_user, actor=actor, note=note, now=now)
    leads_handed_over.send(sender=User, from_user=from_user, assignments=plan)
    events.publish("lead.reassigned", [lid for lid, rid in plan.items() if rid is not None], actor=actor)
    events.publish("lead.released", by_target.get(None, []), actor=actor)
    return {
        "handed_over": len(plan),
        "to_public_pool": len(by_target.get(None, [])),
        "per_rep": {rid: len(lids) for rid, lids in by_target.items() if rid is not None},
    }


def _handover_target(from_user: User, to_user_id: int | None, locked: list[User]) -> User:
    """The rep who takes every lead over, as locked by the caller when it was."""
    target = next((u for u in locked if u.pk == to_user_id), None) or User.objects.filter(pk=to_user_id).first()
    if target is None:
        raise NotFound(gettext("The rep to hand over to was not found."))
    if not target.is_active or target.pk == from_user.pk:
        raise DomainError(gettext("Hand over to an active rep other than the one leaving."))
    return target


def _plan_over_team(leads: list[tuple[int, int | None]], *, from_user: User, team_id: int | None) -> dict[int, int | None]:
    """Round-robin over the team's reps, pool by pool, within each rep's room under each pool's
    hold limit; a lead no rep has room for goes to the public pool (None)."""
    if team_id is None or not Team.objects.filter(pk=team_id).exists():
        raise NotFound(gettext("Team not found."))
    reps = _team_reps(team_id, from_user.pk)
    if not reps:
        raise DomainError(gettext("The team has no active rep to hand over to."))
    counts = held_counts([r.pk for r in reps])
    pools = {p.pk: p for p in Pool.objects.filter(pk__in={pid for _, pid in leads if pid})}
    # Capacity per rep under each pool's limit; hand out pool by pool, continuing the turn.
    plan: dict[int, int | None] = {}
    start = 0
    by_pool: dict[int | None, list[int]] = defaultdict(list)
    for lid, pid in leads:
        by_pool[pid].append(lid)
    used: dict[int, int] = defaultdict(int)
    for pid, lids in by_pool.items():
        rules = rules_for(pools.get(pid))
        capacity = {r.pk: max(_room(counts[r.pk], rules) - used[r.pk], 0) for r in reps}
        part = domain.round_robin(lids, [r.pk for r in reps], capacity, start=start)
        for rid in part.values():
            if rid is not None:
                used[rid] += 1
        start += len(lids)
        plan.update(part)
    return plan


def _hand_over_orm(plan, by_target, *, from_user: User, actor: User, note: str, now) -> None:
    """Every database: an UPDATE per new owner (in chunks) and the audit rows in bulk."""
    for rid, lids in by_target.items():
        for part in _chunks(lids, 5000):
            if rid is None:
                Lead.objects.filter(pk__in=part).update(owner=None, claimed_at=None, locked=False, updated_at=now)
            else:
                Lead.objects.filter(pk__in=part).update(owner_id=rid, claimed_at=now, locked=False, updated_at=now)
    _events([(lid, from_user.pk, rid) for lid, rid in plan.items()], actor=actor,
            reason=OwnershipReason.HANDOVER, note=note)


def _hand_over_pg(plan: dict[int, int | None], *, from_user: User, actor: User, note: str, now) -> None:
    """Two statements whatever the size: one UPDATE from (lead, new owner) arrays, one INSERT of
    the audit rows from the same arrays."""
    ids, owners = list(plan), list(plan.values())
    lead_table, event_table = Lead._meta.db_table, OwnershipEvent._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"""UPDATE {lead_table} AS l
                SET owner_id = v.owner, claimed_at = CASE WHEN v.owner IS NULL THEN NULL ELSE %s END,
                    locked = false, updated_at = %s
                FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, owner) WHERE l.id = v.id""",
            [now, now, ids, owners],
        )
        cur.execute(
            f"""INSERT INTO {event_table} (lead_id, from_owner_id, to_owner_id, actor_id, reason, note, at)
                SELECT v.id, %s, v.owner, %s, %s, %s, %s FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, owner)""",
            [from_user.pk, actor.pk, OwnershipReason.HANDOVER.value, note[:500], now, ids, owners],
        )


def deactivate_user(
    *,
    actor: User,
    user_id: int,
    mode: str = "pool",
    to_user_id: int | None = None,
    team_id: int | None = None,
) -> dict:
    """Staff leave (人员流失): in one transaction revoke sessions and tokens, then hand every lead
    over. Afterwards no active lead is owned by an inactive user; history keeps old names."""
    require_deactivator(actor, user_id)
    if user_id == actor.pk:
        raise DomainError(gettext("You cannot deactivate yourself."))
    if mode not in HANDOVER_MODES:
        raise DomainError(gettext("Unknown hand-over mode “%(mode)s”; use user, team or pool.") % {"mode": mode})
    if mode == "user" and to_user_id is None:
        raise DomainError(gettext("Choose the rep who takes the leads over."))
    if mode == "team" and team_id is None:
        raise DomainError(gettext("Choose the team that takes the leads over."))
    from accounts.services import revoke_access

    with transaction.atomic():
        lock_ids = sorted({user_id, *([to_user_id] if mode == "user" and to_user_id else [])})
        if mode == "team":
            lock_ids = sorted({*lock_ids, *User.objects.filter(team_id=team_id).values_list("pk", flat=True)})
        locked = list(User.objects.select_for_update().filter(pk__in=lock_ids).order_by("pk"))
        user = next((u for u in locked if u.pk == user_id), None)
        if user is None:
            raise NotFound(gettext("User not found."))
        revoke_access(user=user)
        summary = hand_over_leads(actor=actor, from_user=user, mode=mode, to_user_id=to_user_id, team_id=team_id,
                                  _locked_targets=locked)
        events.publish("user.deactivated", user, actor=actor)
    summary["user"] = user_id
    return summary
