"""Claims (领取): a rep takes public-pool leads, by choice or by “Next lead”."""

from __future__ import annotations

import datetime as dt
import re
import weakref

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.access import (
    can_browse_pool,
    can_work_pool,
    sees_everything,
)
from accounts.models import Role, Team, User
from leads.models import (
    ClaimCount,
    HeldCount,
    Lead,
    LeadStatus,
    OwnershipEvent,
    OwnershipReason,
    Pool,
)
from leads.selectors import (
    DEFAULT_RULES,
    accessible_pools,
    claims_today,
    hand_out_order,
    held_counts,
    rules_for,
)
from leads.services.common import (
    CooldownActive,
    LeadAlreadyClaimed,
    LimitReached,
    _events,
    _require_holder,
    _room,
)
from telesales import events
from telesales.days import local_day, local_midnight
from telesales.errors import DomainError, NotFound, PermissionDenied


def _check_limits(rep: User, pools: list[Pool], adding: int, *, counting_claims: bool = True) -> None:
    """Hold limit and daily claim limit for `adding` more leads; the whole batch or nothing."""
    counts = held_counts([rep.pk])[rep.pk]
    for pool in {p.pk or 0: p for p in pools}.values():
        room = _room(counts, pool)
        if adding > room:
            raise LimitReached(
                f"You may hold at most {pool.max_held} leads and have room for {room}; "
                f"this would add {adding}. Release leads you are not working first."
            )
    if counting_claims:
        done = claims_today(rep)
        for pool in {p.pk or 0: p for p in pools}.values():
            if done + adding > pool.max_claims_per_day:
                left = max(pool.max_claims_per_day - done, 0)
                raise LimitReached(
                    f"You may claim {pool.max_claims_per_day} leads a day and have {left} left today; "
                    f"this batch has {adding}."
                )


# Ways a rep gives a lead up; reclaiming it is then subject to the pool's cooldown.
_GAVE_UP = (OwnershipReason.RELEASE, OwnershipReason.AUTO_RETURN, OwnershipReason.REASSIGN, OwnershipReason.APPEAL)


def _cooldown_blocked(rep: User, leads: list[Lead], now: dt.datetime) -> list[tuple[Lead, dt.date]]:
    """Leads this rep gave up (released/auto-returned/reassigned away) too recently to reclaim."""
    if not leads:
        return []
    longest = max(rules_for(lead.pool).reclaim_cooldown_days for lead in leads)
    if not longest:
        return []
    latest: dict[int, dt.datetime] = {}
    for lid, at in OwnershipEvent.objects.filter(
        lead_id__in=[lead.pk for lead in leads], from_owner=rep,
        reason__in=_GAVE_UP,
        at__gte=now - dt.timedelta(days=longest),
    ).values_list("lead_id", "at"):
        latest[lid] = max(at, latest.get(lid, at))
    blocked = []
    for lead in leads:
        at = latest.get(lead.pk)
        days = rules_for(lead.pool).reclaim_cooldown_days
        if at is not None and days and at > now - dt.timedelta(days=days):
            blocked.append((lead, timezone.localtime(at + dt.timedelta(days=days)).date()))
    return blocked


def _claimed_by_message(lead_ids: list[int]) -> str:
    taken = list(
        Lead.objects.select_related("owner").filter(pk__in=lead_ids).exclude(owner__isnull=True).order_by("pk")[:3]
    )
    if not taken:
        return "That lead is no longer available."
    lead = taken[0]
    return f"Lead “{lead.name}” was already claimed by {lead.owner.display_name}."


def _converters(model) -> list[tuple[int, list, object]]:
    """The database converters the ORM would apply to each concrete column of `model`."""
    out = []
    for i, f in enumerate(model._meta.concrete_fields):
        col = f.get_col(model._meta.db_table)
        convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if convs:
            out.append((i, convs, col))
    return out


def _from_row(model, row, converters):
    values = list(row)
    for i, convs, col in converters:
        for conv in convs:
            values[i] = conv(values[i], col, connection)
    return model.from_db(connection.alias, [f.attname for f in model._meta.concrete_fields], values)


