"""Stage statistics over a period: per owner and grade, the customers at the grade and how many
of them moved on, and the leads behind each of those numbers (stage_leads, from the same
statement); time in stage; and the week's actuals the backward plan is corrected with.

Attribution: a lead belongs to the owner recorded on its grade change (GradeChange.owner is the
lead's owner at that time); a lead with no change in the window belongs to its current owner.
Leads in a public pool (no owner) are not in anyone's funnel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from funnel.domain import GRADES, WeekActual
from funnel.selectors.scope import Scope
from funnel.selectors.sql import RANK, bound, heavy_read, owner_filter, rank_sql, table
from funnel.selectors.stages_past import stage_leads_ended, stage_stats_ended
from funnel.selectors.stages_sql import AT_BC_SQL as _AT_BC
from funnel.selectors.stages_sql import AT_SQL as _AT
from funnel.selectors.stages_sql import StageStats, correct_for_changed_leads, empty_stats, stage_sums_sql
from leads.models import GradeChange, Lead, LeadStatus
from telesales.errors import DomainError


def _check_period(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise DomainError("The period must end after it starts.")


def stage_stats_by_owner(
    owner_ids: list[int] | None, start: dt.datetime, end: dt.datetime,
    current: dict[int, dict[str, int]] | None = None, *, portable: bool = False,
) -> dict[int, StageStats]:
    """Per owner and stage: customers at the grade during [start, end) and how many of them
    reached a higher grade (for A: were won) within the period.

    A lead was at grade X in the period if it was at X (and active) when the period began, or
    entered X during it; new leads start at E. Only changes since the start are read: a lead
    with none is at its current grade all period (read with the current funnel, which the caller
    may pass in when the period ends now); a lead with some was at the `from_grade` of its first
    one when the period began, and is corrected in one small query. `portable` runs the statement
    SQLite also runs, even on PostgreSQL (tests compare both).

    A period that ended in the past is read from the funnel as of its end instead
    (funnel.selectors.stages_past: the same rules, its end included); `current` is then the funnel
    as of `end`, if the caller has read it."""
    _check_period(start, end)
    if end < timezone.now():
        return stage_stats_ended(owner_ids, start, end, current, portable=portable)
    out: dict[int, StageStats] = {}
    if owner_ids is not None:
        out = {pk: empty_stats() for pk in owner_ids}
    if current is None:  # a caller passes the current funnel only for a period ending now
        current = _active_counts_now(owner_ids, end)
    for owner_id, counts in current.items():
        stats = out.setdefault(owner_id, empty_stats())
        for g in GRADES:
            stats.at[g] += counts.get(g, 0)
        stats.bc_at += counts.get("B", 0) + counts.get("C", 0)
    sql, params = _changed_leads_sql(owner_ids, start, end, postgres=connection.vendor == "postgresql" and not portable)
    with heavy_read(), connection.cursor() as cur:
        cur.execute(sql, params)
        correct_for_changed_leads(out, cur.fetchall())
    return out


def _active_counts_now(owner_ids: list[int] | None, end: dt.datetime) -> dict[int, dict[str, int]]:
    """Per owner, active leads created before `end` at their current grade."""
    qs = Lead.objects.filter(owner__isnull=False, status=LeadStatus.ACTIVE, created_at__lt=end)
    if owner_ids is not None:
        qs = qs.filter(owner_id__in=owner_ids)
    current: dict[int, dict[str, int]] = {}
    for row in qs.values("owner_id", "grade").annotate(n=Count("id")).order_by():
        current.setdefault(row["owner_id"], dict.fromkeys(GRADES, 0))[row["grade"]] = row["n"]
    return current


def _changed_leads_sql(owner_ids: list[int] | None, start: dt.datetime, end: dt.datetime, *,
                       postgres: bool) -> tuple[str, list]:
    """The statement over the leads graded since the period began, and its parameters.

    Rows (1, owner, '', at and reached per grade, B/C at, B/C reached A) count each changed lead
    for the owner of its last change in the period; rows (-1, owner now, grade now, n) take back
    what the current funnel counted for it."""
    return stage_sums_sql(*_stage_states_sql(start, end, postgres=postgres), owner_ids, held="cur")


def _stage_states_sql(start: dt.datetime, end: dt.datetime, *, postgres: bool) -> tuple[str, list]:
    """`WITH … st(lead_id, cur_owner, cur_grade, cur_status, owner_id, start_grade, max_rank, v_E…v_A)`:
    each lead graded since `start` (created before `end`) with its owner over the period, its grade
    when the period began, the highest rank it reached in the period and the grades it entered;
    and the parameters. Behind stage_stats_by_owner's counts and stage_leads' lists alike."""
    rank = rank_sql("to_grade", "to_status")
    visited = ", ".join(
        f"MAX(CASE WHEN in_period = 1 AND to_status = 'active' AND to_grade = '{g}' THEN 1 ELSE 0 END) AS v_{g}"
        for g in GRADES
    )
    # A plain join to the leads: the planner picks index lookups for a few changed leads and one
    # hash join for many (10,000 pkey lookups cost more than a scan of the leads).
    sql = _per_lead_changes_sql(rank, visited, postgres=postgres) + f"""
        ), st AS (
            SELECT a.lead_id, l.owner_id AS cur_owner, l.grade AS cur_grade, l.status AS cur_status,
                   COALESCE(a.last_owner, l.owner_id) AS owner_id,
                   CASE WHEN l.created_at >= %s THEN 'E' ELSE a.first_from END AS start_grade,
                   a.max_rank, {", ".join(f"a.v_{g}" for g in GRADES)}
            FROM agg a JOIN {table(Lead)} l ON l.id = a.lead_id
            WHERE l.created_at < %s
        )
    """
    s, e = bound(start), bound(end)
    return sql, [e, e, s, s, e]


def _per_lead_changes_sql(rank: str, visited: str, *, postgres: bool) -> str:
    """The head of the statement: `pc`, the grade changes since the period began, numbered per
    lead; `agg`, per lead, the grade it left first (where it stood when the period began), the
    owner of its last change in the period, the highest rank reached in the period and the grades
    it visited. Parameters: end, end, start."""
    if postgres:
        # One sort of the period's changes by (lead, time, id) feeds both the window functions
        # and the per-lead grouping: no per-group sorts (ordered aggregates), and an estimate low
        # enough to stay under jit_above_cost (JIT compilation alone cost ~120 ms here). The
        # last change in the period is the in-period row whose successor is not in the period.
        windows = """ROW_NUMBER() OVER w AS rn,
                   LEAD(CASE WHEN changed_at < %s THEN 1 ELSE 0 END, 1, 0) OVER w AS next_in"""
        named_window = "WINDOW w AS (PARTITION BY lead_id ORDER BY changed_at, id)"
        last_in_period = "in_period = 1 AND next_in = 0"
    else:
        windows = """ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY changed_at, id) AS rn,
                   ROW_NUMBER() OVER (PARTITION BY lead_id, CASE WHEN changed_at < %s THEN 1 ELSE 0 END
                                      ORDER BY changed_at DESC, id DESC) AS rn_last"""
        named_window = ""
        last_in_period = "in_period = 1 AND rn_last = 1"
    return f"""
        WITH pc AS (
            SELECT lead_id, from_grade, to_grade, to_status, owner_id,
                   CASE WHEN changed_at < %s THEN 1 ELSE 0 END AS in_period,
                   {windows}
            FROM {table(GradeChange)} WHERE changed_at >= %s
            {named_window}
        ), agg AS (
            SELECT lead_id,
                   MAX(CASE WHEN rn = 1 THEN from_grade END) AS first_from,
                   COALESCE(MAX(CASE WHEN {last_in_period} THEN owner_id END),
                            MAX(CASE WHEN rn = 1 THEN owner_id END)) AS last_owner,
                   MAX(CASE WHEN in_period = 1 THEN {rank} ELSE -1 END) AS max_rank,
                   {visited}
            FROM pc GROUP BY lead_id
        """


def sum_stats(rows: Iterable[StageStats]) -> StageStats:
    total = empty_stats()
    for s in rows:
        for g in GRADES:
            total.at[g] += s.at[g]
            total.reached[g] += s.reached[g]
        total.bc_at += s.bc_at
        total.bc_to_a += s.bc_to_a
    return total


def stage_stats(scope: Scope, start: dt.datetime, end: dt.datetime) -> StageStats:
    return sum_stats(stage_stats_by_owner(scope.owner_ids, start, end).values())


STAGE_GRADES = (*GRADES, "BC")  # a stage's leads over a period: one grade, or B and C together (B/C → A)


def stage_leads(scope: Scope, grade: str, start: dt.datetime, end: dt.datetime, *,
                reached: bool = False) -> QuerySet[Lead]:
    """The leads behind one number of stage_stats_by_owner for the scope over [start, end): those
    at `grade` in the period (`at`), or of those the ones that reached a higher grade in it
    (`reached`; for A: won). "BC": at B or C, and (reached) got to A or won (bc_at / bc_to_a).
    Leads graded in the period come from the same statement as the counts; the others are the
    scope's active leads that stayed at their grade all period."""
    if grade not in STAGE_GRADES:
        raise DomainError(f"Unknown stage “{grade}”; use one of {', '.join(STAGE_GRADES)}.")
    _check_period(start, end)
    if end < timezone.now():
        return stage_leads_ended(scope, grade, start, end, reached=reached)
    states, params = _stage_states_sql(start, end, postgres=connection.vendor == "postgresql")
    then_owner, owner_params = owner_filter("owner_id", scope.owner_ids)
    at = _AT_BC if grade == "BC" else _AT[grade]
    if reached:
        at += f" AND max_rank >= {RANK['A']}" if grade == "BC" else f" AND max_rank > {RANK[grade]}"
    graded = RawSQL(f"{states} SELECT lead_id FROM st WHERE {then_owner} AND {at}", [*params, *owner_params])
    cond = Q(id__in=graded)
    if not reached:
        stayed = Lead.objects.filter(owner__isnull=False, status=LeadStatus.ACTIVE, created_at__lt=end,
                                     grade__in=["B", "C"] if grade == "BC" else [grade])
        if scope.owner_ids is not None:
            stayed = stayed.filter(owner_id__in=scope.owner_ids)
        stayed = stayed.exclude(id__in=RawSQL(f"{states} SELECT lead_id FROM st", params))
        cond |= Q(id__in=stayed.values("id"))
    return Lead.objects.filter(cond).select_related("owner", "pool").order_by("id")


def average_days_in_stage(scope: Scope, start: dt.datetime, end: dt.datetime) -> dict[str, float | None]:
    """Average days a customer spent at each grade, over the stays that ended in [start, end)
    (a stay starts at the previous change, or at the lead's creation for the first E).

    A first stay whose change is dated before the lead's creation (a backdated sale synced from
    the dialer, a lead imported after its calls) has no known start: it is left out, never
    counted as a negative stay."""
    _check_period(start, end)
    gc, lead = table(GradeChange), table(Lead)
    owner_where, owner_params = owner_filter("c.owner_id", scope.owner_ids)
    if connection.vendor == "postgresql":
        seconds = "EXTRACT(EPOCH FROM (s.changed_at - s.entered_at))"
    else:
        seconds = "(julianday(s.changed_at) - julianday(s.entered_at)) * 86400.0"
    sql = (
        f"SELECT s.from_grade, AVG(CASE WHEN s.entered_at <= s.changed_at THEN {seconds} END) FROM ("
        f"SELECT c.from_grade, c.changed_at, COALESCE((SELECT MAX(p.changed_at) FROM {gc} p "
        f"WHERE p.lead_id = c.lead_id AND (p.changed_at < c.changed_at OR (p.changed_at = c.changed_at AND p.id < c.id))"
        f"), l.created_at) AS entered_at "
        f"FROM {gc} c JOIN {lead} l ON l.id = c.lead_id "
        f"WHERE c.changed_at >= %s AND c.changed_at < %s AND c.from_grade <> '' AND {owner_where}"
        f") s GROUP BY s.from_grade"
    )
    out: dict[str, float | None] = dict.fromkeys(GRADES)
    with connection.cursor() as cur:
        cur.execute(sql, [bound(start), bound(end), *owner_params])
        for grade, avg in cur.fetchall():
            if grade in out and avg is not None:
                out[grade] = round(float(avg) / 86400.0, 2)
    return out


def week_actual(scope: Scope, start: dt.datetime, end: dt.datetime) -> WeekActual:
    """What a scope did in one week: sales won, new entries per grade (new leads at E, upward
    moves into D..A) and the stage statistics that correct the plan's rates."""
    stats = stage_stats(scope, start, end)
    changes = GradeChange.objects.filter(changed_at__gte=start, changed_at__lt=end)
    leads = Lead.objects.filter(created_at__gte=start, created_at__lt=end)
    if scope.owner_ids is not None:
        changes = changes.filter(owner_id__in=scope.owner_ids)
        leads = leads.filter(owner_id__in=scope.owner_ids)
    else:
        changes = changes.filter(owner__isnull=False)
        leads = leads.filter(owner__isnull=False)
    entered = dict.fromkeys(GRADES, 0)
    entered["E"] = leads.count()
    won = 0
    for row in changes.values("from_grade", "to_grade", "to_status").annotate(n=Count("id")).order_by():
        if row["to_status"] == LeadStatus.WON:
            won += row["n"]
        elif row["to_status"] == LeadStatus.ACTIVE and RANK.get(row["to_grade"], -1) > RANK.get(row["from_grade"], -1):
            entered[row["to_grade"]] += row["n"]
    return WeekActual(won=won, entered=entered, at=dict(stats.at), reached=dict(stats.reached))
