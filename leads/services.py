"""Writes on leads: create (防撞单), claim/release, reassign, lock, auto-return, distribution,
appeals, reveal, and the hand-over when staff leave (人员流失).

Every change of owner writes an OwnershipEvent in the same transaction. Races are decided by
the database: conditional UPDATE ... WHERE owner IS NULL, row locks taken users first, then
leads, each in primary-key order, so two services never deadlock."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import weakref
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.access import (
    can_browse_pool,
    can_edit_pool_rules,
    can_hold_leads,
    can_manage_pool,
    can_manage_user,
    can_work_pool,
    is_admin,
    is_rep,
    sees_everything,
    visible_users,
)
from accounts.models import Role, Team, User
from leads import domain
from leads.models import (
    GRADE_ORDER,
    Appeal,
    AppealStatus,
    DoNotCallNumber,
    Lead,
    LeadStatus,
    OwnershipEvent,
    OwnershipReason,
    PhoneReveal,
    Pool,
    PoolRuleChange,
)
from leads.phones import normalize_phone
from leads.selectors import accessible_pools, can_reveal, can_work_lead, lead_for, may_read
from leads.signals import handover_preview, leads_handed_over
from telesales.errors import Conflict, DomainError, NotFound, PermissionDenied, RateLimited

CHUNK = 2000
logger = logging.getLogger(__name__)


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


# ---- small helpers -------------------------------------------------------------------------
DEFAULT_RULES = Pool(name="(default rules)")


def rules_for(pool: Pool | None) -> Pool:
    """A pool carries its rules; leads without a pool follow the model defaults."""
    return pool if pool is not None else DEFAULT_RULES


def return_rules(pool: Pool | None) -> domain.ReturnRules:
    r = rules_for(pool)
    return domain.ReturnRules(
        return_days_by_grade={g: r.return_days_for(g) for g in GRADE_ORDER},
        no_progress_days=r.no_progress_days,
        fresh_claim_hours=r.fresh_claim_hours,
        exempt_won=r.exempt_won,
        exempt_open_quote=r.exempt_open_quote,
        warn_days=r.warn_days,
    )


def held_lead(lead: Lead) -> domain.HeldLead:
    return domain.HeldLead(
        grade=lead.grade, status=lead.status, claimed_at=lead.claimed_at,
        last_real_contact_at=lead.last_real_contact_at, last_contacted_at=lead.last_contacted_at,
        grade_changed_at=lead.grade_changed_at, locked=lead.locked, has_open_quote=lead.has_open_quote,
    )


def return_due_for(lead: Lead) -> tuple[dt.datetime | None, str]:
    """When this held lead returns to its pool, and which rule returns it."""
    if lead.owner_id is None:
        return None, ""
    return domain.return_due(held_lead(lead), return_rules(lead.pool))


def holder_text(lead: Lead) -> str:
    """“held by 王芳 since 2026-11-02” or “in the public pool”."""
    if lead.owner_id is None:
        return "in the public pool" + (f" “{lead.pool.name}”" if lead.pool_id else "")
    since = timezone.localtime(lead.claimed_at or lead.created_at).date().isoformat()
    return f"held by {lead.owner.display_name} since {since}"


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




def held_counts(rep_ids: list[int]) -> dict[int, dict[str, int]]:
    """{rep_id: {"active": n, "won": n}} in one query."""
    out: dict[int, dict[str, int]] = {r: {"active": 0, "won": 0} for r in rep_ids}
    rows = (
        Lead.objects.filter(owner_id__in=rep_ids, status__in=[LeadStatus.ACTIVE, LeadStatus.WON])
        .values("owner_id", "status").annotate(n=Count("id"))
    )
    for row in rows:
        out[row["owner_id"]][row["status"]] = row["n"]
    return out


def _room(counts: dict[str, int], pool: Pool) -> int:
    held = counts["active"] + (counts["won"] if pool.won_counts_toward_max else 0)
    return max(pool.max_held - held, 0)


def _start_of_today() -> dt.datetime:
    now = timezone.localtime()
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def claims_today(rep: User) -> int:
    return OwnershipEvent.objects.filter(
        to_owner=rep, reason=OwnershipReason.CLAIM, at__gte=_start_of_today()
    ).count()


# ---- do-not-call ---------------------------------------------------------------------------
def is_do_not_call(phone_e164: str) -> bool:
    return DoNotCallNumber.objects.filter(phone=phone_e164).exists()


def do_not_call_numbers(phones: Iterable[str]) -> set[str]:
    """The subset of `phones` (E.164) on the company do-not-call list, in one query."""
    return set(DoNotCallNumber.objects.filter(phone__in=[p for p in phones if p]).values_list("phone", flat=True))


@transaction.atomic
def add_do_not_call(*, actor: User, phone: str, reason: str = "") -> DoNotCallNumber:
    """Put a number on the company-wide do-not-call list; a lead with it becomes do-not-call."""
    e164 = normalize_phone(phone)
    entry, _ = DoNotCallNumber.objects.get_or_create(phone=e164, defaults={"reason": reason[:200], "added_by": actor})
    Lead.objects.filter(phone=e164).exclude(status=LeadStatus.DNC).update(status=LeadStatus.DNC, updated_at=timezone.now())
    return entry


# ---- create / update -----------------------------------------------------------------------
def create_lead(
    *,
    actor: User,
    name: str,
    phone: str,
    phone2: str = "",
    company: str = "",
    region: str = "",
    source: str = "",
    tags: list | None = None,
    product_interest: str = "",
    grade: str = "E",
    pool_id: int | None = None,
    owner_id: int | None = None,
    to_public_pool: bool = False,
) -> Lead:
    """Create one lead; refuse an existing number (naming who holds it) or a do-not-call number.

    A rep's new lead goes into their own private pool unless `to_public_pool`; managers and
    admins may give it to a rep they manage or leave it in a public pool."""
    e164 = normalize_phone(phone)
    e164_2 = normalize_phone(phone2) if (phone2 or "").strip() else ""
    if not (name or "").strip():
        raise DomainError("A lead needs a name.")
    if grade not in GRADE_ORDER:
        raise DomainError(f"Unknown grade “{grade}”; use one of E, D, C, B, A.")
    if is_do_not_call(e164):
        raise DoNotCall(f"{e164} is on the company do-not-call list.")
    pool = None
    if pool_id is not None:
        pool = Pool.objects.filter(pk=pool_id).first()
        if pool is None or not can_work_pool(actor, pool):
            raise NotFound("Pool not found.")
    if owner_id is not None and owner_id != actor.pk:
        target = User.objects.filter(pk=owner_id).first()
        if target is None or not can_manage_user(actor, target):
            raise PermissionDenied("You can only give new leads to reps you manage.")
        if not target.is_active:
            raise DomainError(f"{target.display_name} is deactivated.")
        owner = target
    elif to_public_pool:
        owner = None
    else:
        owner = actor if (owner_id == actor.pk or is_rep(actor)) else None
    if owner is None and pool is None and not sees_everything(actor):
        raise DomainError("Choose the public pool to put a lead nobody holds in.")
    now = timezone.now()
    try:
        with transaction.atomic():
            # The hold limit first: a rep who may not add a lead learns nothing about the number.
            if owner is not None:
                owner = User.objects.select_for_update().get(pk=owner.pk)
                rules = rules_for(pool)
                counts = held_counts([owner.pk])[owner.pk]
                if _room(counts, rules) <= 0:
                    raise LimitReached(
                        f"{owner.display_name} already holds {rules.max_held} leads, the most allowed; "
                        "release some or put this one in the public pool."
                    )
            existing = Lead.objects.select_related("owner", "pool").filter(phone=e164).first()
            if existing is not None:
                raise collision_error(existing, actor=actor)
            lead = Lead.objects.create(
                name=name.strip()[:100], phone=e164, phone2=e164_2, company=company[:200], region=region[:100],
                source=source[:100], tags=list(tags or []), product_interest=product_interest[:200], grade=grade,
                owner=owner, pool=pool, claimed_at=now if owner else None, created_by=actor,
            )
            _events([(lead.pk, None, owner.pk if owner else None)], actor=actor, reason=OwnershipReason.CREATE)
    except IntegrityError:
        # Someone created the same number between our check and our insert.
        existing = Lead.objects.select_related("owner", "pool").filter(phone=e164).first()
        if existing is not None:
            raise collision_error(existing, actor=actor) from None
        raise
    return lead


EDITABLE = {"name", "phone2", "company", "region", "source", "tags", "product_interest", "next_follow_up_at"}


@transaction.atomic
def update_lead(*, actor: User, lead_id: int, **fields) -> Lead:
    """Edit a lead's data (not its owner: that has its own services)."""
    lead = _lock_lead(lead_id)
    if not can_work_lead(actor, lead):
        raise PermissionDenied("Only the lead's owner, their manager or an admin can edit it.")
    changed = []
    if "phone" in fields and fields["phone"] is not None:
        e164 = normalize_phone(fields.pop("phone"))
        if e164 != lead.phone:
            other = Lead.objects.select_related("owner", "pool").filter(phone=e164).exclude(pk=lead.pk).first()
            if other is not None:
                raise collision_error(other, actor=actor)
            if is_do_not_call(e164):
                raise DoNotCall(f"{e164} is on the company do-not-call list.")
            lead.phone = e164
            changed.append("phone")
    fields.pop("phone", None)
    if "phone2" in fields:
        fields["phone2"] = normalize_phone(fields["phone2"]) if (fields["phone2"] or "").strip() else ""
    for key, value in fields.items():
        if key not in EDITABLE:
            raise DomainError(f"“{key}” cannot be edited here.")
        if key == "name" and not (value or "").strip():
            raise DomainError("A lead needs a name.")
        setattr(lead, key, value if value is not None else ("" if key != "next_follow_up_at" else None))
        changed.append(key)
    if changed:
        lead.save(update_fields=[*changed, "updated_at"])
    return lead


