"""What the stage statistics of a period share, whether it ends now (funnel.selectors.stages) or
ended in the past (funnel.selectors.stages_past): the numbers per owner, the SQL test of "was at
grade g in the period" over a statement's `st` rows, and how the rows of a correcting statement
are applied to the numbers read from a funnel."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from funnel.domain import GRADES


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
