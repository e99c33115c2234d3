"""Formatting of driver values: rates as percentages, n/a for missing values."""

import math
from decimal import Decimal
from fractions import Fraction

from django import template

from kpis import selectors
from kpis.domain import COUNT, DRIVER_UNITS, MONEY, RATE

register = template.Library()


def _number(value):
    if value is None or value == "":
        return None
    if isinstance(value, Fraction):
        value = float(value)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


@register.filter
def pct(value, places=1):
    v = _number(value)
    return "n/a" if v is None else f"{v * 100:.{int(places)}f}%"


@register.filter
def money(value):
    v = _number(value)
    return "n/a" if v is None else f"{v:,.2f}"


@register.filter
def count(value):
    v = _number(value)
    return "n/a" if v is None else f"{v:,.0f}"


@register.filter
def driver(value, name):
    """Format a driver value by its unit (kpis.domain.DRIVER_UNITS): count, money or rate."""
    return {COUNT: count, MONEY: money, RATE: pct}[DRIVER_UNITS[name]](value)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def as_decimal(value):
    v = _number(value)
    return None if v is None else Decimal(str(v))


@register.filter
def talk_minutes(seconds):
    """Talk time in whole minutes (as the daily work report shows it)."""
    v = _number(seconds)
    return "n/a" if v is None else f"{round(v / 60):,d}"


@register.simple_tag
def figures_as_of():
    """When the KPI figures were last brought up to date (kpis.selectors.figures_as_of), for
    kpis/_as_of.html."""
    return selectors.figures_as_of()
