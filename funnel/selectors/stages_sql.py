"""What the stage statistics of a period share, whether it ends now (funnel.selectors.stages) or
ended in the past (funnel.selectors.stages_past): the numbers per owner, the SQL test of "was at
grade g in the period" over a statement's `st` rows, and how the rows of a correcting statement
are applied to the numbers read from a funnel."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from funnel.domain import GRADES
from funnel.selectors.sql import RANK, owner_filter


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


def empty_stats() -> StageStats:
    return StageStats(at=dict.fromkeys(GRADES, 0), reached=dict.fromkeys(GRADES, 0))


# In `st` (a statement's rows): was the lead at grade g during the period (at its start, or entering it)?
AT_SQL = {g: f"(start_grade = '{g}' OR v_{g} = 1)" for g in GRADES}
AT_BC_SQL = f"({AT_SQL['C']} OR {AT_SQL['B']})"


def correct_for_changed_leads(out: dict[int, StageStats], rows) -> None:
    """Apply the rows of a correcting statement (funnel.selectors.stages, stages_past) to the
    statistics read from a funnel: +1 rows add a changed lead as the period saw it, -1 rows take
    back what the funnel counted for it."""
    for row in rows:
        stats = out.setdefault(row[1], empty_stats())
        if row[0] == -1:  # the funnel counted the changed lead at this grade: take it back
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


def stage_sums_sql(states: str, params: list, owner_ids, *, held: str) -> tuple[str, list]:
    """Over the CTE `st` of `states`: rows (1, owner, '', at and reached per grade, B/C at, B/C
    reached A) per owner of each lead's last change in the period, and rows (-1, holder, grade, n)
    per `{held}_owner`/`{held}_grade` of the active leads, which take back what the funnel read for
    them counted (correct_for_changed_leads applies both)."""
    then_owner, p1 = owner_filter("owner_id", owner_ids)
    held_owner, p2 = owner_filter(f"{held}_owner", owner_ids)
    sums = ", ".join(
        f"SUM(CASE WHEN {AT_SQL[g]} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {AT_SQL[g]} AND max_rank > {RANK[g]} THEN 1 ELSE 0 END)"
        for g in GRADES
    )
    zeros = ", ".join(["0"] * (2 * len(GRADES) + 1))
    sql = states + f"""
        SELECT 1, owner_id, '', {sums},
               SUM(CASE WHEN {AT_BC_SQL} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {AT_BC_SQL} AND max_rank >= {RANK['A']} THEN 1 ELSE 0 END)
        FROM st WHERE {then_owner} GROUP BY owner_id
        UNION ALL
        SELECT -1, {held}_owner, {held}_grade, COUNT(*), {zeros}
        FROM st WHERE {held}_status = 'active' AND {held_owner} GROUP BY {held}_owner, {held}_grade
    """
    return sql, [*params, *p1, *p2]
