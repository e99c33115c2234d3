"""Pure target arithmetic (目标管理): exact allocation, calendar periods, uplift, pace, RAG,
tiers, projection, funnel requirements and below-pace streaks. No Django imports; Decimal only.

Every split goes through `allocate`, a largest-remainder allocation: the parts are whole
multiples of the quantum (a cent for money, one unit for counts) and always sum exactly to the
whole, so a 50,000,000 year target split into quarters, months and calendar weeks never loses or
invents a cent."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
UNIT = Decimal("1")

YEAR, QUARTER, MONTH, WEEK = "year", "quarter", "month", "week"
PERIOD_ORDER = [YEAR, QUARTER, MONTH, WEEK]

EVEN, CALENDAR_DAYS, WORKING_DAYS, SEASONALITY = "even", "calendar_days", "working_days", "seasonality"

RED, AMBER, GREEN = "red", "amber", "green"


class AllocationError(ValueError):
    """The amount or weights cannot be allocated (negative, not a multiple of the quantum…)."""


# ---- exact allocation ------------------------------------------------------------------------
def allocate(total: Decimal, weights: Sequence[Decimal | int | Fraction], *, quantum: Decimal = CENT) -> list[Decimal]:
    """Split `total` into len(weights) parts proportional to `weights`, each a multiple of
    `quantum`, summing exactly to `total` (largest remainder; ties go to the earlier part).
    All-zero weights split evenly."""
    total = Decimal(total)
    if not weights:
        raise AllocationError("Nothing to allocate to.")
    units_exact = Fraction(total) / Fraction(quantum)
    if units_exact.denominator != 1:
        raise AllocationError(f"{total} is not a whole multiple of {quantum}.")
    units = units_exact.numerator
    fw = [Fraction(w) if not isinstance(w, Decimal) else Fraction(w) for w in weights]
    if any(w < 0 for w in fw):
        raise AllocationError("Weights cannot be negative.")
    wsum = sum(fw)
    if wsum == 0:
        fw = [Fraction(1)] * len(fw)
        wsum = Fraction(len(fw))
    quotas = [units * w / wsum for w in fw]
    floors = [math.floor(q) for q in quotas]
    left = units - sum(floors)
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [(Decimal(n) * quantum).quantize(quantum) for n in floors]


def apply_uplift(amount: Decimal, percent: Decimal, *, quantum: Decimal = CENT) -> Decimal:
    """The amount handed down after a manager's uplift (求其上得其中): amount × (1 + percent/100)."""
    if percent < 0:
        raise AllocationError("Uplift cannot be negative.")
    return (Decimal(amount) * (1 + Decimal(percent) / 100)).quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Share:
    """One part of a split handed to a person: the base share, the uplift on top, the total."""

    key: object
    weight: Decimal
    base: Decimal
    uplift: Decimal

    @property
    def total(self) -> Decimal:
        return self.base + self.uplift


def shares_with_uplift(
    total: Decimal, weights: Mapping[object, Decimal], uplift_percent: Decimal, *, quantum: Decimal = CENT
) -> list[Share]:
    """Split `total` by weights and hand each part out with the uplift shown separately. Base
    parts sum exactly to `total`; handed-out parts sum exactly to total × (1 + uplift)."""
    keys = list(weights)
    wl = [Decimal(weights[k]) for k in keys]
    base = allocate(total, wl, quantum=quantum)
    handed = allocate(apply_uplift(total, uplift_percent, quantum=quantum), wl, quantum=quantum)
    return [Share(key=k, weight=w, base=b, uplift=h - b) for k, w, b, h in zip(keys, wl, base, handed, strict=True)]


# ---- calendar periods ------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """A closed range of local calendar days [start, end] of a given kind."""

    kind: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def each_day(self) -> Iterable[dt.date]:
        d = self.start
        while d <= self.end:
            yield d
            d += dt.timedelta(days=1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def label(self) -> str:
        if self.kind == YEAR:
            return str(self.start.year)
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        iso = self.start.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d} ({self.start:%m-%d}–{self.end:%m-%d})"


def year_period(year: int) -> Period:
    return Period(YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31))


