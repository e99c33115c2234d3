"""Formatting of driver values by their unit, with the one set of formats (telesales.formats):
rates as percentages, money with ¥, counts with thousands separators, "—" for missing values."""

import math
from decimal import Decimal
from fractions import Fraction

from django import template
from django.utils.html import format_html
from django.utils.translation import pgettext, pgettext_lazy

from kpis import labels, selectors
from kpis.domain import COUNT, DRIVER_UNITS, MEASURE_UNITS, MONEY, RATE
from telesales import formats

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
    return formats.rate(value, int(places))


@register.filter
def money(value):
    return formats.money(value)


@register.filter
def count(value):
    return formats.count(value)


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
    return formats.MISSING if v is None else formats.count(round(v / 60))


@register.simple_tag
def figures_as_of():
    """When the KPI figures were last brought up to date (kpis.selectors.figures_as_of), for
    kpis/_as_of.html."""
    return selectors.figures_as_of()


STAGE_LABELS = {
    "dialled": pgettext_lazy("funnel stage", "dialled"),
    "reached": pgettext_lazy("funnel stage", "reached"),
    "quoted": pgettext_lazy("funnel stage", "quoted"),
    "sold": pgettext_lazy("funnel stage", "sold"),
}


@register.filter
def stage_label(stage):
    return STAGE_LABELS.get(stage, stage)


@register.filter
def duration(seconds):
    """Talk time as m:ss, or h:mm from an hour on."""
    return formats.duration(seconds)


@register.filter
def measure(value, name):
    """Format any compared measure (kpis.domain.MEASURE_UNITS); talk time as a duration."""
    if name == "talk_seconds":
        return duration(value)
    return {COUNT: count, MONEY: money, RATE: pct}[MEASURE_UNITS[name]](value)


@register.filter
def change(value, name):
    """An absolute change with its sign, by the measure's unit: +12, −1,234.00, +2.5 pp (rates in
    percentage points), or "—"."""
    v = _number(value)
    if v is None:
        return formats.MISSING
    sign = "+" if v > 0 else "−" if v < 0 else "±"
    if name == "talk_seconds":
        return f"{sign}{duration(abs(v))}"
    unit = MEASURE_UNITS[name]
    if unit == RATE:
        return f"{sign}{abs(v) * 100:.1f} {pgettext('percentage points', 'pp')}"
    return f"{sign}{money(abs(v)) if unit == MONEY else count(abs(v))}"


@register.filter
def change_pct(value):
    """A relative change with its sign (+12.5%), or "—" (compared with zero)."""
    v = _number(value)
    if v is None:
        return formats.MISSING
    sign = "+" if v > 0 else "−" if v < 0 else "±"
    return f"{sign}{formats.percent(abs(v))}"


@register.filter
def linked(value, url):
    """The value as a link to the records behind it (the drill-down), if there is an address."""
    return format_html('<a class="drill" href="{}">{}</a>', url, value) if url else value


@register.filter
def driver_label(name):
    """A driver's name in the reader's language (kpis.labels)."""
    return labels.DRIVER_LABELS.get(name, name)
