"""Reads for the funnel: counts per rep / team / company as of any date, stage conversion rates
and time in stage over a period. Set-based SQL, scoped through accounts.access.

Attribution: as of a day, a lead counts for whoever held it that day, read from the ownership
history (see funnel_counts_by_owner). Stage statistics over a period attribute a lead to the
owner recorded on its grade change (GradeChange.owner is the lead's owner at that time); a lead
with no change in the window belongs to its current owner. Leads in a public pool (no owner) are
not in anyone's funnel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.access import managed_team_ids, sees_everything, visible_users
from accounts.models import Team, User
from funnel.domain import GRADES, WeekActual
from leads.models import GradeChange, Lead, LeadStatus, OwnershipEvent
from telesales.errors import DomainError, NotFound, PermissionDenied

RANK = {g: i for i, g in enumerate(GRADES)}  # E=0 … A=4; won counts as 5
WON_RANK = len(GRADES)


# ---- scope ----------------------------------------------------------------------------------
@dataclass
class Scope:
    kind: str  # "rep", "team", "teams", "company"
    label: str
    owner_ids: list[int] | None  # None: every owner (company)
    rep: User | None = None
    team: Team | None = None
    reps: list[User] = field(default_factory=list)


def resolve_scope(*, actor: User, rep_id: int | None = None, team_id: int | None = None) -> Scope:
    """Whose funnel the actor asked for, checked against what they may see.

    A rep sees only their own funnel; a manager any rep or team they manage (default: their
    teams); an admin anyone (default: the whole company)."""
    if rep_id is not None:
        rep = visible_users(actor).select_related("team").filter(pk=rep_id).first()
        if rep is None:
            raise NotFound("No such rep among the people you can see.")
        return Scope(kind="rep", label=rep.display_name, owner_ids=[rep.pk], rep=rep, reps=[rep])
    if team_id is not None:
        team = Team.objects.filter(pk=team_id).first()
        if team is None:
            raise NotFound("No such team.")
        if team.pk not in managed_team_ids(actor):
            raise PermissionDenied("Only the team's managers and admins can see a team's funnel.")
        reps = list(User.objects.filter(team=team, is_active=True).order_by("username"))
        return Scope(kind="team", label=team.name, owner_ids=[u.pk for u in reps], team=team, reps=reps)
    if sees_everything(actor):
        reps = list(User.objects.filter(role="rep", is_active=True).order_by("team__name", "username"))
        return Scope(kind="company", label="Company", owner_ids=None, reps=reps)
    team_ids = managed_team_ids(actor)
    if team_ids:
        if len(team_ids) == 1:
            return resolve_scope(actor=actor, team_id=team_ids[0])
        reps = list(User.objects.filter(team_id__in=team_ids, is_active=True).order_by("team__name", "username"))
        return Scope(kind="teams", label="My teams", owner_ids=[u.pk for u in reps] + [actor.pk], reps=reps)
    return Scope(kind="rep", label=actor.display_name, owner_ids=[actor.pk], rep=actor, reps=[actor])


# ---- helpers --------------------------------------------------------------------------------
def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _dt(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _owner_filter(column: str, owner_ids: list[int] | None) -> tuple[str, list]:
    if owner_ids is None:
        return f"{column} IS NOT NULL", []
    if not owner_ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(owner_ids))})", list(owner_ids)


def _empty_counts() -> dict[str, int]:
    return {**dict.fromkeys(GRADES, 0), "won": 0, "lost": 0}


def _rank_sql(grade_col: str, status_col: str) -> str:
    whens = " ".join(f"WHEN {grade_col} = '{g}' THEN {r}" for g, r in RANK.items())
    return (
        f"CASE WHEN {status_col} = 'won' THEN {WON_RANK} "
        f"WHEN {status_col} = 'active' THEN (CASE {whens} ELSE -1 END) ELSE -1 END"
    )


def _add(counts: dict[str, int], grade: str, status: str, n: int) -> None:
    if status == LeadStatus.ACTIVE:
        if grade in counts:
            counts[grade] += n
    elif status in ("won", "lost"):
        counts[status] += n


# ---- funnel counts --------------------------------------------------------------------------
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
    `portable` runs the statement SQLite also runs, even on PostgreSQL (tests compare both)."""
    now = timezone.now()
    out: dict[int, dict[str, int]] = {}
    if owner_ids is not None:
        out = {pk: _empty_counts() for pk in owner_ids}
    if as_of is None or as_of >= now:
        qs = Lead.objects.filter(owner__isnull=False)
        if owner_ids is not None:
            qs = qs.filter(owner_id__in=owner_ids)
        for row in qs.values("owner_id", "grade", "status").annotate(n=Count("id")).order_by():
            _add(out.setdefault(row["owner_id"], _empty_counts()), row["grade"], row["status"], row["n"])
        return out

    if connection.vendor == "postgresql" and not portable:
        return _counts_as_of_backwards(owner_ids, as_of, out)
    states, params = _states_as_of_sql(as_of)
    then_owner, owner_params = _owner_filter("owner_id", owner_ids)
    sql = f"{states} SELECT owner_id, grade, status, COUNT(*) FROM st WHERE {then_owner} GROUP BY owner_id, grade, status"
    with connection.cursor() as cur:
        cur.execute(sql, [*params, *owner_params])
        for owner_id, grade, status, n in cur.fetchall():
            _add(out.setdefault(owner_id, _empty_counts()), grade, status, n)
    return out


