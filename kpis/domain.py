"""The performance-driver model (电销业绩驱动模型), pure Python: no Django, exact arithmetic.

    margin result = outbound customers (呼出客户数)
                  × effective connect rate (有效联通率)  = customers reached / customers dialled
                  × quote success rate     (报价成功率)  = customers quoted  / customers reached
                  × sales success rate     (销售成功率)  = customers sold    / customers quoted
                  × average premium        (客均保费)    = premium           / customers sold
                  × average margin rate    (平均利润率)  = margin amount     / premium

Counting rules (applied by the KPI job, kpis/services.py, and relied upon here):
- Customers are DISTINCT leads per rep per local calendar day ("customer-days"); a period sums
  the daily facts, so a customer worked on three different days counts three times. Calling the
  same customer five times in a day counts once in every rate (calls_made counts all five).
- The funnel is monotone per customer-day: sold implies quoted, quoted implies reached, reached
  implies dialled. A sale logged without a prior quote therefore counts as quoted too, so every
  rate stays within 0..1 and the product telescopes.
- Premium and margin come from calls whose disposition is flagged `sold`; margin of a call is
  premium × margin_rate rounded to the cent, so the measured margin is a sum of cents.

Because each factor's denominator is the previous factor's numerator, the product equals the
measured margin exactly (rates are kept as Fractions; Decimal is only used for display). A zero
denominator gives None ("n/a"); the product then stops at the preceding zero factor, so the
identity still holds (nothing reached ⇒ nothing sold ⇒ margin 0).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from kpis.remedies import REMEDIES

NA = "n/a"

# Order matters: it is the order of the product.
DRIVERS = (
    "outbound_customers",
    "effective_connect_rate",
    "quote_success_rate",
    "sales_success_rate",
    "avg_premium",
    "avg_margin_rate",
)
# What each driver (and the accumulated customers a diagnosis adds) counts; it decides how a value
# is rounded and shown everywhere (API, pages, exports, charts).
COUNT, MONEY, RATE = "count", "money", "rate"
DRIVER_UNITS = {
    "outbound_customers": COUNT,
    "effective_connect_rate": RATE,
    "quote_success_rate": RATE,
    "sales_success_rate": RATE,
    "avg_premium": MONEY,
    "avg_margin_rate": RATE,
    "accumulated_customers": COUNT,
}
UNIT_PLACES = {COUNT: 0, MONEY: 2, RATE: 4}
RATE_DRIVERS = tuple(name for name in DRIVERS if DRIVER_UNITS[name] == RATE)

DRIVER_LABELS = {
    "outbound_customers": "Outbound customers (呼出客户数)",
    "effective_connect_rate": "Effective connect rate (有效联通率)",
    "quote_success_rate": "Quote success rate (报价成功率)",
    "sales_success_rate": "Sales success rate (销售成功率)",
    "avg_premium": "Average premium (客均保费)",
    "avg_margin_rate": "Average margin rate (平均利润率)",
    "accumulated_customers": "Accumulated intent customers (客户积累)",
}


@dataclass(frozen=True)
class Counts:
    """Summed daily facts for any rep/team/company and period."""

    customers_dialled: int = 0
    customers_reached: int = 0
    customers_quoted: int = 0
    customers_sold: int = 0
    premium: Decimal = Decimal("0")
    margin_amount: Decimal = Decimal("0")
    calls_made: int = 0
    talk_seconds: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(Counts)})

    @classmethod
    def from_mapping(cls, row: Mapping) -> Counts:
        """Build from a dict-like row (a queryset .values() row or a pandas row); money exactly
        (a float row value is read through its shortest text), everything else as whole numbers."""
        return cls(**{f.name: Decimal(str(row.get(f.name) or 0)) if f.name in ("premium", "margin_amount")
                      else int(row.get(f.name) or 0) for f in fields(cls)})

    @property
    def is_consistent(self) -> bool:
        """The funnel is monotone and money is non-negative (what the KPI job guarantees)."""
        return (
            0 <= self.customers_sold <= self.customers_quoted <= self.customers_reached <= self.customers_dialled
            and 0 <= self.margin_amount <= self.premium
            and (self.customers_sold > 0 or self.premium == 0)
        )


def _ratio(numerator, denominator) -> Fraction | None:
    if not denominator:
        return None
    return Fraction(Decimal(numerator)) / Fraction(Decimal(denominator))


@dataclass(frozen=True)
class Drivers:
    """The six factors. Rates are exact Fractions or None (n/a: zero denominator)."""

    outbound_customers: int
    effective_connect_rate: Fraction | None
    quote_success_rate: Fraction | None
    sales_success_rate: Fraction | None
    avg_premium: Fraction | None
    avg_margin_rate: Fraction | None
    measured_margin: Decimal = Decimal("0")

    def factors(self) -> list[tuple[str, Fraction | None]]:
        return [(name, None if getattr(self, name) is None else Fraction(getattr(self, name))) for name in DRIVERS]

    @property
    def product(self) -> Fraction:
        """Product of the factors, stopping at the first zero (the rest are n/a then)."""
        total = Fraction(1)
        for _, value in self.factors():
            if value is None:
                # A zero denominator means the previous factor was zero, so the product is zero.
                return Fraction(0)
            total *= value
            if total == 0:
                return Fraction(0)
        return total

    @property
    def result(self) -> Decimal:
        """The decomposed result as Decimal (exact for cent amounts)."""
        return fraction_to_decimal(self.product, places=2)

    @property
    def identity_holds(self) -> bool:
        return self.product == Fraction(self.measured_margin)

    def as_decimals(self) -> dict[str, Decimal | int | None]:
        """Display values by unit (see display_value)."""
        return {name: display_value(name, value) for name, value in self.factors()}

    def with_values(self, **values) -> Drivers:
        return replace(self, **values)


def fraction_to_decimal(value: Fraction, *, places: int) -> Decimal:
    """Round a Fraction half-up to `places` decimals."""
    q = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(q, rounding=ROUND_HALF_UP)


def display_value(name: str, value: Fraction | Decimal | int | None) -> Decimal | int | None:
    """A driver value rounded half up by its unit (DRIVER_UNITS): counts whole, money to the
    cent, rates to four places; None (n/a) stays None."""
    if value is None:
        return None
    places = UNIT_PLACES[DRIVER_UNITS[name]]
    rounded = fraction_to_decimal(Fraction(value), places=places)
    return int(rounded) if places == 0 else rounded


def decompose(counts: Counts) -> Drivers:
    """Split measured counts into the six drivers; zero denominators give None (n/a)."""
    return Drivers(
        outbound_customers=counts.customers_dialled,
        effective_connect_rate=_ratio(counts.customers_reached, counts.customers_dialled),
        quote_success_rate=_ratio(counts.customers_quoted, counts.customers_reached),
        sales_success_rate=_ratio(counts.customers_sold, counts.customers_quoted),
        avg_premium=_ratio(counts.premium, counts.customers_sold),
        avg_margin_rate=_ratio(counts.margin_amount, counts.premium),
        measured_margin=Decimal(counts.margin_amount),
    )


# ---- outbound capacity ------------------------------------------------------------------------
def outbound_capacity(
    *, daily_hours: Decimal, working_days_per_month: int, avg_talk_minutes_per_customer: Decimal,
    avg_calls_per_customer: Decimal,
) -> Decimal | None:
    """Customers a rep can call in a year: daily hours × working days × 12 /
    (average talk time per customer × average calls per customer). None if a divisor is zero."""
    per_customer_hours = Decimal(avg_talk_minutes_per_customer) / 60 * Decimal(avg_calls_per_customer)
    if per_customer_hours <= 0:
        return None
    capacity = Decimal(daily_hours) * working_days_per_month * 12 / per_customer_hours
    return capacity.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


# ---- diagnosis (下属不能完成目标的对策) ------------------------------------------------------------
DIAGNOSIS_ITEMS = ("outbound_customers", "effective_connect_rate", "accumulated_customers", "quote_success_rate",
                   "sales_success_rate", "avg_premium", "avg_margin_rate")

RAG_AMBER_SHARE = Fraction(8, 10)  # below 80% of the team median is red, below the median amber


def diagnosis_values(counts: Counts) -> dict[str, Fraction | None]:
    """The seven values a diagnosis compares: the six drivers plus accumulated intent customers
    (customers quoted, 意向客户 — the pipeline a rep builds up)."""
    d = decompose(counts)
    values: dict[str, Fraction | None] = {name: value for name, value in d.factors()}
    values["accumulated_customers"] = Fraction(counts.customers_quoted)
    return values


def _quantile(values: Sequence[Fraction], q: Fraction) -> Fraction:
    """Linear-interpolated quantile (like pandas' default) on exact values."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass(frozen=True)
class Benchmark:
    median: Fraction | None
    top_quartile: Fraction | None


def team_benchmarks(members: Iterable[Counts]) -> dict[str, Benchmark]:
    """Median and top quartile (75th percentile) of each diagnosis value across team members."""
    per_item: dict[str, list[Fraction]] = {name: [] for name in DIAGNOSIS_ITEMS}
    for counts in members:
        for name, value in diagnosis_values(counts).items():
            if value is not None:
                per_item[name].append(value)
    out = {}
    for name, values in per_item.items():
        if values:
            out[name] = Benchmark(median=Fraction(statistics.median(values)), top_quartile=_quantile(values, Fraction(3, 4)))
        else:
            out[name] = Benchmark(median=None, top_quartile=None)
    return out


def rag(value: Fraction | None, benchmark: Benchmark) -> str:
    """green at or above the team median, amber from 80% of it, red below; grey if n/a."""
    if value is None or benchmark.median is None:
        return "grey"
    if value >= benchmark.median:
        return "green"
    if value >= benchmark.median * RAG_AMBER_SHARE:
        return "amber"
    return "red"


@dataclass(frozen=True)
class DriverCheck:
    name: str
    value: Fraction | None
    median: Fraction | None
    top_quartile: Fraction | None
    ratio_to_median: Fraction | None
    status: str


@dataclass(frozen=True)
class Diagnosis:
    checks: list[DriverCheck]
    weakest: str | None
    problem: str | None = None
    remedy: str | None = None
    below_median: list[str] = field(default_factory=list)


def diagnose(counts: Counts, benchmarks: Mapping[str, Benchmark]) -> Diagnosis:
    """Compare each value with the team median/top quartile and name the weakest one: the value
    furthest below its median (lowest value/median). None when nothing is below the median."""
    checks = []
    for name, value in diagnosis_values(counts).items():
        bench = benchmarks.get(name, Benchmark(None, None))
        ratio = value / bench.median if value is not None and bench.median else None
        checks.append(DriverCheck(name, value, bench.median, bench.top_quartile, ratio, rag(value, bench)))
    checks.sort(key=lambda c: DIAGNOSIS_ITEMS.index(c.name))
    below = [c for c in checks if c.ratio_to_median is not None and c.ratio_to_median < 1]
    if not below:
        return Diagnosis(checks=checks, weakest=None)
    # Accumulated customers is the product of the upstream drivers; on a tie the driver itself is
    # named (it is the cause), so the pipeline is named only when several drivers are a bit low.
    weakest = min(below, key=lambda c: (c.ratio_to_median, c.name == "accumulated_customers", DIAGNOSIS_ITEMS.index(c.name)))
    return Diagnosis(
        checks=checks,
        weakest=weakest.name,
        problem=REMEDIES[weakest.name]["problem"],
        remedy=REMEDIES[weakest.name]["remedy"],
        below_median=[c.name for c in sorted(below, key=lambda c: c.ratio_to_median)],
    )


# ---- what-if (模拟销售) -------------------------------------------------------------------------
def _drivers_from_values(values: Mapping[str, Fraction | None]) -> Fraction:
    total = Fraction(1)
    for name in DRIVERS:
        value = values[name]
        if value is None:
            return Fraction(0)
        total *= value
    return total


def apply_uplift(drivers: Drivers, uplifts: Mapping[str, Decimal]) -> dict[str, Fraction | None]:
    """Raise drivers by percentages (e.g. {"quote_success_rate": Decimal("10")} = +10%). Rates are
    capped at 100%; an n/a driver stays n/a."""
    values = dict(drivers.factors())
    for name, pct in uplifts.items():
        if name not in DRIVERS:
            raise ValueError(f"Unknown driver: {name}")
        value = values[name]
        if value is None:
            continue
        raised = value * (1 + Fraction(Decimal(pct)) / 100)
        if name in RATE_DRIVERS:
            raised = min(raised, Fraction(1))
        values[name] = max(raised, Fraction(0))
    return values


@dataclass(frozen=True)
class WhatIf:
    base_result: Fraction
    new_result: Fraction
    new_values: dict[str, Fraction | None]

    @property
    def change(self) -> Fraction:
        return self.new_result - self.base_result

    @property
    def change_percent(self) -> Fraction | None:
        return None if not self.base_result else self.change / self.base_result * 100


def what_if(drivers: Drivers, uplifts: Mapping[str, Decimal]) -> WhatIf:
    """The result after raising the given drivers by the given percentages."""
    values = apply_uplift(drivers, uplifts)
    return WhatIf(base_result=drivers.product, new_result=_drivers_from_values(values), new_values=values)


@dataclass(frozen=True)
class RankedDriver:
    name: str
    gain_at_uplift: Fraction
    target_value: Fraction | None
    gain_at_top_quartile: Fraction


def rank_drivers(
    drivers: Drivers, *, percent: Decimal = Decimal("10"), top_quartiles: Mapping[str, Fraction | None] | None = None
) -> list[RankedDriver]:
    """Rank drivers by how much the result grows if only that driver moves: first by the gain from
    reaching the team's top quartile (the realistic effort), then by the gain from +percent (rates
    capped at 100%, so a rate already near its ceiling gains little)."""
    top_quartiles = top_quartiles or {}
    base = drivers.product
    ranked = []
    for name in DRIVERS:
        gain_pct = what_if(drivers, {name: percent}).new_result - base
        target = top_quartiles.get(name)
        gain_tq = Fraction(0)
        current = getattr(drivers, name)
        if target is not None and current is not None and target > current:
            values = dict(drivers.factors())
            values[name] = Fraction(target)
            gain_tq = _drivers_from_values(values) - base
        ranked.append(RankedDriver(name, gain_pct, target, gain_tq))
    ranked.sort(key=lambda r: (-r.gain_at_top_quartile, -r.gain_at_uplift, DRIVERS.index(r.name)))
    return ranked


@dataclass(frozen=True)
class Simulation:
    drivers: Drivers
    what_if: WhatIf
    ranking: list[RankedDriver]


def simulate(counts: Counts, peers: Iterable[Counts], uplifts: Mapping[str, Decimal], *,
             percent: Decimal = Decimal("10")) -> Simulation:
    """模拟销售: the result after the uplifts, and the drivers ranked by effect against the peers'
    top quartile (a rep's teammates, or for a team the other teams' totals)."""
    drivers = decompose(counts)
    bench = team_benchmarks(peers)
    top = {name: bench[name].top_quartile for name in DRIVERS}
    return Simulation(drivers, what_if(drivers, uplifts), rank_drivers(drivers, percent=percent, top_quartiles=top))


# ---- comparison with another period (环比 / 同比) ---------------------------------------------
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

    def by_unit(value):
        if value is None:
            return None
        places = UNIT_PLACES[MEASURE_UNITS[name]]
        rounded = fraction_to_decimal(Fraction(value), places=places)
        return int(rounded) if places == 0 else rounded

    percent = None if change.percent is None else fraction_to_decimal(change.percent, places=PERCENT_PLACES)
    return {"current": by_unit(change.current), "base": by_unit(change.base), "absolute": by_unit(change.absolute),
            "percent": percent}


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