def quarter_period(year: int, quarter: int) -> Period:
    first = dt.date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    return Period(QUARTER, first, dt.date(year, last_month, calendar.monthrange(year, last_month)[1]))


def month_period(year: int, month: int) -> Period:
    return Period(MONTH, dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))


def week_period(day: dt.date) -> Period:
    """The Monday–Sunday calendar week containing `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return Period(WEEK, monday, monday + dt.timedelta(days=6))


def period_containing(kind: str, day: dt.date) -> Period:
    if kind == YEAR:
        return year_period(day.year)
    if kind == QUARTER:
        return quarter_period(day.year, (day.month - 1) // 3 + 1)
    if kind == MONTH:
        return month_period(day.year, day.month)
    if kind == WEEK:
        return week_period(day)
    raise ValueError(f"Unknown period kind {kind!r}.")


def subperiods(parent: Period, kind: str) -> list[Period]:
    """Calendar periods of `kind` covering `parent`, clipped to it (a week straddling two months
    counts only its days inside the parent)."""
    if kind not in PERIOD_ORDER:
        raise ValueError(f"Unknown period kind {kind!r}.")
    out: list[Period] = []
    day = parent.start
    while day <= parent.end:
        p = period_containing(kind, day)
        clipped = Period(kind, max(p.start, parent.start), min(p.end, parent.end))
        out.append(clipped)
        day = clipped.end + dt.timedelta(days=1)
    return out


def next_kind(kind: str) -> str | None:
    """The next finer calendar period (year → quarter → month → week)."""
    i = PERIOD_ORDER.index(kind)
    return PERIOD_ORDER[i + 1] if i + 1 < len(PERIOD_ORDER) else None


# ---- working days ----------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkCalendar:
    """Weekends off, plus holidays; `extra_workdays` are weekend days made working (调休)."""

    holidays: frozenset[dt.date] = frozenset()
    extra_workdays: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def working_days(self, period: Period) -> list[dt.date]:
        return [d for d in period.each_day() if self.is_working_day(d)]

    def count(self, period: Period) -> int:
        return len(self.working_days(period))


def period_weights(
    periods: Sequence[Period],
    method: str,
    *,
    work_calendar: WorkCalendar | None = None,
    seasonality: Mapping[int, Decimal] | None = None,
) -> list[Fraction]:
    """Weights for splitting over time: even, calendar days, working days, or seasonality (a
    weight per month 1–12, spread over that month's days so clipped weeks get their part)."""
    if method == EVEN:
        return [Fraction(1)] * len(periods)
    if method == CALENDAR_DAYS:
        return [Fraction(p.days) for p in periods]
    if method == WORKING_DAYS:
        cal = work_calendar or WorkCalendar()
        weights = [Fraction(cal.count(p)) for p in periods]
        if sum(weights) == 0:
            raise AllocationError("The period has no working days.")
        return weights
    if method == SEASONALITY:
        season = {m: Fraction(Decimal(seasonality.get(m, 1))) for m in range(1, 13)} if seasonality else None
        if season is None:
            raise AllocationError("Seasonality needs a weight per month.")
        if any(w < 0 for w in season.values()):
            raise AllocationError("Seasonality weights cannot be negative.")
        return [
            sum((season[d.month] / calendar.monthrange(d.year, d.month)[1] for d in p.each_day()), Fraction(0))
            for p in periods
        ]
    raise AllocationError(f"Unknown split method {method!r}.")


def split_over_time(
    total: Decimal,
    parent: Period,
    kind: str,
    method: str = EVEN,
    *,
    quantum: Decimal = CENT,
    work_calendar: WorkCalendar | None = None,
    seasonality: Mapping[int, Decimal] | None = None,
) -> list[tuple[Period, Decimal]]:
    """Split a period's total into its calendar sub-periods; the parts sum exactly to `total`."""
    periods = subperiods(parent, kind)
    weights = period_weights(periods, method, work_calendar=work_calendar, seasonality=seasonality)
    return list(zip(periods, allocate(total, weights, quantum=quantum), strict=True))


def day_share(
    total: Decimal, period: Period, day: dt.date, *, work_calendar: WorkCalendar | None = None, quantum: Decimal = CENT
) -> Decimal:
    """One day's part of a period's total: the total split over the period's working days with
    `allocate`, so the days' parts sum exactly to the total (a day off gets none; a period without
    a working day is split over all its days)."""
    if not period.contains(day):
        raise ValueError(f"{day} is not in {period.label()}.")
    cal = work_calendar or WorkCalendar()
    days = list(period.each_day())
    return allocate(total, [1 if cal.is_working_day(d) else 0 for d in days], quantum=quantum)[days.index(day)]


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


# ---- funnel decomposition --------------------------------------------------------------------
@dataclass(frozen=True)
class DriverRates:
    """Driver rates from sums of KPI facts (seed 000's performance-driver model)."""

    calls_per_customer: Decimal | None  # calls_made / customers_dialled
    connect_rate: Decimal | None  # reached / dialled (有效联通率)
    quote_rate: Decimal | None  # quoted / reached (报价成功率)
    close_rate: Decimal | None  # sold / quoted (销售成功率)
    avg_premium: Decimal | None  # premium / sold (客均保费)
    avg_margin: Decimal | None  # margin / sold


def _ratio(a, b) -> Decimal | None:
    return (Decimal(a) / Decimal(b)) if b else None


def driver_rates(*, calls_made, customers_dialled, customers_reached, customers_quoted, customers_sold, premium, margin_amount) -> DriverRates:
    """Ratios of summed facts — never averages of daily ratios."""
    return DriverRates(
        calls_per_customer=_ratio(calls_made, customers_dialled),
        connect_rate=_ratio(customers_reached, customers_dialled),
        quote_rate=_ratio(customers_quoted, customers_reached),
        close_rate=_ratio(customers_sold, customers_quoted),
        avg_premium=_ratio(premium, customers_sold),
        avg_margin=_ratio(margin_amount, customers_sold),
    )


FUNNEL_STAGES = ["calls", "customers_dialled", "customers_reached", "customers_quoted", "customers_sold"]
# Where each metric enters the funnel, and the divisor that turns it into customers sold.
METRIC_STAGE = {
    "premium": "customers_sold",
    "margin": "customers_sold",
    "policies_sold": "customers_sold",
    "new_customers": "customers_sold",
    "customers_reached": "customers_reached",
    "customers_dialled": "customers_dialled",
    "calls": "calls",
}


def _ceil(x: Decimal) -> int:
    return int(x.to_integral_value(rounding=ROUND_CEILING))


def funnel_requirements(metric: str, amount: Decimal, rates: DriverRates) -> dict[str, int] | None:
    """Walk the funnel backwards: how many sold, quoted, reached, dialled customers and calls it
    takes to make `amount` of `metric` at the given rates. None when a needed rate is unknown."""
    amount = Decimal(max(amount, 0))
    need: dict[str, Decimal] = {}
    stage = METRIC_STAGE[metric]
    if metric == "premium":
        if not rates.avg_premium:
            return None
        need["customers_sold"] = amount / rates.avg_premium
    elif metric == "margin":
        if not rates.avg_margin:
            return None
        need["customers_sold"] = amount / rates.avg_margin
    else:
        need[stage] = amount
    steps: list[tuple[str, str, Callable[[DriverRates], Decimal | None]]] = [
        ("customers_sold", "customers_quoted", lambda r: r.close_rate),
        ("customers_quoted", "customers_reached", lambda r: r.quote_rate),
        ("customers_reached", "customers_dialled", lambda r: r.connect_rate),
    ]
    for src, dst, rate in steps:
        if src in need:
            r = rate(rates)
            if not r:
                return None
            need[dst] = need[src] / r
    if "customers_dialled" in need:
        if not rates.calls_per_customer:
            return None
        need["calls"] = need["customers_dialled"] * rates.calls_per_customer
    return {k: _ceil(v) for k, v in need.items()}


def per_day(requirements: Mapping[str, int], days: int) -> dict[str, int]:
    """Daily figures for the days left (rounded up: '~N calls a day')."""
    if days <= 0:
        return dict(requirements)
    return {k: math.ceil(v / days) for k, v in requirements.items()}


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
