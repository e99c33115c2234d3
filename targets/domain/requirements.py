"""What a target takes, walking the sales funnel backwards: driver rates from summed KPI facts,
then the sold, quoted, reached and dialled customers and the calls needed, and per day."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal


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
