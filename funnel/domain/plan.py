"""Planning the funnel: pipeline coverage, the backward weekly plan (倒推法), its correction by
each week's actuals and the report over the period. Exact arithmetic with Fraction."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from funnel.domain.grades import GRADES, NEXT_STAGE, RateLike, grade_counts, to_fraction


def _ceil(value: Fraction) -> int:
    return math.ceil(value)


def allocate_evenly(total: int, parts: int) -> list[int]:
    """Split an integer into `parts` integers that differ by at most one and sum exactly to
    `total` (largest remainder; earlier weeks take the extra units, so the plan is front-loaded)."""
    if parts <= 0:
        raise ValueError("parts must be positive")
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


# ---- pipeline coverage ----------------------------------------------------------------------
@dataclass(frozen=True)
class Coverage:
    prospects_needed: int
    exact: Fraction
    in_progress_per_month: Fraction


def pipeline_coverage(*, cycle_months: RateLike, win_rate: RateLike, new_customers_per_month: RateLike) -> Coverage:
    """Prospects the pipeline must hold: goal per month × cycle length ÷ win rate (seed 003:
    4-month cycle, 1/3 win rate, 3 new customers a month → at least 36 prospects)."""
    cycle = to_fraction(cycle_months)
    rate = to_fraction(win_rate)
    goal = to_fraction(new_customers_per_month)
    if cycle <= 0:
        raise ValueError("cycle length must be positive")
    if not 0 < rate <= 1:
        raise ValueError("win rate must be above 0 and at most 1")
    if goal < 0:
        raise ValueError("the goal cannot be negative")
    exact = goal * cycle / rate
    return Coverage(prospects_needed=_ceil(exact), exact=exact, in_progress_per_month=goal / rate)


# ---- backward plan (倒推法) -----------------------------------------------------------------
def normalize_rates(rates: Mapping[str, RateLike]) -> dict[str, Fraction]:
    """Stage rates keyed by the grade they leave (E..A); each must be in (0, 1]."""
    out = {}
    for grade in GRADES:
        if grade not in rates or rates[grade] is None:
            raise ValueError(f"missing conversion rate for stage {grade}→{NEXT_STAGE[grade]}")
        value = to_fraction(rates[grade])
        if not 0 < value <= 1:
            raise ValueError(f"conversion rate for stage {grade}→{NEXT_STAGE[grade]} must be above 0 and at most 1")
        out[grade] = value
    return out


@dataclass(frozen=True)
class BackwardPlan:
    target: int
    weeks: int
    rates: dict[str, Fraction]
    current: dict[str, int]
    # Customers that must pass through each grade to reach the target, counting those there now.
    needed: dict[str, int]
    # Of those, how many must still enter each grade (needed minus the customers already there).
    new_needed: dict[str, int]
    # Customers needed at each grade if the funnel were empty (target ÷ the product of the rates).
    from_scratch: dict[str, int]
    weekly_sales: list[int]
    weekly_new: list[dict[str, int]]
    first_week: int = 1

    def week_rows(self) -> list[dict]:
        return [
            {"week": self.first_week + i, "sales": self.weekly_sales[i], **self.weekly_new[i]}
            for i in range(self.weeks)
        ]


def backward_plan(
    *, target: int, weeks: int, rates: Mapping[str, RateLike], current: Mapping[str, int], first_week: int = 1
) -> BackwardPlan:
    """From a sales target, stage rates and the current funnel, work back from won to E.

    A needed = ⌈target ÷ rate(A→won)⌉; new A = max(0, A needed − A now); B needed = ⌈new A ÷ rate(B→A)⌉;
    and so on up to E. New entries per grade are spread evenly over the weeks."""
    if int(target) != target or target < 0:
        raise ValueError("the target must be a whole number of sales, 0 or more")
    if int(weeks) != weeks or weeks < 1:
        raise ValueError("the period must have at least one week")
    target, weeks = int(target), int(weeks)
    r = normalize_rates(rates)
    now = grade_counts(current)
    needed, new_needed, from_scratch = {}, {}, {}
    flow = Fraction(target)  # customers that must come out of the stage being computed
    scratch = Fraction(target)
    for grade in reversed(GRADES):
        needed[grade] = _ceil(flow / r[grade])
        new_needed[grade] = max(0, needed[grade] - now[grade])
        flow = Fraction(new_needed[grade])
        scratch = scratch / r[grade]
        from_scratch[grade] = _ceil(scratch)
    per_grade = {g: allocate_evenly(new_needed[g], weeks) for g in GRADES}
    weekly_new = [{g: per_grade[g][i] for g in GRADES} for i in range(weeks)]
    return BackwardPlan(
        target=target,
        weeks=weeks,
        rates=r,
        current=now,
        needed={g: needed[g] for g in GRADES},
        new_needed={g: new_needed[g] for g in GRADES},
        from_scratch={g: from_scratch[g] for g in GRADES},
        weekly_sales=allocate_evenly(target, weeks),
        weekly_new=weekly_new,
        first_week=first_week,
    )


@dataclass(frozen=True)
class WeekActual:
    """What happened in one week: sales won, new entries per grade, and per stage how many
    customers were at the grade (`at`) and how many of them reached the next one (`reached`)."""

    won: int = 0
    entered: dict[str, int] = field(default_factory=dict)
    at: dict[str, int] = field(default_factory=dict)
    reached: dict[str, int] = field(default_factory=dict)


def observed_rates(actuals: Sequence[WeekActual]) -> dict[str, Fraction | None]:
    """Pooled stage rates over the weeks given: Σ reached ÷ Σ at (None where nobody was at it)."""
    out: dict[str, Fraction | None] = {}
    for grade in GRADES:
        at = sum(w.at.get(grade, 0) for w in actuals)
        reached = sum(w.reached.get(grade, 0) for w in actuals)
        out[grade] = Fraction(reached, at) if at else None
    return out


def corrected_rates(
    planned: Mapping[str, RateLike], actuals: Sequence[WeekActual], *, min_sample: int = 1
) -> tuple[dict[str, Fraction], dict[str, str]]:
    """Correct the planned rates with actuals (step 3 of 倒推法): a stage takes its observed rate
    when at least `min_sample` customers were at it and at least one moved on; otherwise
    (no sample, or no conversion yet, which would make the plan impossible) it keeps the plan."""
    plan = normalize_rates(planned)
    seen = observed_rates(actuals)
    rates, sources = {}, {}
    for grade in GRADES:
        at = sum(w.at.get(grade, 0) for w in actuals)
        value = seen[grade]
        if value is not None and at >= min_sample and value > 0:
            rates[grade], sources[grade] = min(value, Fraction(1)), "actual"
        else:
            rates[grade], sources[grade] = plan[grade], "planned"
    return rates, sources


@dataclass(frozen=True)
class Replan:
    weeks_done: int
    won_so_far: int
    remaining_target: int
    rates: dict[str, Fraction]
    rate_sources: dict[str, str]
    plan: BackwardPlan | None  # None when no week is left


def replan(
    *,
    target: int,
    weeks: int,
    planned_rates: Mapping[str, RateLike],
    actuals: Sequence[WeekActual],
    current: Mapping[str, int],
    min_sample: int = 1,
) -> Replan:
    """Re-plan the remaining weeks from the actuals of the weeks done and the funnel now."""
    done = len(actuals)
    if done > weeks:
        raise ValueError("more weeks of actuals than the period has")
    won = sum(w.won for w in actuals)
    remaining = max(0, int(target) - won)
    rates, sources = corrected_rates(planned_rates, actuals, min_sample=min_sample)
    plan = None
    if weeks - done > 0:
        plan = backward_plan(target=remaining, weeks=weeks - done, rates=rates, current=current, first_week=done + 1)
    return Replan(
        weeks_done=done, won_so_far=won, remaining_target=remaining, rates=rates, rate_sources=sources, plan=plan
    )


@dataclass(frozen=True)
class WeekReport:
    week: int
    planned_sales: int
    won: int
    share: Fraction | None  # won ÷ planned for the week (None when nothing was planned)
    cumulative_won: int
    cumulative_share_of_target: Fraction | None


@dataclass(frozen=True)
class PeriodReport:
    target: int
    won: int
    share_of_target: Fraction | None
    average_rates: dict[str, Fraction | None]
    weeks: list[WeekReport]


def period_report(*, plan: BackwardPlan, actuals: Sequence[WeekActual]) -> PeriodReport:
    """Step 4 of 倒推法: average conversion rates over the period and the share of the plan
    achieved each week (won ÷ the week's planned sales)."""
    rows, cumulative = [], 0
    for i, actual in enumerate(actuals):
        planned = plan.weekly_sales[i] if i < len(plan.weekly_sales) else 0
        cumulative += actual.won
        rows.append(
            WeekReport(
                week=plan.first_week + i,
                planned_sales=planned,
                won=actual.won,
                share=Fraction(actual.won, planned) if planned else None,
                cumulative_won=cumulative,
                cumulative_share_of_target=Fraction(cumulative, plan.target) if plan.target else None,
            )
        )
    return PeriodReport(
        target=plan.target,
        won=cumulative,
        share_of_target=Fraction(cumulative, plan.target) if plan.target else None,
        average_rates=observed_rates(actuals),
        weeks=rows,
    )
