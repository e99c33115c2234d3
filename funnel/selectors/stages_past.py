"""Stage statistics of a period that ended in the past: the funnel pages as of a past day, the
conversion API for past dates, a finished week of the plan.

What the numbers mean is what they mean for a period ending now (funnel.selectors.stages): over
the period [start, end], a lead was at grade X if it was active at X when the period began or
entered X in it (a lead created in the period starts at E), and it reached the next stage if its
highest grade in the period is above X (for A: it was won). A lead graded in the period counts for
the owner recorded on its last change in it; a lead not graded in it for whoever held it at the
period's end (funnel_counts_by_owner's rule; for a period ending now, its current owner). The
period includes its end, the moment the funnel of the same page is read as of.

How they are read, without going through the history since the period ended: the funnel as of
`end` (on PostgreSQL the nearest snapshot plus the leads changed since) holds every lead at its
grade at the end; a lead with no grade change in the period stood at that grade all period, so
only the leads graded in [start, end] are corrected: taken back as they stood at the end, and
counted as the period saw them. The work is the period's grade changes, however far back it lies.
`portable` reads the funnel at the end from the whole history and each changed lead's owner at
the end with a window function instead of an index lookup: the statement SQLite runs."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from funnel.domain import GRADES
from funnel.selectors.counts import funnel_counts_by_owner, funnel_leads
from funnel.selectors.scope import Scope
from funnel.selectors.sql import RANK, bound, heavy_read, owner_filter, rank_sql, table
from funnel.selectors.stages_sql import (
    AT_BC_SQL,
    AT_SQL,
    StageStats,
    correct_for_changed_leads,
    empty_stats,
    stage_sums_sql,
)
from leads.models import GradeChange, Lead, OwnershipEvent


def stage_stats_ended(owner_ids: list[int] | None, start: dt.datetime, end: dt.datetime,
                      at_end: dict[int, dict[str, int]] | None = None, *,
                      portable: bool = False) -> dict[int, StageStats]:
    """Per owner, stage statistics over [start, end] (the module's rules). `at_end`: the funnel of
    these owners as of `end` (funnel_counts_by_owner), when the caller has read it already."""
    if at_end is None:
        at_end = funnel_counts_by_owner(owner_ids, end, portable=portable)
    out: dict[int, StageStats] = {}
    if owner_ids is not None:
        out = {pk: empty_stats() for pk in owner_ids}
    for owner_id, counts in at_end.items():
        stats = out.setdefault(owner_id, empty_stats())
        for g in GRADES:
            stats.at[g] += counts.get(g, 0)
        stats.bc_at += counts.get("B", 0) + counts.get("C", 0)
    sql, params = _corrections_sql(owner_ids, start, end, postgres=connection.vendor == "postgresql" and not portable)
    with heavy_read(), connection.cursor() as cur:
        cur.execute(sql, params)
        correct_for_changed_leads(out, cur.fetchall())
    return out


def _graded_in_period_sql(start: dt.datetime, end: dt.datetime, *, postgres: bool) -> tuple[str, list]:
    """`WITH … st(lead_id, owner_id, start_grade, max_rank, v_E…v_A, end_owner, end_grade, end_status)`:
    each lead graded in [start, end] (created by `end`): the owner of its last change in the
    period, its grade when the period began, the highest rank it reached and the grades it
    entered; and its owner, grade and status at `end`. Its grade at the end is that of its last
    change (which is in the period); its owner then is the one its last ownership event up to
    `end` gave it to, or else the owner on that last change (funnel_counts_by_owner's rule)."""
    gc, lead, oe = table(GradeChange), table(Lead), table(OwnershipEvent)
    rank = rank_sql("to_grade", "to_status")
    visited = ", ".join(
        f"MAX(CASE WHEN to_status = 'active' AND to_grade = '{g}' THEN 1 ELSE 0 END) AS v_{g}" for g in GRADES)
    if postgres:
        # One sort of the period's changes by (lead, time, id) feeds both window functions and the
        # per-lead grouping (the last change is the one with no successor); one index lookup per
        # changed lead for its owner at the end.
        windows = "ROW_NUMBER() OVER w AS rn, CASE WHEN LEAD(id) OVER w IS NULL THEN 1 ELSE 0 END AS rn_last"
        named_window = "WINDOW w AS (PARTITION BY lead_id ORDER BY changed_at, id)"
        moved = f"""LEFT JOIN LATERAL (SELECT 1 AS hit, e.to_owner_id FROM {oe} e WHERE e.lead_id = l.id AND e."at" <= %s
                    ORDER BY e."at" DESC, e.id DESC LIMIT 1) o ON TRUE"""
        moved_params = [bound(end)]
        head = ""
    else:
        windows = """ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY changed_at, id) AS rn,
                   ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY changed_at DESC, id DESC) AS rn_last"""
        named_window = ""
        at = connection.ops.quote_name("at")
        head = f""", o AS (
            SELECT lead_id, hit, to_owner_id FROM (
                SELECT lead_id, 1 AS hit, to_owner_id,
                       ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY {at} DESC, id DESC) AS rn
                FROM {oe} WHERE {at} <= %s AND lead_id IN (SELECT lead_id FROM agg)) ranked WHERE rn = 1)"""
        moved = "LEFT JOIN o ON o.lead_id = l.id"
        moved_params = []
    sql = f"""
        WITH pc AS (
            SELECT lead_id, from_grade, to_grade, to_status, owner_id, {rank} AS rnk, {windows}
            FROM {gc} WHERE changed_at >= %s AND changed_at <= %s
            {named_window}
        ), agg AS (
            SELECT lead_id,
                   MAX(CASE WHEN rn = 1 THEN from_grade END) AS first_from,
                   MAX(CASE WHEN rn_last = 1 THEN owner_id END) AS last_owner,
                   MAX(CASE WHEN rn_last = 1 THEN to_grade END) AS end_grade,
                   MAX(CASE WHEN rn_last = 1 THEN to_status END) AS end_status,
                   MAX(rnk) AS max_rank, {visited}
            FROM pc GROUP BY lead_id
        ){head}, st AS (
            SELECT a.lead_id, a.last_owner AS owner_id,
                   CASE WHEN l.created_at >= %s THEN 'E' ELSE a.first_from END AS start_grade,
                   a.max_rank, {", ".join(f"a.v_{g}" for g in GRADES)},
                   CASE WHEN o.hit IS NOT NULL THEN o.to_owner_id ELSE a.last_owner END AS end_owner,
                   a.end_grade, a.end_status
            FROM agg a JOIN {lead} l ON l.id = a.lead_id {moved}
            WHERE l.created_at <= %s
        )
    """
    s, e = bound(start), bound(end)
    head_params = [e] if not postgres else []
    return sql, [s, e, *head_params, s, *moved_params, e]


def _corrections_sql(owner_ids: list[int] | None, start: dt.datetime, end: dt.datetime, *,
                     postgres: bool) -> tuple[str, list]:
    """Rows (1, owner, '', at and reached per grade, B/C at, B/C reached A) count each lead graded
    in the period as the period saw it; rows (-1, owner at the end, grade at the end, n) take back
    what the funnel at the end counted for it (correct_for_changed_leads applies both)."""
    return stage_sums_sql(*_graded_in_period_sql(start, end, postgres=postgres), owner_ids, held="end")


def stage_leads_ended(scope: Scope, grade: str, start: dt.datetime, end: dt.datetime, *,
                      reached: bool = False) -> QuerySet[Lead]:
    """The leads behind one number of stage_stats_ended (funnel.selectors.stage_leads' contract):
    those graded in the period from the same statement as the counts, and (for `at`) those at the
    grade in the funnel as of `end` that were not graded in the period."""
    states, params = _graded_in_period_sql(start, end, postgres=False)
    then_owner, owner_params = owner_filter("owner_id", scope.owner_ids)
    at = AT_BC_SQL if grade == "BC" else AT_SQL[grade]
    if reached:
        at += f" AND max_rank >= {RANK['A']}" if grade == "BC" else f" AND max_rank > {RANK[grade]}"
    cond = Q(id__in=RawSQL(f"{states} SELECT lead_id FROM st WHERE {then_owner} AND {at}", [*params, *owner_params]))
    if not reached:
        graded = GradeChange.objects.filter(changed_at__gte=start, changed_at__lte=end).values("lead_id")
        for key in ("B", "C") if grade == "BC" else (grade,):
            cond |= Q(id__in=funnel_leads(scope, key, end).exclude(id__in=graded).values("id"))
    return Lead.objects.filter(cond).select_related("owner", "pool").order_by("id")
