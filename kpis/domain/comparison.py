"""Comparison with another period (环比 / 同比): the base period, every measure's exact change,
and which records stand behind each number on a KPI page (the drill-down)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from kpis.domain.drivers import (
    COUNT,
    DRIVER_UNITS,
    MONEY,
    Counts,
    decompose,
    fraction_to_decimal,
    round_by_unit,
)

COMPARE_KINDS = ("previous", "last_year")

# What a comparison shows, in the order of the funnel: each driver next to the count behind it.
COMPARED = (
    "calls_made",
    "talk_seconds",
    "outbound_customers",
    "effective_connect_rate",
    "customers_reached",
    "quote_success_rate",
    "customers_quoted",
    "sales_success_rate",
    "customers_sold",
    "avg_premium",
    "premium",
    "avg_margin_rate",
    "margin_amount",
)
MEASURE_UNITS = {
    **DRIVER_UNITS,
    "calls_made": COUNT,
    "talk_seconds": COUNT,
    "customers_dialled": COUNT,
    "customers_reached": COUNT,
    "customers_quoted": COUNT,
    "customers_sold": COUNT,
    "premium": MONEY,
    "margin_amount": MONEY,
}
PERCENT_PLACES = 2


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same number of days that ends the day before `start` (环比)."""
    days = (end - start).days + 1
    return start - dt.timedelta(days=days), start - dt.timedelta(days=1)


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February: the last day of February a year earlier
        return day.replace(year=day.year - 1, day=28)


def same_period_last_year(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The same calendar dates a year earlier (同比); 29 February becomes the 28th."""
    return _year_earlier(start), _year_earlier(end)


def compare_period(kind: str, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period to compare [start, end] with: `previous` or `last_year` (COMPARE_KINDS)."""
    if kind == "previous":
        return previous_period(start, end)
    if kind == "last_year":
        return same_period_last_year(start, end)
    raise ValueError(f"Unknown comparison: {kind}")


@dataclass(frozen=True)
class Change:
    """A value against the value it is compared with; exact. None where a side is n/a."""

    current: Fraction | None
    base: Fraction | None

    @property
    def absolute(self) -> Fraction | None:
        """current − base (for a rate: in rate units, 0.025 = 2.5 percentage points)."""
        if self.current is None or self.base is None:
            return None
        return self.current - self.base

    @property
    def percent(self) -> Fraction | None:
        """The change relative to the base, in percent; None (n/a) when the base is zero or n/a."""
        if self.absolute is None or not self.base:
            return None
        return self.absolute / abs(self.base) * 100


def _exact(value) -> Fraction | None:
    return None if value is None else Fraction(value)


def measure_values(counts: Counts) -> dict[str, Fraction | None]:
    """Every compared measure (COMPARED) of one set of counts, exactly."""
    values: dict[str, Fraction | None] = dict(decompose(counts).factors())
    for name in COMPARED:
        if name not in values:
            values[name] = _exact(getattr(counts, name))
    return {name: values[name] for name in COMPARED}


def compare(current: Counts, base: Counts) -> dict[str, Change]:
    """Each measure of COMPARED now against the base period (exact absolute and % change)."""
    now, then = measure_values(current), measure_values(base)
    return {name: Change(now[name], then[name]) for name in COMPARED}


def display_change(name: str, change: Change) -> dict[str, Decimal | int | None]:
    """A change rounded for people: values and the absolute change by the measure's unit, the
    percent change to two places (half up); None stays None (n/a)."""
    unit = MEASURE_UNITS[name]
    percent = None if change.percent is None else fraction_to_decimal(change.percent, places=PERCENT_PLACES)
    return {"current": round_by_unit(change.current, unit), "base": round_by_unit(change.base, unit),
            "absolute": round_by_unit(change.absolute, unit), "percent": percent}


# Which records stand behind each number on a KPI page (the drill-down): the distinct customers
# at a stage, or the calls at a stage (None: every call, as talk time counts them). A rate links
# to its numerator's customers; money and its averages to the sold calls that carry it.
DRILL_BEHIND = {
    "calls_made": ("calls", "dialled"),
    "talk_seconds": ("calls", None),
    "outbound_customers": ("customers", "dialled"),
    "customers_dialled": ("customers", "dialled"),
    "effective_connect_rate": ("customers", "reached"),
    "customers_reached": ("customers", "reached"),
    "quote_success_rate": ("customers", "quoted"),
    "customers_quoted": ("customers", "quoted"),
    "accumulated_customers": ("customers", "quoted"),
    "sales_success_rate": ("customers", "sold"),
    "customers_sold": ("customers", "sold"),
    "avg_premium": ("calls", "sold"),
    "premium": ("calls", "sold"),
    "avg_margin_rate": ("calls", "sold"),
    "margin_amount": ("calls", "sold"),
}