def _columns(model, alias: str) -> str:
    return ", ".join(f'{alias}."{f.column}"' for f in model._meta.concrete_fields)


_CLAIM_SQL: dict[str, str] = {}


def _claim_one_sql() -> tuple[str, str]:
    """(lock the rep row, check every claim rule + conditional UPDATE + audit INSERT) on PostgreSQL.

    Two statements on purpose: the second takes its snapshot after the rep lock is granted, so
    the held and daily counts see every claim this rep committed meanwhile (as the ORM path does)."""
    if not _CLAIM_SQL:
        _CLAIM_SQL["lock"] = f'SELECT 1 FROM "{User._meta.db_table}" u WHERE u.id = %s FOR UPDATE'
        _CLAIM_SQL["claim"] = _claim_statement()
        _CLAIM_SQL["converters"] = (_converters(User), _converters(Lead), _converters(Pool))
        # The claim statement is prepared once per connection: planning it costs more than running it.
        names = re.findall(r"%\((\w+)\)s", _CLAIM_SQL["claim"])
        order = list(dict.fromkeys(names))
        body = re.sub(r"%\((\w+)\)s", lambda m: f"${order.index(m.group(1)) + 1}", _CLAIM_SQL["claim"])
        types = ", ".join(_CLAIM_PARAM_TYPES[n] for n in order)
        _CLAIM_SQL["prepare"] = f"PREPARE {_CLAIM_STMT} ({types}) AS {body}"
        _CLAIM_SQL["execute"] = f"EXECUTE {_CLAIM_STMT} ({', '.join(['%s'] * len(order))})"
        _CLAIM_SQL["order"] = order
    return _CLAIM_SQL["lock"], _CLAIM_SQL["claim"]


def _m2m(model, name: str) -> tuple[str, str, str]:
    """(through table, column to `model`, column to the other side) of a many-to-many field."""
    field = model._meta.get_field(name)
    return field.remote_field.through._meta.db_table, field.m2m_column_name(), field.m2m_reverse_name()


def _pool_access_sql() -> str:
    """May the rep %(rep)s work pool `p`? Mirrors accounts.access.scope_pools(): open to all, a
    member or admin, or one of the rep's teams (the CTE `teams`)."""
    mt, mt_pool, mt_team = _m2m(Pool, "member_teams")
    mu, mu_pool, mu_user = _m2m(Pool, "member_users")
    pa, pa_pool, pa_user = _m2m(Pool, "admins")
    return f"""(
              (p.team_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM "{mt}" x WHERE x."{mt_pool}" = p.id)
               AND NOT EXISTS (SELECT 1 FROM "{mu}" x WHERE x."{mu_pool}" = p.id))
              OR EXISTS (SELECT 1 FROM "{mu}" x WHERE x."{mu_pool}" = p.id AND x."{mu_user}" = %(rep)s)
              OR EXISTS (SELECT 1 FROM "{pa}" x WHERE x."{pa_pool}" = p.id AND x."{pa_user}" = %(rep)s)
              OR p.team_id IN (SELECT team_id FROM teams)
              OR EXISTS (SELECT 1 FROM "{mt}" x WHERE x."{mt_pool}" = p.id
                         AND x."{mt_team}" IN (SELECT team_id FROM teams)))"""