def _states_as_of_sql(as_of: dt.datetime) -> tuple[str, list]:
    """`WITH … st(lead_id, owner_id, grade, status)`: every lead that existed at `as_of` with its
    owner, grade and status then (the rules of funnel_counts_by_owner), and its parameters. The
    portable statement (SQLite and PostgreSQL) behind the counts and the lists of leads alike."""
    gc, lead, oe, at_col = _table(GradeChange), _table(Lead), _table(OwnershipEvent), connection.ops.quote_name("at")

    def first(table, columns, where, order):
        return (f"SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY {order}) "
                f"AS rn FROM {table} WHERE {where}) ranked WHERE rn = 1")

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
    at = _dt(as_of)
    return sql, [at, at, at, at]


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
        then_owner, owner_params = _owner_filter("owner_id", scope.owner_ids)
        match, match_params = ("status = %s", [key]) if key in ("won", "lost") else ("status = 'active' AND grade = %s", [key])
        sql = f"{states} SELECT lead_id FROM st WHERE {then_owner} AND {match}"
        qs = Lead.objects.filter(id__in=RawSQL(sql, [*params, *owner_params, *match_params]))
    return qs.select_related("owner", "pool").order_by("id")


def _counts_as_of_backwards(owner_ids, as_of, out):
    """PostgreSQL: start from the leads' current state and correct only the leads graded or
    passed on after `as_of`, each looked up once by index: its last grade change at or before
    `as_of`, and its first ownership event after it (whose previous owner is the owner at
    `as_of`; with none, the owner is the current one). A recent date touches only recent history
    instead of the whole table."""
    qs = Lead.objects.filter(owner__isnull=False, created_at__lte=as_of)
    if owner_ids is not None:
        qs = qs.filter(owner_id__in=owner_ids)
    for row in qs.values("owner_id", "grade", "status").annotate(n=Count("id")).order_by():
        _add(out.setdefault(row["owner_id"], _empty_counts()), row["grade"], row["status"], row["n"])
    gc, lead, oe = _table(GradeChange), _table(Lead), _table(OwnershipEvent)
    then_owner, p1 = _owner_filter("owner_id", owner_ids)
    now_owner, p2 = _owner_filter("cur_owner", owner_ids)
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
    at = _dt(as_of)
    with connection.cursor() as cur:
        cur.execute(sql, [at, at, at, at, at, *p1, *p2])
        for sign, owner_id, grade, status, n in cur.fetchall():
            _add(out.setdefault(owner_id, _empty_counts()), grade, status, sign * n)
    if owner_ids is None:  # a lead's owner now may have held nothing that day: not in the funnel then
        out = {owner: counts for owner, counts in out.items() if any(counts.values())}
    return out


def sum_counts(rows: Iterable[dict[str, int]]) -> dict[str, int]:
    total = _empty_counts()
    for row in rows:
        for key in total:
            total[key] += row.get(key, 0)
    return total


def funnel_counts(scope: Scope, as_of: dt.datetime | None = None) -> dict[str, int]:
    """One funnel for the whole scope (a rep, a team, the company)."""
    return sum_counts(funnel_counts_by_owner(scope.owner_ids, as_of).values())


# ---- conversion over a period ---------------------------------------------------------------
@dataclass
class StageStats:
    at: dict[str, int]
    reached: dict[str, int]
    bc_at: int = 0  # customers at B or C in the period
    bc_to_a: int = 0  # … of whom reached A (or were won)

    def rate(self, grade: str) -> Fraction | None:
        return Fraction(self.reached[grade], self.at[grade]) if self.at[grade] else None

    def rates(self) -> dict[str, Fraction | None]:
        return {g: self.rate(g) for g in GRADES}

    @property
    def bc_to_a_rate(self) -> Fraction | None:
        return Fraction(self.bc_to_a, self.bc_at) if self.bc_at else None


