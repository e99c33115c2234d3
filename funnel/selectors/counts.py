"""The funnel as of any moment: active customers per grade (plus won and lost) for each owner,
rebuilt from the grade and ownership history for a past moment; and the leads behind each count
(funnel_leads), from the same statement.

Attribution: as of a moment, a lead counts for whoever held it then, read from the ownership
history. Leads in a public pool (no owner) are not in anyone's funnel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from funnel.domain import GRADES
from funnel.selectors import snapshots
from funnel.selectors.scope import Scope
from funnel.selectors.sql import add_count, bound, empty_counts, heavy_read, owner_filter, table
from leads.models import GradeChange, Lead, LeadStatus, OwnershipEvent
from telesales.days import local_day, local_midnight
from telesales.errors import DomainError


def as_of_moment(day: dt.date | None) -> dt.datetime | None:
    """The end of a local day, to read the funnel as it stood then; None (the current funnel)
    for today or later."""
    if day is None or day >= local_day(timezone.now()):
        return None
    return local_midnight(day + dt.timedelta(days=1))


def funnel_counts_by_owner(
    owner_ids: list[int] | None, as_of: dt.datetime | None = None, *, portable: bool = False,
) -> dict[int, dict[str, int]]:
    """Active customers per grade (plus won / lost totals) for each owner, as of a moment.

    `as_of` None (or in the future) reads the leads' current grade, which the grade service keeps
    equal to the last recorded change; a past moment is rebuilt from the grade history: the last
    change per lead at or before it, and leads with no change yet count at E from their creation.
    A lead counts for the owner who held it then: the one its last ownership event at or before
    that moment gave it to (none: released, so nobody's); with no such event, the owner recorded
    on that last grade change, or else the owner it was created with (the previous owner on its
    first ownership event, or its current owner if it never changed hands).
    On PostgreSQL a past moment starts from the nearest funnel snapshot (funnel.selectors.snapshots)
    or from the current funnel, whichever is nearer, and corrects only the leads changed in between.
    `portable` runs the statement SQLite also runs, even on PostgreSQL (tests compare both)."""
    out: dict[int, dict[str, int]] = {}
    if owner_ids is not None:
        out = {pk: empty_counts() for pk in owner_ids}
    if as_of is None or as_of >= timezone.now():
        return _add_current(out, Lead.objects.filter(owner__isnull=False), owner_ids)
    if connection.vendor == "postgresql" and not portable:
        # From the nearest snapshot, or backwards from the current funnel when now is nearer.
        snapshot = snapshots.nearest_snapshot(as_of)
        if snapshot is not None and abs(snapshot[1] - as_of) < timezone.now() - as_of:
            return snapshots.counts_from_snapshot(owner_ids, as_of, snapshot, out)
        return _counts_as_of_backwards(owner_ids, as_of, out)
    return _counts_as_of_from_history(owner_ids, as_of, out)


def _add_current(out: dict[int, dict[str, int]], leads: QuerySet[Lead], owner_ids: list[int] | None):
    """Add `leads` to their current owners' funnels at their current grade and status."""
    if owner_ids is not None:
        leads = leads.filter(owner_id__in=owner_ids)
    for row in leads.values("owner_id", "grade", "status").annotate(n=Count("id")).order_by():
        add_count(out.setdefault(row["owner_id"], empty_counts()), row["grade"], row["status"], row["n"])
    return out


def _counts_as_of_from_history(owner_ids, as_of, out):
    """Every database: each lead's state at `as_of` (_states_as_of_sql), counted per owner."""
    states, params = _states_as_of_sql(as_of)
    then_owner, owner_params = owner_filter("owner_id", owner_ids)
    sql = f"{states} SELECT owner_id, grade, status, COUNT(*) FROM st WHERE {then_owner} GROUP BY owner_id, grade, status"
    with connection.cursor() as cur:
        cur.execute(sql, [*params, *owner_params])
        for owner_id, grade, status, n in cur.fetchall():
            add_count(out.setdefault(owner_id, empty_counts()), grade, status, n)
    return out


def _states_as_of_sql(as_of: dt.datetime) -> tuple[str, list]:
    """`WITH … st(lead_id, owner_id, grade, status)`: every lead that existed at `as_of` with its
    owner, grade and status then (the rules of funnel_counts_by_owner), and its parameters: its
    last grade change and ownership event at or before that moment and its first ownership event
    after it, over the whole history. The portable statement (SQLite and PostgreSQL) behind the
    counts and the lists of leads (funnel_leads) alike."""
    gc, lead, oe, at_col = table(GradeChange), table(Lead), table(OwnershipEvent), connection.ops.quote_name("at")

    def first(source, columns, where, order):
        return (f"SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY {order}) "
                f"AS rn FROM {source} WHERE {where}) ranked WHERE rn = 1")

    sql = f"""
        WITH g AS ({first(gc, "lead_id, owner_id, to_grade, to_status", "changed_at <= %s", "changed_at DESC, id DESC")}),
        o AS ({first(oe, "lead_id, to_owner_id", f"{at_col} <= %s", f"{at_col} DESC, id DESC")}),
        n AS ({first(oe, "lead_id, from_owner_id", f"{at_col} > %s", f"{at_col}, id")}),
        st AS (
            SELECT l.id AS lead_id,
                   CASE WHEN o.lead_id IS NOT NULL THEN o.to_owner_id WHEN g.lead_id IS NOT NULL THEN g.owner_id
                        WHEN n.lead_id IS NOT NULL THEN n.from_owner_id ELSE l.owner_id END AS owner_id,
                   COALESCE(g.to_grade, 'E') AS grade, COALESCE(g.to_status, 'active') AS status
            FROM {lead} l LEFT JOIN g ON g.lead_id = l.id LEFT JOIN o ON o.lead_id = l.id
            LEFT JOIN n ON n.lead_id = l.id
            WHERE l.created_at <= %s
        )
    """
    at = bound(as_of)
    return sql, [at, at, at, at]


def _counts_as_of_backwards(owner_ids, as_of, out):
    """PostgreSQL: start from the leads' current state and correct only the leads graded or
    passed on after `as_of`, each looked up once by index: its last grade change at or before
    `as_of`, and its first ownership event after it (whose previous owner is the owner at
    `as_of`; with none, the owner is the current one). A recent date touches only recent history
    instead of the whole table."""
    _add_current(out, Lead.objects.filter(owner__isnull=False, created_at__lte=as_of), owner_ids)
    gc, lead, oe = table(GradeChange), table(Lead), table(OwnershipEvent)
    then_owner, p1 = owner_filter("owner_id", owner_ids)
    now_owner, p2 = owner_filter("cur_owner", owner_ids)
    sql = f"""
        WITH changed AS (
            SELECT lead_id FROM {gc} WHERE changed_at > %s UNION SELECT lead_id FROM {oe} WHERE "at" > %s
        ),
        st AS (
            SELECT l.owner_id AS cur_owner, l.grade AS cur_grade, l.status AS cur_status,
                   CASE WHEN n.lead_id IS NOT NULL THEN n.from_owner_id
                        WHEN EXISTS (SELECT 1 FROM {oe} e WHERE e.lead_id = l.id) THEN l.owner_id
                        WHEN s.lead_id IS NOT NULL THEN s.owner_id ELSE l.owner_id END AS owner_id,
                   COALESCE(s.to_grade, 'E') AS grade, COALESCE(s.to_status, 'active') AS status
            FROM changed c JOIN {lead} l ON l.id = c.lead_id
            LEFT JOIN LATERAL (
                SELECT g.lead_id, g.owner_id, g.to_grade, g.to_status FROM {gc} g
                WHERE g.lead_id = l.id AND g.changed_at <= %s ORDER BY g.changed_at DESC, g.id DESC LIMIT 1
            ) s ON TRUE
            LEFT JOIN LATERAL (
                SELECT e.lead_id, e.from_owner_id FROM {oe} e
                WHERE e.lead_id = l.id AND e."at" > %s ORDER BY e."at", e.id LIMIT 1
            ) n ON TRUE
            WHERE l.created_at <= %s
        )
        SELECT 1, owner_id, grade, status, COUNT(*) FROM st WHERE {then_owner} GROUP BY owner_id, grade, status
        UNION ALL
        SELECT -1, cur_owner, cur_grade, cur_status, COUNT(*) FROM st WHERE {now_owner}
        GROUP BY cur_owner, cur_grade, cur_status
    """
    at = bound(as_of)
    with heavy_read(), connection.cursor() as cur:
        cur.execute(sql, [at, at, at, at, at, *p1, *p2])
        for sign, owner_id, grade, status, n in cur.fetchall():
            add_count(out.setdefault(owner_id, empty_counts()), grade, status, sign * n)
    if owner_ids is None:  # a lead's owner now may have held nothing that day: not in the funnel then
        out = {owner: counts for owner, counts in out.items() if any(counts.values())}
    return out


def sum_counts(rows: Iterable[dict[str, int]]) -> dict[str, int]:
    total = empty_counts()
    for row in rows:
        for key in total:
            total[key] += row.get(key, 0)
    return total


def funnel_counts(scope: Scope, as_of: dt.datetime | None = None) -> dict[str, int]:
    """One funnel for the whole scope (a rep, a team, the company)."""
    return sum_counts(funnel_counts_by_owner(scope.owner_ids, as_of).values())


FUNNEL_KEYS = (*GRADES, "won", "lost")  # what a funnel count counts: active leads at a grade, or won / lost


def funnel_leads(scope: Scope, key: str, as_of: dt.datetime | None = None) -> QuerySet[Lead]:
    """The leads behind one funnel count of the scope (funnel_counts_by_owner): active at grade
    `key` (E–A), or won / lost, as of a moment (None: now), by id."""
    if key not in FUNNEL_KEYS:
        raise DomainError(f"Unknown funnel count “{key}”; use one of {', '.join(FUNNEL_KEYS)}.")
    if as_of is None or as_of >= timezone.now():
        qs = Lead.objects.filter(owner__isnull=False)
        if scope.owner_ids is not None:
            qs = qs.filter(owner_id__in=scope.owner_ids)
        qs = qs.filter(status=key) if key in ("won", "lost") else qs.filter(status=LeadStatus.ACTIVE, grade=key)
    else:
        states, params = _states_as_of_sql(as_of)
        then_owner, owner_params = owner_filter("owner_id", scope.owner_ids)
        match, match_params = (("status = %s", [key]) if key in ("won", "lost")
                               else ("status = 'active' AND grade = %s", [key]))
        sql = f"{states} SELECT lead_id FROM st WHERE {then_owner} AND {match}"
        qs = Lead.objects.filter(id__in=RawSQL(sql, [*params, *owner_params, *match_params]))
    return qs.select_related("owner", "pool").order_by("id")