def _claim_statement() -> str:
    """The claim of one lead as one statement: the rep and their teams, the lead if the rep may
    take it (access, browsing, hold limit, daily limit, cool-down), the conditional UPDATE and
    the audit INSERT; it returns the lead, its pool and the rep. The hold and daily limits read
    the counters the database keeps (leads.models.HeldCount, ClaimCount): O(1), however many
    leads the rep holds or claimed today."""
    user_t, lead_t, pool_t, event_t = (m._meta.db_table for m in (User, Lead, Pool, OwnershipEvent))
    held_t, claims_t = HeldCount._meta.db_table, ClaimCount._meta.db_table
    tm, tm_team, tm_user = _m2m(Team, "managers")
    lead_cols = [f.column for f in Lead._meta.concrete_fields]
    access = _pool_access_sql()
    return f"""
            WITH rep AS (
                SELECT {_columns(User, "u")},
                       (u.is_superuser OR u.role = ANY(%(all_roles)s)) AS sees_all
                FROM "{user_t}" u WHERE u.id = %(rep)s AND u.is_active
            ), teams AS (
                SELECT x."{tm_team}" AS team_id FROM "{tm}" x, rep
                WHERE rep.role = %(manager)s AND x."{tm_user}" = rep.id
                UNION ALL SELECT rep.team_id FROM rep WHERE rep.team_id IS NOT NULL
            ), cand AS (
                SELECT l.id,
                       COALESCE(p.max_held, %(d_max_held)s) AS max_held,
                       COALESCE(p.won_counts_toward_max, %(d_won_counts)s) AS won_counts,
                       COALESCE(p.max_claims_per_day, %(d_max_claims)s) AS max_claims,
                       COALESCE(p.reclaim_cooldown_days, %(d_cooldown)s) AS cooldown_days
                FROM rep CROSS JOIN "{lead_t}" l LEFT JOIN "{pool_t}" p ON p.id = l.pool_id
                WHERE l.id = %(lead)s AND l.owner_id IS NULL AND l.status = %(active)s
                  AND (rep.sees_all OR (l.pool_id IS NOT NULL AND {access}
                                        AND (%(via_next)s OR rep.role = %(manager)s OR p.browsing_enabled)))
            ), ok AS (
                SELECT cand.id FROM cand
                WHERE (SELECT COALESCE(SUM(h.n), 0) FROM "{held_t}" h WHERE h.owner_id = %(rep)s
                         AND (h.status = %(active)s OR (cand.won_counts AND h.status = %(won)s))) + 1 <= cand.max_held
                  AND (SELECT COALESCE(SUM(c.n), 0) FROM "{claims_t}" c WHERE c.rep_id = %(rep)s
                         AND c.bucket >= %(today)s) + 1 <= cand.max_claims
                  AND NOT (cand.cooldown_days > 0 AND EXISTS (
                         SELECT 1 FROM "{event_t}" e WHERE e.lead_id = cand.id AND e.from_owner_id = %(rep)s
                           AND e.reason = ANY(%(gave_up)s)
                           AND e.at > %(now)s - cand.cooldown_days * interval '86400 seconds'))
            ), upd AS (
                UPDATE "{lead_t}" l SET owner_id = %(rep)s, claimed_at = %(now)s, locked = false, updated_at = %(now)s
                FROM ok WHERE l.id = ok.id AND l.owner_id IS NULL AND l.status = %(active)s
                RETURNING {", ".join(f'l."{c}"' for c in lead_cols)}
            ), ev AS (
                INSERT INTO "{event_t}" (lead_id, from_owner_id, to_owner_id, actor_id, reason, note, at)
                SELECT upd.id, NULL, %(rep)s, %(actor)s, %(claim)s, %(note)s, %(now)s FROM upd
            )
            SELECT {", ".join(f'upd."{c}"' for c in lead_cols)}, {_columns(Pool, "p")}, {_columns(User, "rep")}
            FROM upd CROSS JOIN rep LEFT JOIN "{pool_t}" p ON p.id = upd.pool_id"""


_CLAIM_STMT = "leads_claim_one_v3"
_CLAIM_PARAM_TYPES = {
    "rep": "bigint", "actor": "bigint", "lead": "bigint", "all_roles": "text[]", "manager": "text",
    "via_next": "boolean", "d_max_held": "integer", "d_won_counts": "boolean",
    "d_max_claims": "integer", "d_cooldown": "integer", "active": "text", "won": "text",
    "claim": "text", "gave_up": "text[]", "today": "timestamptz", "now": "timestamptz", "note": "text",
}


def _execute_claim(cur, params: dict) -> None:
    """Lock the rep row, then EXECUTE the prepared claim statement (preparing it first on a connection
    that has not seen it). Sent together in one round trip; each statement still takes its own
    snapshot, so the claim statement sees everything committed before the lock was granted."""
    raw = connection.connection
    ref = getattr(connection, "_leads_claim_prepared", None)
    if ref is None or ref() is not raw:
        cur.execute(_CLAIM_SQL["prepare"])
        connection._leads_claim_prepared = weakref.ref(raw)
    cur.execute(f'{_CLAIM_SQL["lock"]}; {_CLAIM_SQL["execute"]}',
                [params["rep"], *(params[n] for n in _CLAIM_SQL["order"])])


