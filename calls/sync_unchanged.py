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
    columns = ([rows[i]["source"] for i in picked], [rows[i]["external_id"] for i in picked],
               [digests[i] for i in picked], [rows[i]["lead_id"] for i in picked],
               [rows[i].get("rep_id") for i in picked], picked)
    scope_sql, scope_params = "", []
    if not ctx.all_access:
        users, user_params = visible_users(ctx.actor).order_by().values("pk").query.sql_with_params()
        leads, lead_params = scope_by_user(Lead.objects.order_by(), ctx.actor, "owner").values("pk") \
            .query.sql_with_params()
        scope_sql = f" AND c.rep_id IN ({users}) AND c.lead_id IN ({leads})"
        scope_params = [*user_params, *lead_params]
    sql = f"""
    SELECT s.n, c.id, COALESCE(c.sync_digest = s.digest AND c.lead_id = s.lead_id AND d.active AND u.is_active
      AND CASE WHEN s.rep_id IS NULL THEN c.rep_id = l.owner_id ELSE c.rep_id = s.rep_id END{scope_sql}, false)
    FROM UNNEST(%s::varchar[], %s::varchar[], %s::varchar[], %s::bigint[], %s::bigint[], %s::int[])
         AS s(source, external_id, digest, lead_id, rep_id, n)
    LEFT JOIN calls_call c ON c.source = s.source AND c.external_id = s.external_id AND c.external_id IS NOT NULL
    LEFT JOIN calls_disposition d ON d.id = c.disposition_id
    LEFT JOIN leads_lead l ON l.id = c.lead_id
    LEFT JOIN accounts_user u ON u.id = c.rep_id
    """
    with connection.cursor() as cur:
        cur.execute(sql, [*scope_params, *columns])
        found = cur.fetchall()
    return {n: call_id for n, call_id, same in found if same}, {n for n, call_id, _ in found if call_id is None}
