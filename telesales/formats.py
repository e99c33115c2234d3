"""One way to show each kind of value, per language: pages, charts and exports use these, never
ad-hoc formats (the template filters in accounts/templatetags/formats.py call them).

- counts: whole numbers with thousands separators, "39,600";
- money: the currency and two decimals, "¥13,130.74";
- rates (a fraction, 0.123): a percentage with one decimal, "12.3%";
- durations in seconds: "m:ss" under an hour, "h:mm" from an hour on;
- dates and times: one short and one long style per language (DATE_STYLES).
A missing value (None, "", NaN) shows as MISSING in every kind."""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django.utils import dateformat, timezone, translation

MISSING = "—"
CURRENCY = "¥"

# (short date, long date, short date-time, long date-time) in Django's date format syntax.
DATE_STYLES = {
    "en": ("Y-m-d", "j F Y", "Y-m-d H:i", "j F Y, H:i"),
    "zh-hans": ("Y-m-d", "Y年n月j日", "Y-m-d H:i", "Y年n月j日 H:i"),
    "zh-hant": ("Y-m-d", "Y年n月j日", "Y-m-d H:i", "Y年n月j日 H:i"),
}


def _decimal(value) -> Decimal | None:
    """The value as a finite Decimal, or None when it is missing or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _grouped(number: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    return f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


def count(value) -> str:
    """A count: 39600 → "39,600" (rounded to a whole number)."""
    number = _decimal(value)
    return MISSING if number is None else _grouped(number, 0)


def money(value) -> str:
    """An amount of money: 13130.7 → "¥13,130.70"; negative amounts "-¥5.00"."""
    number = _decimal(value)
    if number is None:
        return MISSING
    sign = "-" if number < 0 else ""
    return f"{sign}{CURRENCY}{_grouped(abs(number), 2)}"


def rate(value, places: int = 1) -> str:
    """A rate given as a fraction: 0.1234 → "12.3%"."""
    number = _decimal(value)
    return MISSING if number is None else f"{_grouped(number * 100, int(places))}%"


def percent(value, places: int = 1) -> str:
    """A number that already is a percentage: 12.34 → "12.3%"."""
    number = _decimal(value)
    return MISSING if number is None else f"{_grouped(number, int(places))}%"


def duration(seconds) -> str:
    """Seconds as "m:ss" under an hour (188 → "3:08"), "h:mm" from an hour on (3900 → "1:05")."""
    number = _decimal(seconds)
    if number is None:
        return MISSING
    total = int(number.to_integral_value(rounding=ROUND_HALF_UP))
    sign, total = ("-", -total) if total < 0 else ("", total)
    if total < 3600:
        return f"{sign}{total // 60}:{total % 60:02d}"
    minutes = (total + 30) // 60
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


def _style(index: int) -> str:
    language = (translation.get_language() or "en").lower()
    return DATE_STYLES.get(language, DATE_STYLES["zh-hans" if language.startswith("zh") else "en"])[index]


def _date_or_datetime(value, with_time: bool, long: bool) -> str:
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value) if with_time else dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        if not with_time:
            value = value.date()
    elif with_time:
        with_time = False  # a date has no time to show
    index = (2 if with_time else 0) + (1 if long else 0)
    return dateformat.format(value, _style(index))


def short_date(value) -> str:
    """2026-11-23 in every language (sorts and compares at a glance)."""
    return _date_or_datetime(value, False, False)


def long_date(value) -> str:
    """"23 November 2026" / "2026年11月23日"."""
    return _date_or_datetime(value, False, True)


def short_datetime(value) -> str:
    """"2026-11-23 14:05", in the configured time zone."""
    return _date_or_datetime(value, True, False)


def long_datetime(value) -> str:
    """"23 November 2026, 14:05" / "2026年11月23日 14:05", in the configured time zone."""
    return _date_or_datetime(value, True, True)


def number(value, places: int = 2) -> str:
    """A plain number that is none of the above (a coefficient, a score): grouped, `places` decimals."""
    number_ = _decimal(value)
    return MISSING if number_ is None else _grouped(number_, int(places))


def is_missing(value) -> bool:
    """None, "" and NaN: what every format shows as MISSING."""
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


# The same rules for plotly axes (d3-format), by kind of value: telesales.charts.axis(kind).
PLOTLY_AXES = {
    "count": {"tickformat": ",.0f"},
    "money": {"tickprefix": CURRENCY, "tickformat": ",.2f"},
    "rate": {"tickformat": ".1%"},
    "percent": {"ticksuffix": "%", "tickformat": ",.1f"},
    "date": {"tickformat": "%Y-%m-%d"},
}
# Hover text per kind of value (plotly's hovertemplate number format).
PLOTLY_HOVER = {"count": "%{y:,.0f}", "money": "¥%{y:,.2f}", "rate": "%{y:.1%}", "percent": "%{y:,.1f}%"}