# ---- claim / release -----------------------------------------------------------------------
def _require_holder(actor: User) -> None:
    if not can_hold_leads(actor):
        raise PermissionDenied("An integration account cannot claim, release, lock or appeal for leads.")


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
        user_t, lead_t, pool_t, event_t = (m._meta.db_table for m in (User, Lead, Pool, OwnershipEvent))
        m2m = {name: Pool._meta.get_field(name) for name in ("member_teams", "member_users", "admins")}
        mt, mu, pa = (m2m[n].remote_field.through._meta.db_table for n in ("member_teams", "member_users", "admins"))
        mt_pool, mt_team = m2m["member_teams"].m2m_column_name(), m2m["member_teams"].m2m_reverse_name()
        mu_pool, mu_user = m2m["member_users"].m2m_column_name(), m2m["member_users"].m2m_reverse_name()
        pa_pool, pa_user = m2m["admins"].m2m_column_name(), m2m["admins"].m2m_reverse_name()
        tm_field = Team._meta.get_field("managers")
        tm, tm_team, tm_user = (tm_field.remote_field.through._meta.db_table, tm_field.m2m_column_name(),
                                tm_field.m2m_reverse_name())
        lead_cols = [f.column for f in Lead._meta.concrete_fields]
        _CLAIM_SQL["lock"] = f'SELECT 1 FROM "{user_t}" u WHERE u.id = %s FOR UPDATE'
        # Mirrors accounts.access.scope_pools(): open to all, a member or admin, or one of the rep's teams.
        access = f"""(
              (p.team_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM "{mt}" x WHERE x."{mt_pool}" = p.id)
               AND NOT EXISTS (SELECT 1 FROM "{mu}" x WHERE x."{mu_pool}" = p.id))
              OR EXISTS (SELECT 1 FROM "{mu}" x WHERE x."{mu_pool}" = p.id AND x."{mu_user}" = %(rep)s)
              OR EXISTS (SELECT 1 FROM "{pa}" x WHERE x."{pa_pool}" = p.id AND x."{pa_user}" = %(rep)s)
              OR p.team_id IN (SELECT team_id FROM teams)
              OR EXISTS (SELECT 1 FROM "{mt}" x WHERE x."{mt_pool}" = p.id
                         AND x."{mt_team}" IN (SELECT team_id FROM teams)))"""
        _CLAIM_SQL["claim"] = f"""
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
                WHERE (SELECT count(*) FROM "{lead_t}" h WHERE h.owner_id = %(rep)s AND h.status = %(active)s)
                      + CASE WHEN cand.won_counts THEN (SELECT count(*) FROM "{lead_t}" h
                                                        WHERE h.owner_id = %(rep)s AND h.status = %(won)s)
                             ELSE 0 END + 1 <= cand.max_held
                  AND (SELECT count(*) FROM "{event_t}" e WHERE e.to_owner_id = %(rep)s AND e.reason = %(claim)s
                         AND e.at >= %(today)s) + 1 <= cand.max_claims
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


_CLAIM_STMT = "leads_claim_one_v2"
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
            "gave_up": [r.value for r in _GAVE_UP], "today": _start_of_today(), "now": now,
            "note": "next lead" if via_next else "",
        })
        row = cur.fetchone()
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
        qs = Lead.objects.filter(owner__isnull=True, status=LeadStatus.ACTIVE, pool__in=pools)
        qs = qs.order_by("grade", F("last_contacted_at").asc(nulls_first=True), "pk")
        chosen = None
        offset = 0
        while chosen is None:
            batch = list(qs.select_for_update(skip_locked=True, of=("self",)).select_related("pool")[offset:offset + 50])
            if not batch:
                raise NotFound("No lead is available in your public pools right now.")
            blocked = {lead.pk for lead, _ in _cooldown_blocked(rep, batch, now)}
            chosen = next((lead for lead in batch if lead.pk not in blocked), None)
            offset += 50
        _check_limits(rep, [rules_for(chosen.pool)], 1)
        updated = Lead.objects.filter(pk=chosen.pk, owner__isnull=True).update(
            owner=rep, claimed_at=now, locked=False, updated_at=now
        )
        if not updated:  # pragma: no cover - the row lock makes this unreachable on PostgreSQL
            raise LeadAlreadyClaimed("Someone took that lead a moment ago; press “Next lead” again.")
        _events([(chosen.pk, None, rep.pk)], actor=actor, reason=OwnershipReason.CLAIM, note="next lead")
    chosen.owner, chosen.owner_id, chosen.claimed_at = rep, rep.pk, now
    return chosen


def _lock_lead(lead_id: int) -> Lead:
    """Lock one lead row. Its owner and pool are read lazily, after the lock is granted: rows
    joined into the locking query would be the ones seen before a wait (PostgreSQL re-reads only
    the locked row), so a lock that waited would act on an owner who no longer holds the lead."""
    lead = Lead.objects.select_for_update(of=("self",)).filter(pk=lead_id).first()
    if lead is None:
        raise NotFound("Lead not found.")
    return lead


@transaction.atomic
def release_lead(*, actor: User, lead_id: int, reason: str) -> Lead:
    """Return a held lead to its public pool, with the reason (放弃/退回公海)."""
    _require_holder(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why you release the lead.")
    lead = _lock_lead(lead_id)
    if lead.owner_id is None:
        raise DomainError("The lead is already in the public pool.", code="not_held")
    if not (lead.owner_id == actor.pk or can_work_lead(actor, lead)):
        raise PermissionDenied("Only the lead's owner, their manager or an admin can release it.")
    previous = lead.owner_id
    now = timezone.now()
    Lead.objects.filter(pk=lead.pk).update(owner=None, claimed_at=None, locked=False, updated_at=now)
    _events([(lead.pk, previous, None)], actor=actor, reason=OwnershipReason.RELEASE, note=reason)
    lead.owner, lead.owner_id, lead.claimed_at, lead.locked = None, None, None, False
    return lead


def reassign_lead(*, actor: User, lead_id: int, to_user_id: int, note: str = "") -> Lead:
    """A manager or admin gives a lead to another rep (from a rep, or out of the public pool)."""
    with transaction.atomic():
        target = User.objects.select_for_update().filter(pk=to_user_id).first()
        if target is None:
            raise NotFound("User not found.")
        if not target.is_active:
            raise DomainError(f"{target.display_name} is deactivated; choose an active rep.")
        if not can_manage_user(actor, target):
            raise PermissionDenied("You can only reassign leads to reps you manage.")
        lead = _lock_lead(lead_id)
        if not may_read(actor, lead):
            raise NotFound("Lead not found.")
        if lead.owner_id is None and not (is_admin(actor) or can_manage_pool(actor, lead.pool)):
            raise PermissionDenied("You can only hand out leads of pools you manage.")
        if lead.owner_id == target.pk:
            return lead
        previous = lead.owner_id
        now = timezone.now()
        Lead.objects.filter(pk=lead.pk).update(owner=target, claimed_at=now, locked=False, updated_at=now)
        _events([(lead.pk, previous, target.pk)], actor=actor, reason=OwnershipReason.REASSIGN, note=note)
    lead.owner, lead.owner_id, lead.claimed_at, lead.locked = target, target.pk, now, False
    return lead


def set_locked(*, actor: User, lead_id: int, locked: bool) -> Lead:
    """Lock a key customer against auto-return (at most `max_locked` per rep), or unlock it."""
    _require_holder(actor)
    with transaction.atomic():
        lead0 = Lead.objects.filter(pk=lead_id).values("owner_id").first()
        if lead0 is None:
            raise NotFound("Lead not found.")
        if lead0["owner_id"] is not None:
            User.objects.select_for_update().filter(pk=lead0["owner_id"]).first()
        lead = _lock_lead(lead_id)
        if lead.owner_id != lead0["owner_id"]:
            # The owner whose lock count we serialized on is no longer the holder.
            raise Conflict("The lead changed hands a moment ago; reload it and try again.")
        if lead.owner_id is None:
            raise DomainError("Only a held lead can be locked.", code="not_held")
        if not can_work_lead(actor, lead):
            raise PermissionDenied("Only the lead's owner, their manager or an admin can lock it.")
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
def _neglect_q(rules: Pool, now: dt.datetime) -> Q:
    """The SQL twin of domain.return_due: held leads some return rule has caught."""
    q = Q(pk__in=[])
    for grade in GRADE_ORDER:
        days = rules.return_days_for(grade)
        if days:
            cut = now - dt.timedelta(days=days)
            q |= Q(grade=grade, claimed_at__lte=cut) & (
                Q(last_real_contact_at__isnull=True) | Q(last_real_contact_at__lte=cut)
            )
    if rules.no_progress_days:
        cut = now - dt.timedelta(days=rules.no_progress_days)
        q |= Q(claimed_at__lte=cut) & (Q(grade_changed_at__isnull=True) | Q(grade_changed_at__lte=cut))
    if rules.fresh_claim_hours:
        cut = now - dt.timedelta(hours=rules.fresh_claim_hours)
        q |= Q(claimed_at__lte=cut) & (Q(last_contacted_at__isnull=True) | Q(last_contacted_at__lt=F("claimed_at")))
    return q


def neglected_leads(now: dt.datetime | None = None) -> QuerySet[Lead]:
    """Held leads due to return now, over all pools."""
    now = now or timezone.now()
    cond = Q(pk__in=[])
    for pool in [*Pool.objects.all(), None]:
        rules = rules_for(pool)
        statuses = [LeadStatus.ACTIVE] + ([] if rules.exempt_won else [LeadStatus.WON])
        part = Q(pool=pool) if pool is not None else Q(pool__isnull=True)
        part &= Q(status__in=statuses)
        if rules.exempt_open_quote:
            part &= Q(has_open_quote=False)
        cond |= part & _neglect_q(rules, now)
    return Lead.objects.filter(owner__isnull=False, locked=False, claimed_at__isnull=False).filter(cond)


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


# ---- distribution --------------------------------------------------------------------------
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
        raise DomainError(f"Unknown mode “{mode}”; use one of {', '.join(DISTRIBUTION_MODES)}.")
    if mode == "by_region" and not region:
        raise DomainError("Distribution by region needs a region.")
    pool = Pool.objects.filter(pk=pool_id).first()
    if pool is None or not can_work_pool(actor, pool):
        raise NotFound("Pool not found.")
    if not can_manage_pool(actor, pool):
        raise PermissionDenied("Only admins, the pool's admins and its teams' managers can distribute leads.")
    if any(not can_manage_user(actor, rep) for rep in User.objects.filter(pk__in=rep_ids)):
        raise PermissionDenied("You can only distribute leads to reps you manage.")
    now = timezone.now()
    with transaction.atomic():
        reps = list(
            User.objects.select_for_update().filter(
                pk__in=rep_ids, is_active=True, accepts_distribution=True, role=Role.REP
            ).order_by("pk")
        )
        if not reps:
            raise DomainError("None of the chosen reps is active and accepting distribution.")
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
    return {r.pk: len(by_rep.get(r.pk, [])) for r in reps}


# ---- pool rules ----------------------------------------------------------------------------
POOL_RULES = (
    "max_held", "won_counts_toward_max", "max_claims_per_day", "reclaim_cooldown_days", "max_locked",
    "return_days_by_grade", "real_contact_min_seconds", "no_progress_days", "fresh_claim_hours",
    "exempt_won", "exempt_open_quote", "warn_days", "browsing_enabled",
)
MAX_RETURN_DAYS = 3650


def _return_days(pool: Pool, value) -> dict[str, int]:
    """The pool's days per grade with `value` ({grade: days}, some or all grades) applied."""
    if not isinstance(value, dict) or set(value) - set(GRADE_ORDER):
        raise DomainError("Give return days per grade (E, D, C, B, A), e.g. {\"E\": 7, \"A\": 30}.")
    for grade, days in value.items():
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_RETURN_DAYS:
            raise DomainError(f"Return days for grade {grade} must be a whole number from 0 to {MAX_RETURN_DAYS}.")
    return {g: value.get(g, pool.return_days_for(g)) for g in GRADE_ORDER}


