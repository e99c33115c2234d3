"""The time-based funnel plan (基于时间分配的漏斗管理) for a scope: selectors feed the pure
backward method in funnel.domain.

The first plan uses the funnel as it stood when the period began (rebuilt from the grade
history) and the rates of the `RATE_LOOKBACK_DAYS` before it; each finished week's actuals then
correct the rates and the remaining weeks are re-planned from the funnel as it is now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from django.utils import timezone

from funnel import domain, selectors
from funnel.selectors import Scope
from telesales.days import local_midnight

RATE_LOOKBACK_DAYS = 90
# Used for a stage with no history at all (a new rep or team) unless the user types a rate.
FALLBACK_RATE = Fraction(1, 2)
MAX_WEEKS = 26


@dataclass
class PlanResult:
    scope: Scope
    start: dt.date
    weeks: int
    target: int
    rates: dict[str, Fraction]
    rate_sources: dict[str, str]
    start_counts: dict[str, int]
    plan: domain.BackwardPlan
    actuals: list[domain.WeekActual]  # finished weeks
    replan: domain.Replan | None
    report: domain.PeriodReport
    week_starts: list[dt.date]
    finished: bool


def starting_rates(
    scope: Scope, before: dt.datetime, typed: Mapping[str, object] | None = None
) -> tuple[dict[str, Fraction], dict[str, str]]:
    """Typed rates win; else the scope's observed rates over the lookback; else FALLBACK_RATE."""
    typed = typed or {}
    stats = selectors.stage_stats(scope, before - dt.timedelta(days=RATE_LOOKBACK_DAYS), before)
    rates, sources = {}, {}
    for grade in domain.GRADES:
        if typed.get(grade) not in (None, ""):
            rates[grade], sources[grade] = domain.to_fraction(typed[grade]), "typed"
        elif stats.rate(grade):
            rates[grade], sources[grade] = stats.rate(grade), "history"
        else:
            rates[grade], sources[grade] = FALLBACK_RATE, "assumed"
    return rates, sources


def build_plan(
    *, scope: Scope, target: int, start: dt.date, weeks: int, rates: Mapping[str, object] | None = None,
    now: dt.datetime | None = None,
) -> PlanResult:
    """Plan, weekly actuals, re-plan of the remaining weeks and the period report for a scope."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"the period must have between 1 and {MAX_WEEKS} weeks")
    now = now or timezone.now()
    begin = local_midnight(start)
    start_rates, sources = starting_rates(scope, begin, rates)
    start_counts = selectors.funnel_counts(scope, as_of=begin)
    plan = domain.backward_plan(target=target, weeks=weeks, rates=start_rates, current=start_counts)
    week_starts = [start + dt.timedelta(weeks=i) for i in range(weeks)]
    actuals = []
    for i, monday in enumerate(week_starts):
        week_end = local_midnight(monday + dt.timedelta(days=7))
        if week_end > now:
            break
        actuals.append(selectors.week_actual(scope, local_midnight(week_starts[i]), week_end))
    finished = len(actuals) == weeks
    current = None if begin > now else selectors.funnel_counts(scope)
    rp = None
    if actuals and not finished:
        rp = domain.replan(
            target=target, weeks=weeks, planned_rates=start_rates, actuals=actuals, current=current or start_counts
        )
    report = domain.period_report(plan=plan, actuals=actuals)
    return PlanResult(
        scope=scope, start=start, weeks=weeks, target=target, rates=start_rates, rate_sources=sources,
        start_counts=start_counts, plan=plan, actuals=actuals, replan=rp, report=report,
        week_starts=week_starts, finished=finished,
    )
