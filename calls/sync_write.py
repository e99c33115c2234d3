"""The dialer sync's write: one statement per chunk on PostgreSQL.

`upsert` sends the chunk's rows as one array per column (UNNEST) into `INSERT … ON CONFLICT
DO UPDATE … WHERE <something differs>` and, in the same statement (data-modifying CTEs), applies
what the written calls change elsewhere: the follow-ups a reach completes, the new calls folded
into their leads' call facts (calls.lead_facts, the same fold as _ADD_SQL but reading the calls
from the INSERT's RETURNING), and the (rep, local day) marks for the KPI job. Every part reads
only the chunk's rows and their leads, so a chunk costs O(rows in the chunk) whatever the history.

The sub-statements of one statement see the same snapshot, not each other's writes: the fold
counts the batch's own calls from the RETURNING rows, and the next follow-up leaves out the
follow-ups the same statement completes. Edited calls (an update through the conflict) are left
to the caller, which recomputes their leads' facts from all calls afterwards (a full refresh
overrides the fold). The portable statement (SQLite, or `portable`) writes the calls alone; the
caller then applies the consequences with the ORM."""

import functools
import hashlib
import re
import weakref

from django.conf import settings
from django.db import connection
from django.utils import timezone

from calls.lead_facts import REAL_CONTACT_SECONDS

COMPARED = ["lead_id", "rep_id", "channel", "started_at", "duration_seconds", "disposition_id", "premium",
            "margin_rate", "quote_amount", "notes", "recording_url"]
COLUMNS = [*COMPARED, "source", "external_id", "created_at", "updated_at", "sync_digest"]
_TYPES = ["bigint", "bigint", "varchar", "timestamptz", "integer", "bigint", "numeric", "numeric", "numeric",
          "text", "varchar", "varchar", "varchar", "timestamptz", "timestamptz", "varchar"]

# After `ins` (the upsert's RETURNING): w, the written calls with their disposition's flags; fu,
# the follow-ups a reach completes (open ones created before it); n and a, the fold of the
# inserted calls per lead; facts, the leads' update; days, the KPI job's marks.
_CONSEQUENCES = f"""
, w AS (
  SELECT ins.*, d.reached, d.quoted, d.sold, d.refused FROM ins JOIN calls_disposition d ON d.id = ins.disposition_id
), fu AS (
  UPDATE calls_followup f SET done_at = %(now)s
  FROM (SELECT lead_id, MAX(started_at) AS reach FROM w WHERE reached GROUP BY lead_id) r
  WHERE f.lead_id = r.lead_id AND f.done_at IS NULL AND f.created_at < r.reach
  RETURNING f.id, f.lead_id
), n AS (
  SELECT w.lead_id, w.started_at, w.channel = 'phone' AND NOT w.reached AS unanswered, w.reached,
         w.quoted OR w.sold OR w.refused AS quote_event, w.quoted AND NOT w.sold AND NOT w.refused AS open_quote,
         w.reached OR w.duration_seconds >= COALESCE(p.real_contact_min_seconds, {REAL_CONTACT_SECONDS}) AS real,
         GREATEST(l.last_reached_at, MAX(w.started_at) FILTER (WHERE w.reached) OVER (PARTITION BY w.lead_id)) AS reach
  FROM w JOIN leads_lead l ON l.id = w.lead_id LEFT JOIN leads_pool p ON p.id = l.pool_id
  WHERE w.inserted AND l.id = ANY(%(leads)s)
), a AS (
  SELECT lead_id, MAX(started_at) AS last_contact, MAX(started_at) FILTER (WHERE real) AS last_real,
         MAX(reach) AS reach,
         COUNT(*) FILTER (WHERE unanswered AND (reach IS NULL OR started_at > reach)) AS added_unanswered,
         MAX(started_at) FILTER (WHERE quote_event) AS last_event,
         MAX(started_at) FILTER (WHERE open_quote) AS last_quote
  FROM n GROUP BY lead_id
), facts AS (
  UPDATE leads_lead l SET
    last_contacted_at = GREATEST(l.last_contacted_at, a.last_contact),
    last_real_contact_at = GREATEST(l.last_real_contact_at, a.last_real),
    last_reached_at = a.reach,
    unanswered_attempts = CASE
      WHEN a.reach IS NOT DISTINCT FROM l.last_reached_at THEN l.unanswered_attempts + a.added_unanswered
      ELSE (SELECT COUNT(*) FROM calls_call c JOIN calls_disposition d ON d.id = c.disposition_id
            WHERE c.lead_id = l.id AND c.started_at > a.reach AND c.channel = 'phone' AND NOT d.reached)
           + a.added_unanswered END,
    last_quote_event_at = GREATEST(l.last_quote_event_at, a.last_event),
    has_open_quote = CASE
      WHEN a.last_event IS NULL OR a.last_event < l.last_quote_event_at THEN l.has_open_quote
      WHEN a.last_event = l.last_quote_event_at THEN l.has_open_quote OR a.last_quote IS NOT DISTINCT FROM a.last_event
      ELSE a.last_quote IS NOT DISTINCT FROM a.last_event END,
    next_follow_up_at = (SELECT MIN(f.due_at) FROM calls_followup f WHERE f.lead_id = l.id AND f.done_at IS NULL
                         AND f.id NOT IN (SELECT fu.id FROM fu WHERE fu.lead_id = l.id))
  FROM a WHERE l.id = a.lead_id AND l.id = ANY(%(leads)s)
  RETURNING l.id
), days AS (
  INSERT INTO calls_dirtyrepday (rep_id, day, marked_at)
  SELECT rep_id, day, %(now)s FROM (SELECT DISTINCT rep_id, (started_at AT TIME ZONE %(tz)s)::date AS day FROM ins) x
  ORDER BY rep_id, day
  ON CONFLICT (rep_id, day) DO UPDATE SET marked_at = EXCLUDED.marked_at
  RETURNING 1
)"""
# In the fold above, a lead whose last reach moves back (a late reach) recounts its unanswered
# phone attempts after the new reach: the stored calls (the snapshot holds none of this chunk's)
# plus this chunk's own (`added_unanswered` already counts those after the new reach).