def _claim_one_pg(*, actor: User, lead_id: int, via_next: bool, now: dt.datetime) -> Lead | None:
    """The common case — one lead, PostgreSQL — in one round trip. None when any rule refuses
    (or the rep is deactivated, the lead gone or taken); the caller then runs the full path,
    which says why."""
    _claim_one_sql()
    user_conv, lead_conv, pool_conv = _CLAIM_SQL["converters"]
    d = DEFAULT_RULES
    with transaction.atomic(), connection.cursor() as cur:
        _execute_claim(cur, {
            "rep": actor.pk, "actor": actor.pk, "lead": lead_id, "via_next": via_next,
            "all_roles": [Role.ADMIN.value, Role.INTEGRATION.value], "manager": Role.MANAGER.value,
            "d_max_held": d.max_held, "d_won_counts": d.won_counts_toward_max, "d_max_claims": d.max_claims_per_day,
            "d_cooldown": d.reclaim_cooldown_days,
            "active": LeadStatus.ACTIVE.value, "won": LeadStatus.WON.value, "claim": OwnershipReason.CLAIM.value,
            "gave_up": [r.value for r in _GAVE_UP], "today": local_midnight(local_day(now)), "now": now,
            "note": "next lead" if via_next else "",
        })
        row = cur.fetchone()
        events.publish("lead.claimed", [lead_id] if row else [], actor=actor)
    if row is None:
        return None
    n, m = len(Lead._meta.concrete_fields), len(Pool._meta.concrete_fields)
    lead = _from_row(Lead, row[:n], lead_conv)
    lead.pool = _from_row(Pool, row[n:n + m], pool_conv) if lead.pool_id is not None else None
    lead.owner = _from_row(User, row[n + m:], user_conv)
    return lead


def claim_leads(*, actor: User, lead_ids: list[int], via_next: bool = False, portable: bool = False) -> list[Lead]:
    """Claim public-pool leads into the rep's private pool (领取). All of the batch, or none.

    The rep row is locked so the hold and daily limits are exact; the leads are taken with a
    conditional UPDATE ... WHERE owner IS NULL, so exactly one concurrent claimant wins.
    `portable` skips the PostgreSQL fast path (tests run both paths and compare them)."""
    _require_holder(actor)
    ids = sorted({int(i) for i in lead_ids})
    if not ids:
        raise DomainError("Choose at least one lead to claim.")
    now = timezone.now()
    if len(ids) == 1 and connection.vendor == "postgresql" and not portable:
        lead = _claim_one_pg(actor=actor, lead_id=ids[0], via_next=via_next, now=now)
        if lead is not None:
            return [lead]
    with transaction.atomic():
        rep = User.objects.select_for_update().filter(pk=actor.pk).first()
        if rep is None or not rep.is_active:
            raise PermissionDenied("Your account is deactivated.")
        leads = list(Lead.objects.select_related("owner", "pool").filter(pk__in=ids).order_by("pk"))
        if len(leads) != len(ids):
            raise NotFound("Lead not found.")
        if not sees_everything(rep):
            # Pool membership first: a lead in a pool the rep is not in is not found, held or not.
            for pool in {lead.pool_id: lead.pool for lead in leads if lead.owner_id != rep.pk}.values():
                if not can_work_pool(rep, pool):
                    raise NotFound("Lead not found.")
                if not via_next and not can_browse_pool(rep, pool):
                    raise PermissionDenied("Browsing is switched off for this pool; press “Next lead” to be given one.")
        for lead in leads:
            if lead.owner_id == rep.pk:
                raise DomainError(f"You already hold “{lead.name}”.", code="already_yours")
            if lead.owner_id is not None:
                raise LeadAlreadyClaimed(
                    f"Lead “{lead.name}” was already claimed by {lead.owner.display_name}.",
                    lead_id=lead.pk, owner=lead.owner_id, owner_name=lead.owner.display_name,
                )
            if lead.status != LeadStatus.ACTIVE:
                raise DomainError(f"“{lead.name}” is {lead.get_status_display().lower()} and cannot be claimed.")
        pools = [rules_for(lead.pool) for lead in leads]
        _check_limits(rep, pools, len(ids))
        blocked = _cooldown_blocked(rep, leads, now)
        if blocked:
            lead, until = blocked[0]
            raise CooldownActive(f"You gave up “{lead.name}” recently; you may claim it again from {until}.")
        updated = Lead.objects.filter(pk__in=ids, owner__isnull=True, status=LeadStatus.ACTIVE).update(
            owner=rep, claimed_at=now, locked=False, updated_at=now
        )
        if updated != len(ids):
            # Lost the race: raising rolls back our part of the batch; say who won.
            message = _claimed_by_message(ids)
            raise LeadAlreadyClaimed(message)
        _events([(lid, None, rep.pk) for lid in ids], actor=actor, reason=OwnershipReason.CLAIM,
                note="next lead" if via_next else "")
        events.publish("lead.claimed", ids, actor=actor)
    for lead in leads:
        lead.owner, lead.owner_id, lead.claimed_at, lead.locked = rep, rep.pk, now, False
    return leads


