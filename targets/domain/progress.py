"""Progress against a target: time-elapsed pace, RAG status, the tier reached, the linear
projection, below-pace streaks for alerts and the attainability hint against history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from targets.domain.periods import Period, WorkCalendar

RED, AMBER, GREEN = "red", "amber", "green"


# ---- progress --------------------------------------------------------------------------------
def elapsed_share(period: Period, as_of: dt.date, work_calendar: WorkCalendar | None = None) -> Fraction:
    """Share of the period gone by at the end of `as_of` (working days when a calendar is
    given, calendar days otherwise)."""
    if as_of < period.start:
        return Fraction(0)
    if as_of >= period.end:
        return Fraction(1)
    done = Period(period.kind, period.start, as_of)
    if work_calendar is not None:
        total = work_calendar.count(period)
        if total:
            return Fraction(work_calendar.count(done), total)
    return Fraction(done.days, period.days)


@dataclass(frozen=True)
class Tier:
    name: str
    threshold: Decimal
    coefficient: Decimal


@dataclass(frozen=True)
class Progress:
    target: Decimal
    actual: Decimal
    elapsed: Decimal  # 0–1
    expected: Decimal  # the pace: target × elapsed
    attainment: Decimal  # actual / target
    pace_ratio: Decimal | None  # actual / expected
    rag: str
    tier: Tier | None
    projected: Decimal | None
    remaining: Decimal


def rag_status(pace_ratio: Decimal | None, *, green_at: Decimal = Decimal("1"), amber_at: Decimal = Decimal("0.8")) -> str:
    """Green when at or ahead of pace, amber when at least `amber_at` of pace, red below."""
    if pace_ratio is None:
        return GREEN
    if pace_ratio >= green_at:
        return GREEN
    if pace_ratio >= amber_at:
        return AMBER
    return RED


def tier_reached(actual: Decimal, tiers: Sequence[Tier]) -> Tier | None:
    """The highest tier whose threshold the actual has reached (base, challenge, excellence)."""
    best = None
    for tier in sorted(tiers, key=lambda t: t.threshold):
        if actual >= tier.threshold:
            best = tier
    return best


def _q(x: Fraction | Decimal, places: str = "0.0001") -> Decimal:
    if isinstance(x, Fraction):
        x = Decimal(x.numerator) / Decimal(x.denominator)
    return x.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def progress(
    *,
    target: Decimal,
    actual: Decimal,
    period: Period,
    as_of: dt.date,
    tiers: Sequence[Tier] = (),
    work_calendar: WorkCalendar | None = None,
    amber_at: Decimal = Decimal("0.8"),
) -> Progress:
    """Actual vs target and vs time-elapsed pace, RAG, tier reached and the linear projection."""
    share = elapsed_share(period, as_of, work_calendar)
    target = Decimal(target)
    actual = Decimal(actual)
    expected = _q(Fraction(target) * share, "0.01")
    pace_ratio = _q(Fraction(actual) / Fraction(expected)) if expected > 0 else None
    projected = _q(Fraction(actual) / share, "0.01") if share > 0 else None
    return Progress(
        target=target,
        actual=actual,
        elapsed=_q(share),
        expected=expected,
        attainment=_q(Fraction(actual) / Fraction(target)) if target > 0 else Decimal(0),
        pace_ratio=pace_ratio,
        rag=rag_status(pace_ratio, amber_at=amber_at),
        tier=tier_reached(actual, tiers),
        projected=projected,
        remaining=max(target - actual, Decimal(0)),
    )


# ---- alert streaks ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Streak:
    start: dt.date
    end: dt.date
    days: int


def below_pace_streaks(
    daily: Sequence[tuple[dt.date, Decimal]], daily_pace: Decimal, *, threshold_percent: Decimal, min_days: int
) -> list[Streak]:
    """Runs of consecutive (working) days whose actual is below threshold% of the daily pace,
    at least `min_days` long. `daily` lists only the working days to judge, in order."""
    limit = Decimal(daily_pace) * Decimal(threshold_percent) / 100
    streaks: list[Streak] = []
    run: list[dt.date] = []
    for day, value in list(daily) + [(None, None)]:
        if day is not None and Decimal(value) < limit:
            run.append(day)
            continue
        if len(run) >= min_days:
            streaks.append(Streak(run[0], run[-1], len(run)))
        run = []
    return streaks


# ---- attainability ---------------------------------------------------------------------------
STRETCH_FACTOR = Decimal("1.35")


def stretch_hint(value: Decimal, days: int, best_history: Decimal | None, best_days: int | None) -> tuple[bool, str]:
    """Compare a target with the best comparable history, per calendar day: more than +35% over
    the best is a stretch (still allowed, flagged for the manager)."""
    if not best_history or not best_days:
        return False, "No comparable history for this owner; the target cannot be checked for attainability."
    per_day_target = Decimal(value) / days
    per_day_best = Decimal(best_history) / best_days
    uplift = (per_day_target / per_day_best - 1) * 100
    pct = uplift.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if per_day_target > per_day_best * STRETCH_FACTOR:
        return True, f"Stretch: {pct:+}% over the best comparable period in history."
    return False, f"{pct:+}% against the best comparable period in history."