def _values(rows, now) -> list:
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    out = []
    for r in rows:
        v = r.values
        out.append([
            v["lead_id"], v["rep_id"], v["channel"], ops.adapt_datetimefield_value(v["started_at"]),
            v["duration_seconds"], v["disposition_id"],
            ops.adapt_decimalfield_value(v["premium"], 14, 2), ops.adapt_decimalfield_value(v["margin_rate"], 6, 4),
            ops.adapt_decimalfield_value(v["quote_amount"], 14, 2), v["notes"], v["recording_url"],
            r.source, r.external_id, stamp, stamp, r.digest,
        ])
    return out


def upsert(rows: list, guard: tuple[str, list], *, portable: bool = False) -> tuple[dict, bool]:
    """Write the chunk's rows; ({(source, external_id): (id, inserted?)}, consequences applied?).

    inserted? is None from the portable statement (the caller then goes by what it read), which
    also leaves every consequence to the caller. A conflicting call is updated only when
    something differs and `guard` (SQL, params with %s) holds."""
    now = timezone.now()
    pg = connection.vendor == "postgresql" and not portable
    values = _values(rows, now)
    guard_sql, guard_params = guard
    if not pg:
        differs = " OR ".join(f"calls_call.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in COMPARED)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*COMPARED, "updated_at", "sync_digest"])
        conflict = (f"ON CONFLICT (source, external_id) WHERE external_id IS NOT NULL "
                    f"DO UPDATE SET {updates} WHERE ({differs}){guard_sql}")
        row_sql = "(" + ",".join(["%s"] * len(COLUMNS)) + ")"
        sql = (f"INSERT INTO calls_call ({', '.join(COLUMNS)}) VALUES {', '.join([row_sql] * len(rows))} "
               f"{conflict} RETURNING id, source, external_id")
        with connection.cursor() as cur:
            cur.execute(sql, [*(x for v in values for x in v), *guard_params])
            return {(f[1], f[2]): (f[0], None) for f in cur.fetchall()}, False
    # One array per column: PostgreSQL parses 16 parameters instead of 16 per row.
    params = {f"c{i}": [v[i] for v in values] for i in range(len(COLUMNS))}
    # The chunk's leads by key (the CTE's row estimates would otherwise let the planner hash all leads).
    params.update({f"g{i}": p for i, p in enumerate(guard_params)}, now=now, tz=settings.TIME_ZONE,
                  leads=sorted({r.values["lead_id"] for r in rows}))
    with connection.cursor() as cur:
        _execute_prepared(cur, statement(guard_sql, len(guard_params)), params)
        return {(f[1], f[2]): (f[0], f[3]) for f in cur.fetchall()}, True


@functools.lru_cache(maxsize=64)
def statement(guard_sql: str = "", guard_count: int = 0) -> str:
    """The PostgreSQL chunk statement, with named parameters (c0… the columns as arrays, g0… the
    guard's, now, tz, leads). bench/bench_partitioning.py runs it against a partitioned layout."""
    differs = " OR ".join(f"calls_call.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in COMPARED)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*COMPARED, "updated_at", "sync_digest"])
    guard_named = guard_sql
    for i in range(guard_count):
        guard_named = guard_named.replace("%s", f"%(g{i})s", 1)
    source = "SELECT * FROM UNNEST(" + ", ".join(f"%(c{i})s::{t}[]" for i, t in enumerate(_TYPES)) + ")"
    conflict = (f"ON CONFLICT (source, external_id) WHERE external_id IS NOT NULL "
                f"DO UPDATE SET {updates} WHERE ({differs}){guard_named}")
    return (f"WITH ins AS (INSERT INTO calls_call ({', '.join(COLUMNS)}) {source} {conflict} "
            f"RETURNING id, source, external_id, (xmax = 0) AS inserted, lead_id, rep_id, started_at, channel, "
            f"duration_seconds, disposition_id){_CONSEQUENCES} SELECT id, source, external_id, inserted FROM ins")


# Parameter types of the prepared statement, by name (the guard's g0… are left to PostgreSQL).
_PARAM_TYPES = {**{f"c{i}": f"{t}[]" for i, t in enumerate(_TYPES)}, "now": "timestamptz", "tz": "text",
                "leads": "bigint[]"}
_PREPARED: dict[str, tuple[str, str, list[str]]] = {}  # SQL text -> (name, PREPARE …, parameter order)


def _execute_prepared(cur, sql: str, params: dict) -> None:
    """EXECUTE the chunk's statement, PREPAREd once per connection and statement text.

    Planning the statement (five data-modifying CTEs) cost more than running it on a chunk of
    1,000 rows; prepared, each chunk is parsed and planned once per connection. The text differs
    only by the actor's guard, so a connection holds a handful at most. A prepared statement
    outlives a rolled-back transaction (a dry run) and is re-planned by PostgreSQL after a schema
    change; a new connection (CONN_MAX_AGE, a reconnect) prepares it again."""
    entry = _PREPARED.get(sql)
    if entry is None:
        order = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", sql)))
        body = re.sub(r"%\((\w+)\)s", lambda m: f"${order.index(m.group(1)) + 1}", sql)
        body = re.sub(r"::\w+\[\]", "", body)  # the typed parameters below carry the types
        name = "calls_sync_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
        types = ", ".join(_PARAM_TYPES.get(n, "unknown") for n in order)  # the guard's: inferred
        entry = _PREPARED[sql] = (name, f"PREPARE {name} ({types}) AS {body}", order)
    name, prepare, order = entry
    raw = connection.connection
    ref = getattr(connection, "_calls_sync_prepared", None)
    if ref is None or ref[0]() is not raw:
        ref = connection._calls_sync_prepared = (weakref.ref(raw), set())
    if name not in ref[1]:
        cur.execute(prepare)
        ref[1].add(name)
    cur.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(order))})", [params[n] for n in order])
