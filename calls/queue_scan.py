"""One look at the rep's work queue: the head and the size of each part (due follow-ups,
callbacks, fresh leads), in one statement on PostgreSQL.

The queue screen shows what is left in each part after every call, so this runs on every step
of the calling loop; as one hand-written statement it costs one round trip and no query
compilation. Other databases (SQLite) get the same answer from the ORM querysets of
calls/queue.py (`queue.scan(portable=True)`), which the tests compare against the statement."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection

FOLLOW_UP, CALLBACK, FRESH = "follow_up", "callback", "fresh"

# Follow-ups count leads: `fu` keeps each lead's first follow-up in calling order (DISTINCT ON,
# the order of calls.selectors.follow_up_order), the first of those leads the queue.
_SQL = """
WITH fu AS (
  SELECT DISTINCT ON (f.lead_id) f.id, f.lead_id, f.due_at, l.unanswered_attempts, l.last_contacted_at,
         CASE WHEN l.last_contacted_at > f.created_at THEN l.last_contacted_at END AS tried_at
  FROM calls_followup f JOIN leads_lead l ON l.id = f.lead_id
  WHERE f.done_at IS NULL AND f.due_at <= %(now)s AND l.status = 'active' AND l.id <> ALL(%(handled)s)
    AND (f.assigned_to_id = %(rep)s OR (f.assigned_to_id IS NULL AND f.team_id = %(team)s
                                        AND (l.owner_id = %(rep)s OR l.owner_id IS NULL)))
    AND NOT EXISTS (SELECT 1 FROM leads_donotcallnumber x WHERE x.phone = l.phone)
  ORDER BY f.lead_id, tried_at NULLS FIRST, f.due_at, l.unanswered_attempts, l.last_contacted_at NULLS FIRST, f.id
), mine AS (
  SELECT l.id, l.last_contacted_at, l.claimed_at, l.next_follow_up_at FROM leads_lead l
  WHERE l.owner_id = %(rep)s AND l.status = 'active' AND l.id <> ALL(%(handled)s)
    AND NOT EXISTS (SELECT 1 FROM leads_donotcallnumber x WHERE x.phone = l.phone)
)
(SELECT 'follow_up', lead_id, count(*) OVER () FROM fu
 ORDER BY tried_at NULLS FIRST, due_at, unanswered_attempts, last_contacted_at NULLS FIRST, id LIMIT 1)
UNION ALL
(SELECT 'callback', m.id, count(*) OVER () FROM mine m
 WHERE m.next_follow_up_at IS NULL AND m.last_contacted_at IS NOT NULL
   AND EXISTS (SELECT 1 FROM calls_call c JOIN calls_disposition d ON d.id = c.disposition_id
               WHERE c.lead_id = m.id AND c.started_at = m.last_contacted_at AND d.callback)
 ORDER BY m.last_contacted_at, m.id LIMIT 1)
UNION ALL
(SELECT 'fresh', m.id, count(*) OVER () FROM mine m WHERE m.last_contacted_at IS NULL
 ORDER BY m.claimed_at, m.id LIMIT 1)
"""


@dataclass
class Scan:
    """The first lead of each non-empty part, and how many customers are left in each."""

    heads: dict = field(default_factory=dict)
    left: dict = field(default_factory=dict)

    def first(self) -> tuple[int | None, str]:
        for kind in (FOLLOW_UP, CALLBACK, FRESH):
            if kind in self.heads:
                return self.heads[kind], kind
        return None, ""


def scan(rep, handled: list, now: dt.datetime) -> Scan:
    """The queue of `rep` after the leads `handled` today, as of `now` (PostgreSQL)."""
    with connection.cursor() as cur:
        cur.execute(_SQL, {"now": now, "handled": [int(i) for i in handled], "rep": rep.pk, "team": rep.team_id})
        rows = cur.fetchall()
    counts = {kind: n for kind, _lead, n in rows}
    return Scan(heads={kind: lead for kind, lead, _n in rows}, left=left(
        follow_ups=counts.get(FOLLOW_UP, 0), callbacks=counts.get(CALLBACK, 0), fresh=counts.get(FRESH, 0),
        done=len(handled)))


def left(*, follow_ups: int, callbacks: int, fresh: int, done: int) -> dict:
    return {"follow_ups": follow_ups, "callbacks": callbacks, "fresh": fresh, "done": done}
