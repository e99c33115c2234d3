"""Calendar periods (year, quarter, month, calendar week clipped to its parent), working days
(weekends, holidays and 调休 make-up days) and the split of a period's target over its
sub-periods: even, by calendar days, by working days or by monthly seasonality."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from targets.domain.allocation import CENT, AllocationError, allocate

YEAR, QUARTER, MONTH, WEEK = "year", "quarter", "month", "week"
PERIOD_ORDER = [YEAR, QUARTER, MONTH, WEEK]

EVEN, CALENDAR_DAYS, WORKING_DAYS, SEASONALITY = "even", "calendar_days", "working_days", "seasonality"


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
