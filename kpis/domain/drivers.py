"""The performance-driver model (电销业绩驱动模型), pure Python: no Django, exact arithmetic.

    margin result = outbound customers (呼出客户数)
                  × effective connect rate (有效联通率)  = customers reached / customers dialled
                  × quote success rate     (报价成功率)  = customers quoted  / customers reached
                  × sales success rate     (销售成功率)  = customers sold    / customers quoted
                  × average premium        (客均保费)    = premium           / customers sold
                  × average margin rate    (平均利润率)  = margin amount     / premium

Counting rules (applied by the KPI job, kpis/services.py and kpis/sql.py, and relied upon here):
- Customers are DISTINCT leads over the whole period and subject: a customer called on five days
  of a month, or by two reps of a team, is one outbound customer of that month and that team
  (kpis/leadsets.py). Calls, premium, margin and talk time add up; the customer counts do not.
- The funnel is monotone per customer over any period: sold implies quoted, quoted implies reached, reached
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

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

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

def gettext_noop(text: str) -> str:
    """Marks a label for the catalogues (makemessages); kpis/labels.py translates it where shown."""
    return text


DRIVER_LABELS = {
    "outbound_customers": gettext_noop("Outbound customers"),
    "effective_connect_rate": gettext_noop("Effective connect rate"),
    "quote_success_rate": gettext_noop("Quote success rate"),
    "sales_success_rate": gettext_noop("Sales success rate"),
    "avg_premium": gettext_noop("Average premium"),
    "avg_margin_rate": gettext_noop("Average margin rate"),
    "accumulated_customers": gettext_noop("Accumulated intent customers"),
}


@dataclass(frozen=True)
class Counts:
    """A subject's counts over a period: calls, money and talk summed, customers distinct. Two
    Counts add (`+`) only when their customers are different people (disjoint subjects)."""

    customers_dialled: int = 0
    customers_reached: int = 0
    customers_quoted: int = 0
    customers_sold: int = 0
    premium: Decimal = Decimal("0")
    margin_amount: Decimal = Decimal("0")
    calls_made: int = 0
    talk_seconds: int = 0
    calls_reached: int = 0
    policies_sold: int = 0

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


def talk_per_reached_customer(counts: Counts) -> Fraction | None:
    """Mean talk time (seconds, all calls) per distinct customer reached; None if none was."""
    return _ratio(counts.talk_seconds, counts.customers_reached)


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


def round_by_unit(value: Fraction | Decimal | int | None, unit: str) -> Decimal | int | None:
    """A value rounded half up for people by its unit (UNIT_PLACES): counts whole, money to the
    cent, rates to four places; None (n/a) stays None."""
    if value is None:
        return None
    places = UNIT_PLACES[unit]
    rounded = fraction_to_decimal(Fraction(value), places=places)
    return int(rounded) if places == 0 else rounded


def display_value(name: str, value: Fraction | Decimal | int | None) -> Decimal | int | None:
    """A driver value rounded by its unit (DRIVER_UNITS, round_by_unit)."""
    return round_by_unit(value, DRIVER_UNITS[name])


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