def _empty_stats() -> StageStats:
    return StageStats(at=dict.fromkeys(GRADES, 0), reached=dict.fromkeys(GRADES, 0))


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
    SQLite also runs, even on PostgreSQL (tests compare both)."""
    _check_period(start, end)
    out: dict[int, StageStats] = {}
    if owner_ids is not None:
        out = {pk: _empty_stats() for pk in owner_ids}
    if current is None:  # a caller passes the current funnel only for a period ending now
        qs = Lead.objects.filter(owner__isnull=False, status=LeadStatus.ACTIVE, created_at__lt=end)
        if owner_ids is not None:
            qs = qs.filter(owner_id__in=owner_ids)
        current = {}
        for row in qs.values("owner_id", "grade").annotate(n=Count("id")).order_by():
            current.setdefault(row["owner_id"], dict.fromkeys(GRADES, 0))[row["grade"]] = row["n"]
    for owner_id, counts in current.items():
        stats = out.setdefault(owner_id, _empty_stats())
        for g in GRADES:
            stats.at[g] += counts.get(g, 0)
        stats.bc_at += counts.get("B", 0) + counts.get("C", 0)

    then_owner, p1 = _owner_filter("owner_id", owner_ids)
    now_owner, p2 = _owner_filter("cur_owner", owner_ids)
    sums = ", ".join(
        f"SUM(CASE WHEN {_AT[g]} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {_AT[g]} AND max_rank > {RANK[g]} THEN 1 ELSE 0 END)"
        for g in GRADES
    )
    zeros = ", ".join(["0"] * (2 * len(GRADES) + 1))
    states, params = _stage_states_sql(start, end, portable=portable)
    sql = states + f"""
        SELECT 1, owner_id, '', {sums},
               SUM(CASE WHEN {_AT_BC} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {_AT_BC} AND max_rank >= {RANK['A']} THEN 1 ELSE 0 END)
        FROM st WHERE {then_owner} GROUP BY owner_id
        UNION ALL
        SELECT -1, cur_owner, cur_grade, COUNT(*), {zeros}
        FROM st WHERE cur_status = 'active' AND {now_owner} GROUP BY cur_owner, cur_grade
    """
    with connection.cursor() as cur:
        cur.execute(sql, [*params, *p1, *p2])
        for row in cur.fetchall():
            stats = out.setdefault(row[1], _empty_stats())
            if row[0] == -1:  # the changed lead was counted at its current grade above: take it back
                if row[2] in stats.at:
                    stats.at[row[2]] -= int(row[3])
                if row[2] in ("B", "C"):
                    stats.bc_at -= int(row[3])
                continue
            for i, g in enumerate(GRADES):
                stats.at[g] += int(row[3 + 2 * i] or 0)
                stats.reached[g] += int(row[4 + 2 * i] or 0)
            stats.bc_at += int(row[-2] or 0)
            stats.bc_to_a += int(row[-1] or 0)
    return out


# In `st` (_stage_states_sql): was the lead at grade g during the period (at its start, or entering it)?
_AT = {g: f"(start_grade = '{g}' OR v_{g} = 1)" for g in GRADES}
_AT_BC = f"({_AT['C']} OR {_AT['B']})"


def _stage_states_sql(start: dt.datetime, end: dt.datetime, *, portable: bool = False) -> tuple[str, list]:
    """`WITH … st(lead_id, cur_owner, cur_grade, cur_status, owner_id, start_grade, max_rank, v_E…v_A)`:
    each lead graded since `start` (created before `end`) with its owner over the period, its grade
    when the period began, the highest rank it reached in the period and the grades it entered;
    and the parameters. Behind stage_stats_by_owner's counts and stage_leads' lists alike."""
    gc, lead = _table(GradeChange), _table(Lead)
    rank = _rank_sql("to_grade", "to_status")
    visited = ", ".join(
        f"MAX(CASE WHEN in_period = 1 AND to_status = 'active' AND to_grade = '{g}' THEN 1 ELSE 0 END) AS v_{g}"
        for g in GRADES
    )
    if connection.vendor == "postgresql" and not portable:
        # One sort of the period's changes by (lead, time, id) feeds both the window functions
        # and the per-lead grouping: no per-group sorts (ordered aggregates), and an estimate low
        # enough to stay under jit_above_cost (JIT compilation alone cost ~120 ms here). The
        # last change in the period is the in-period row whose successor is not in the period.
        pc_agg = f"""
        WITH pc AS (
            SELECT lead_id, from_grade, to_grade, to_status, owner_id,
                   CASE WHEN changed_at < %s THEN 1 ELSE 0 END AS in_period,
                   ROW_NUMBER() OVER w AS rn,
                   LEAD(CASE WHEN changed_at < %s THEN 1 ELSE 0 END, 1, 0) OVER w AS next_in
            FROM {gc} WHERE changed_at >= %s
            WINDOW w AS (PARTITION BY lead_id ORDER BY changed_at, id)
        ), agg AS (
            SELECT lead_id,
                   MAX(CASE WHEN rn = 1 THEN from_grade END) AS first_from,
                   COALESCE(MAX(CASE WHEN in_period = 1 AND next_in = 0 THEN owner_id END),
                            MAX(CASE WHEN rn = 1 THEN owner_id END)) AS last_owner,
                   MAX(CASE WHEN in_period = 1 THEN {rank} ELSE -1 END) AS max_rank,
                   {visited}
            FROM pc GROUP BY lead_id
        """
    else:
        pc_agg = f"""
        WITH pc AS (
            SELECT lead_id, from_grade, to_grade, to_status, owner_id,
                   CASE WHEN changed_at < %s THEN 1 ELSE 0 END AS in_period,
                   ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY changed_at, id) AS rn_first,
                   ROW_NUMBER() OVER (PARTITION BY lead_id, CASE WHEN changed_at < %s THEN 1 ELSE 0 END
                                      ORDER BY changed_at DESC, id DESC) AS rn_last
            FROM {gc} WHERE changed_at >= %s
        ), agg AS (
            SELECT lead_id,
                   MAX(CASE WHEN rn_first = 1 THEN from_grade END) AS first_from,
                   COALESCE(MAX(CASE WHEN in_period = 1 AND rn_last = 1 THEN owner_id END),
                            MAX(CASE WHEN rn_first = 1 THEN owner_id END)) AS last_owner,
                   MAX(CASE WHEN in_period = 1 THEN {rank} ELSE -1 END) AS max_rank,
                   {visited}
            FROM pc GROUP BY lead_id
        """
    # A plain join: the planner picks index lookups for a few changed leads and one hash join
    # for many (10,000 pkey lookups cost more than a scan of the leads).
    sql = pc_agg + f"""
        ), st AS (
            SELECT a.lead_id, l.owner_id AS cur_owner, l.grade AS cur_grade, l.status AS cur_status,
                   COALESCE(a.last_owner, l.owner_id) AS owner_id,
                   CASE WHEN l.created_at >= %s THEN 'E' ELSE a.first_from END AS start_grade,
                   a.max_rank, {", ".join(f"a.v_{g}" for g in GRADES)}
            FROM agg a JOIN {lead} l ON l.id = a.lead_id
            WHERE l.created_at < %s
        )
    """
    s, e = _dt(start), _dt(end)
    return sql, [e, e, s, s, e]


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
    states, params = _stage_states_sql(start, end)
    then_owner, owner_params = _owner_filter("owner_id", scope.owner_ids)
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


def sum_stats(rows: Iterable[StageStats]) -> StageStats:
    total = _empty_stats()
    for s in rows:
        for g in GRADES:
            total.at[g] += s.at[g]
            total.reached[g] += s.reached[g]
        total.bc_at += s.bc_at
        total.bc_to_a += s.bc_to_a
    return total


def stage_stats(scope: Scope, start: dt.datetime, end: dt.datetime) -> StageStats:
    return sum_stats(stage_stats_by_owner(scope.owner_ids, start, end).values())


def average_days_in_stage(scope: Scope, start: dt.datetime, end: dt.datetime) -> dict[str, float | None]:
    """Average days a customer spent at each grade, over the stays that ended in [start, end)
    (a stay starts at the previous change, or at the lead's creation for the first E).

    A first stay whose change is dated before the lead's creation (a backdated sale synced from
    the dialer, a lead imported after its calls) has no known start: it is left out, never
    counted as a negative stay."""
    _check_period(start, end)
    gc, lead = _table(GradeChange), _table(Lead)
    owner_where, owner_params = _owner_filter("c.owner_id", scope.owner_ids)
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
        cur.execute(sql, [_dt(start), _dt(end), *owner_params])
        for grade, avg in cur.fetchall():
            if grade in out and avg is not None:
                out[grade] = round(float(avg) / 86400.0, 2)
    return out


# ---- weekly actuals for the plan ------------------------------------------------------------
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


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

