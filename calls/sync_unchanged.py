"""Re-sent dialer rows recognised in one statement (PostgreSQL), without reading each row in Python.

Every call the sync writes keeps `sync_digest`, a hash of the row as the dialer sent it. A row sent
again with the same digest is `unchanged` when its stored call still stands as the sync left it —
a database trigger clears the digest on any other write to the call (admin edit, data fix) — and
the checks the full path makes still pass for it: the lead is the one the row names and the actor
may see it, the disposition is active, the rep is active and one the actor may log for (a row
without rep_id: the lead's owner). Anything else (a new or changed row, a row naming its lead by
phone, a key sent twice in the batch) takes the full path in calls/sync.py."""

import hashlib
import json

from django.db import connection

from accounts.access import scope_by_user, visible_users
from calls.sync_rows import UNSTORABLE
from leads.models import Lead


def row_digest(raw: dict) -> str:
    """A hash of the row exactly as sent (keys sorted), stored with the call it wrote."""
    text = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _eligible(raw: dict) -> bool:
    source, external_id, lead_id, rep_id = raw.get("source"), raw.get("external_id"), raw.get("lead_id"), raw.get("rep_id")
    return (isinstance(source, str) and isinstance(external_id, str) and not UNSTORABLE.search(source + external_id)
            and type(lead_id) is int and 0 < lead_id < 2**63 and (rep_id is None or type(rep_id) is int and 0 < rep_id < 2**63))


def unchanged_rows(ctx, rows: list, digests: list) -> tuple[dict[int, int], set[int]]:
    """({row index: call id} of the rows that are re-sends of what is stored (see the module),
    {row index} of the rows whose key no call holds yet)."""
    keys: dict[tuple, list[int]] = {}
    for i, raw in enumerate(rows):
        if digests[i] is not None and _eligible(raw):
            keys.setdefault((raw["source"], raw["external_id"]), []).append(i)
    picked = [ix[0] for ix in keys.values() if len(ix) == 1]  # a key sent twice: the full path says so
    if not picked:
        return {}, set()
    scope_sql, scope_params = "true", []
    if not ctx.all_access:
        users, user_params = visible_users(ctx.actor).order_by().values("pk").query.sql_with_params()
        leads, lead_params = scope_by_user(Lead.objects.order_by(), ctx.actor, "owner").values("pk") \
            .query.sql_with_params()
        scope_sql = f"c.rep_id IN ({users}) AND c.lead_id IN ({leads})"
        scope_params = [*user_params, *lead_params]
    # Constant key lists: an index scan on (source, external_id) whatever the table's statistics say.
    sql = f"""
    SELECT c.source, c.external_id, c.id, c.sync_digest, c.lead_id, c.rep_id,
           d.active AND u.is_active AND ({scope_sql}) AND c.rep_id IS NOT DISTINCT FROM l.owner_id,
           d.active AND u.is_active AND ({scope_sql})
    FROM calls_call c
    JOIN calls_disposition d ON d.id = c.disposition_id
    JOIN leads_lead l ON l.id = c.lead_id
    JOIN accounts_user u ON u.id = c.rep_id
    WHERE c.source = ANY(%s::varchar[]) AND c.external_id = ANY(%s::varchar[]) AND c.external_id IS NOT NULL
    """
    with connection.cursor() as cur:
        cur.execute(sql, [*scope_params, *scope_params, sorted({rows[i]["source"] for i in picked}),
                          [rows[i]["external_id"] for i in picked]])
        stored = {(f[0], f[1]): f[2:] for f in cur.fetchall()}
    known, absent = {}, set()
    for i in picked:
        raw = rows[i]
        found = stored.get((raw["source"], raw["external_id"]))
        if found is None:
            absent.add(i)
            continue
        call_id, digest, lead_id, rep_id, ok_as_owner, ok = found
        rep_ok = ok_as_owner if raw.get("rep_id") is None else ok and rep_id == raw["rep_id"]
        if digest == digests[i] and lead_id == raw["lead_id"] and rep_ok:
            known[i] = call_id
    return known, absent
