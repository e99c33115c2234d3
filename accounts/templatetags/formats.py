"""Template filters for the formats in telesales/formats.py and for labels admins edit per
language (telesales/i18n.py): {% load formats %} … {{ n|count }} {{ x|money }} {{ r|rate }}
{{ s|duration }} {{ d|short_date }} {{ d|long_datetime }} {{ pool|localized }}."""

from django import template

from telesales import formats, i18n

register = template.Library()

for _name in ("count", "money", "duration", "short_date", "long_date", "short_datetime", "long_datetime"):
    register.filter(_name, getattr(formats, _name))


@register.filter
def rate(value, places=1):
    return formats.rate(value, int(places))


@register.filter
def percent(value, places=1):
    return formats.percent(value, int(places))


@register.filter
def number(value, places=2):
    return formats.number(value, int(places))


@register.filter
def localized(obj, field="name"):
    """obj.<field> in the reader's language (obj.<field>_i18n), falling back to obj.<field>."""
    return i18n.localized(obj, field)