def claim_lead(*, actor: User, lead_id: int) -> Lead:
    """Claim one public-pool lead; losers of a race get “already claimed by …”."""
    return claim_leads(actor=actor, lead_ids=[lead_id])[0]


def next_lead(*, actor: User, pool_id: int | None = None) -> Lead:
    """Give the rep the best available public-pool lead (highest grade, least recently called)
    instead of letting them browse and cherry-pick."""
    _require_holder(actor)
    now = timezone.now()
    with transaction.atomic():
        rep = User.objects.select_for_update().filter(pk=actor.pk).first()
        if rep is None or not rep.is_active:
            raise PermissionDenied("Your account is deactivated.")
        pools = accessible_pools(rep)
        if pool_id is not None:
            pools = pools.filter(pk=pool_id)
        order, exploring = hand_out_order()
        open_leads = Lead.objects.filter(owner__isnull=True, status=LeadStatus.ACTIVE, pool__in=pools)
        # Scored leads first, read down the score's index, then the unscored ones by the rules: the
        # order of one ORDER BY expected value DESC NULLS LAST, without sorting every open lead.
        # (Plain DESC: the column is never null there, and DESC NULLS LAST would not read the index.)
        parts = [open_leads.order_by(*order)] if exploring else [
            open_leads.filter(score__isnull=False).order_by(F("score__expected_value").desc(), *order[1:]),
            open_leads.filter(score__isnull=True).order_by(*order[1:])]
        chosen = None
        for qs in parts:
            offset = 0
            while chosen is None:
                batch = list(qs.select_for_update(skip_locked=True, of=("self",)).select_related("pool")[offset:offset + 50])
                if not batch:
                    break
                blocked = {lead.pk for lead, _ in _cooldown_blocked(rep, batch, now)}
                chosen = next((lead for lead in batch if lead.pk not in blocked), None)
                offset += 50
            if chosen is not None:
                break
        if chosen is None:
            raise NotFound("No lead is available in your public pools right now.")
        _check_limits(rep, [rules_for(chosen.pool)], 1)
        updated = Lead.objects.filter(pk=chosen.pk, owner__isnull=True).update(
            owner=rep, claimed_at=now, locked=False, updated_at=now
        )
        if not updated:  # pragma: no cover - the row lock makes this unreachable on PostgreSQL
            raise LeadAlreadyClaimed("Someone took that lead a moment ago; press “Next lead” again.")
        _events([(chosen.pk, None, rep.pk)], actor=actor, reason=OwnershipReason.CLAIM,
                note="next lead (exploring)" if exploring else "next lead")
        events.publish("lead.claimed", chosen, actor=actor)
    chosen.owner, chosen.owner_id, chosen.claimed_at = rep, rep.pk, now
    return chosen