@transaction.atomic
def update_pool_rules(*, actor: User, pool_id: int, **changes) -> Pool:
    """Change a pool's rules (admins and the pool's own admins); the change is audited with the
    rules before and after, in the same transaction."""
    pool = Pool.objects.select_for_update().filter(pk=pool_id).first()
    if pool is None:
        raise NotFound("Pool not found.")
    if not can_edit_pool_rules(actor, pool):
        raise PermissionDenied("Only admins and the pool's admins can change its rules.")
    unknown = sorted(set(changes) - set(POOL_RULES))
    if unknown:
        raise DomainError(f"“{unknown[0]}” is not a pool rule.")
    if "return_days_by_grade" in changes:
        changes["return_days_by_grade"] = _return_days(pool, changes["return_days_by_grade"])
    before, after = {}, {}
    for rule, value in changes.items():
        if getattr(pool, rule) != value:
            before[rule], after[rule] = getattr(pool, rule), value
            setattr(pool, rule, value)
    if after:
        pool.save(update_fields=list(after))
        PoolRuleChange.objects.create(pool=pool, actor=actor, before=before, after=after)
    return pool


# ---- appeals -------------------------------------------------------------------------------
@transaction.atomic
def create_appeal(*, actor: User, lead_id: int, reason: str) -> Appeal:
    """The rep who found a customer held by someone else asks a manager to transfer it."""
    _require_holder(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Explain why the customer should be yours.")
    lead = Lead.objects.select_related("owner").filter(pk=lead_id).first()
    if lead is None:
        raise NotFound("Lead not found.")
    if lead.owner_id == actor.pk:
        raise DomainError("You already hold this lead.", code="already_yours")
    if lead.owner_id is None:
        raise DomainError("The lead is in the public pool; claim it instead.", code="not_held")
    if Appeal.objects.filter(lead=lead, requested_by=actor, status=AppealStatus.PENDING).exists():
        raise Conflict("You already have a pending appeal for this lead.")
    try:
        with transaction.atomic():
            return Appeal.objects.create(lead=lead, requested_by=actor, holder_at_request=lead.owner, reason=reason[:500])
    except IntegrityError:
        raise Conflict("You already have a pending appeal for this lead.") from None


def can_decide_appeal(actor: User, appeal: Appeal) -> bool:
    """Admins, and managers of the requester or of the current holder."""
    return can_manage_user(actor, appeal.requested_by) or (
        appeal.lead.owner is not None and can_manage_user(actor, appeal.lead.owner)
    )


def decide_appeal(*, actor: User, appeal_id: int, approve: bool, note: str = "") -> Appeal:
    """A manager approves (the lead moves to the requester, audited) or rejects an appeal."""
    with transaction.atomic():
        requester_id = Appeal.objects.filter(pk=appeal_id).values_list("requested_by_id", flat=True).first()
        if requester_id is None:
            raise NotFound("Appeal not found.")
        # Users first, then the appeal and its lead; who may decide is judged on the rows as they
        # are once locked (the lead may have changed hands while we waited).
        requester = User.objects.select_for_update().get(pk=requester_id)
        appeal = Appeal.objects.select_for_update().get(pk=appeal_id)
        appeal.requested_by = requester
        if approve:
            appeal.lead = _lock_lead(appeal.lead_id)
        if not can_decide_appeal(actor, appeal):
            raise PermissionDenied("Only a manager of the reps involved or an admin can decide an appeal.")
        if appeal.status != AppealStatus.PENDING:
            raise Conflict(f"This appeal was already {appeal.get_status_display().lower()}.")
        now = timezone.now()
        if approve:
            if not requester.is_active:
                raise DomainError(f"{requester.display_name} is deactivated.")
            lead = appeal.lead
            previous = lead.owner_id
            if previous != requester.pk:
                Lead.objects.filter(pk=lead.pk).update(owner=requester, claimed_at=now, locked=False, updated_at=now)
                _events([(lead.pk, previous, requester.pk)], actor=actor, reason=OwnershipReason.APPEAL,
                        note=f"appeal #{appeal.pk}: {note or appeal.reason}")
        appeal.status = AppealStatus.APPROVED if approve else AppealStatus.REJECTED
        appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, now, (note or "")[:500]
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return appeal


# ---- masking & reveal ----------------------------------------------------------------------
def reveal_phone(*, actor: User, lead_id: int, reason: str = "") -> str:
    """A manager or admin sees a full number of a lead they manage or may work; the look is audited."""
    lead = lead_for(actor=actor, lead_id=lead_id)
    if not can_reveal(actor, lead):
        raise PermissionDenied("Only admins, and managers for their teams' leads and pools, can reveal phone numbers.")
    PhoneReveal.objects.create(lead=lead, actor=actor, reason=(reason or "")[:200])
    return lead.phone


# ---- staff leave ---------------------------------------------------------------------------
HANDOVER_MODES = ("user", "team", "pool")


def _require_deactivator(actor: User, user_id: int) -> None:
    """Only admins deactivate users; a user the actor cannot see is not found."""
    if not visible_users(actor).filter(pk=user_id).exists():
        raise NotFound("User not found.")
    if not is_admin(actor):
        raise PermissionDenied("Only admins can deactivate users.")


def handover_preview_for(*, actor: User, user_id: int) -> dict:
    """What deactivating `user` would hand over: leads by status, and counts other apps add."""
    _require_deactivator(actor, user_id)
    user = User.objects.get(pk=user_id)
    by_status = dict(
        Lead.objects.filter(owner=user).values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    preview = {
        "user": user.pk,
        "display_name": user.display_name,
        "is_active": user.is_active,
        "leads": sum(by_status.values()),
        "active_leads": by_status.get(LeadStatus.ACTIVE, 0),
        "won_leads": by_status.get(LeadStatus.WON, 0),
        "locked_leads": Lead.objects.filter(owner=user, locked=True).count(),
        "open_follow_ups": 0,
    }
    for _receiver, extra in handover_preview.send(sender=User, user=user):
        if isinstance(extra, dict):
            preview.update(extra)
    return preview


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
        raise DomainError(f"Unknown hand-over mode “{mode}”; use user, team or pool.")
    now = timezone.now()
    leads = list(
        Lead.objects.select_for_update(of=("self",)).filter(owner=from_user).order_by("pk")
        .values_list("pk", "pool_id")
    )
    plan: dict[int, int | None] = {}
    if mode == "user":
        target = next((u for u in (_locked_targets or []) if u.pk == to_user_id), None) or \
            User.objects.filter(pk=to_user_id).first()
        if target is None:
            raise NotFound("The rep to hand over to was not found.")
        if not target.is_active or target.pk == from_user.pk:
            raise DomainError("Hand over to an active rep other than the one leaving.")
        plan = {lid: target.pk for lid, _ in leads}
    elif mode == "team":
        if team_id is None or not Team.objects.filter(pk=team_id).exists():
            raise NotFound("Team not found.")
        reps = _team_reps(team_id, from_user.pk)
        if not reps:
            raise DomainError("The team has no active rep to hand over to.")
        counts = held_counts([r.pk for r in reps])
        pools = {p.pk: p for p in Pool.objects.filter(pk__in={pid for _, pid in leads if pid})}
        # Capacity per rep under each pool's limit; hand out pool by pool, continuing the turn.
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
    else:
        plan = dict.fromkeys((lid for lid, _ in leads), None)
    by_target: dict[int | None, list[int]] = defaultdict(list)
    for lid, rid in plan.items():
        by_target[rid].append(lid)
    note = f"{from_user.display_name} left ({mode})"
    if connection.vendor == "postgresql" and plan and not portable:
        _hand_over_pg(plan, from_user=from_user, actor=actor, note=note, now=now)
    else:
        for rid, lids in by_target.items():
            for part in _chunks(lids, 5000):
                if rid is None:
                    Lead.objects.filter(pk__in=part).update(owner=None, claimed_at=None, locked=False, updated_at=now)
                else:
                    Lead.objects.filter(pk__in=part).update(owner_id=rid, claimed_at=now, locked=False, updated_at=now)
        _events([(lid, from_user.pk, rid) for lid, rid in plan.items()], actor=actor,
                reason=OwnershipReason.HANDOVER, note=note)
    leads_handed_over.send(sender=User, from_user=from_user, assignments=plan)
    return {
        "handed_over": len(plan),
        "to_public_pool": len(by_target.get(None, [])),
        "per_rep": {rid: len(lids) for rid, lids in by_target.items() if rid is not None},
    }


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
    _require_deactivator(actor, user_id)
    if user_id == actor.pk:
        raise DomainError("You cannot deactivate yourself.")
    if mode not in HANDOVER_MODES:
        raise DomainError(f"Unknown hand-over mode “{mode}”; use user, team or pool.")
    if mode == "user" and to_user_id is None:
        raise DomainError("Choose the rep who takes the leads over.")
    if mode == "team" and team_id is None:
        raise DomainError("Choose the team that takes the leads over.")
    from accounts.services import revoke_access

    with transaction.atomic():
        lock_ids = sorted({user_id, *([to_user_id] if mode == "user" and to_user_id else [])})
        if mode == "team":
            lock_ids = sorted({*lock_ids, *User.objects.filter(team_id=team_id).values_list("pk", flat=True)})
        locked = list(User.objects.select_for_update().filter(pk__in=lock_ids).order_by("pk"))
        user = next((u for u in locked if u.pk == user_id), None)
        if user is None:
            raise NotFound("User not found.")
        revoke_access(user=user)
        summary = hand_over_leads(actor=actor, from_user=user, mode=mode, to_user_id=to_user_id, team_id=team_id,
                                  _locked_targets=locked)
    summary["user"] = user_id
    return summary
