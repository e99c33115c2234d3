"""Plotly figures on pages without inline scripts, so the Content-Security-Policy can forbid them.

The page gets the figure as JSON in a <script type="application/json"> (a data block the browser
never executes) and an empty container naming it; static/js/charts.js draws every such container,
on page load and in fragments htmx swaps in. Used by the kpis, funnel, targets and coaching pages."""

import json

import plotly.io as pio
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from telesales import formats

QUIET = {"displayModeBar": False}

# What Django's json_script escapes, so that no string in the figure can close its <script> element.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def chart(fig, div_id: str, config: dict = QUIET) -> SafeString:
    """The container and the figure's JSON for a plotly Figure or a figure dict (not validated:
    validation costs ~100 ms per figure); plotly.js gets the same config as `to_html` gives it, plus
    the locale of the active language."""
    figure = pio.to_json(fig, validate=False).translate(_SCRIPT_SAFE)
    locale = plotly_locale()
    if locale:
        config = {**config, "locale": locale}
    return format_html(
        '<div id="{}" class="chart" data-figure="{}-figure" data-config="{}"></div>'
        '<script type="application/json" id="{}-figure">{}</script>',
        div_id, div_id, json.dumps({"responsive": True, **config}), div_id, SafeString(figure),
    )


def axis(kind: str) -> dict:
    """Axis number format for a kind of value (telesales.formats: count, money, rate, percent, date)."""
    return dict(formats.PLOTLY_AXES[kind])


def hover(kind: str) -> str:
    """Hover text for a point's y value, formatted like the pages format that kind of value."""
    return formats.PLOTLY_HOVER[kind]


def plotly_locale() -> str | None:
    """plotly.js's locale for the active language (static/js/plotly-locale-zh.js registers them):
    Chinese modebar tooltips, month and day names in date ticks."""
    language = (translation.get_language() or "").lower()
    if language.startswith("zh"):
        return "zh-TW" if language in ("zh-hant", "zh-tw", "zh-hk") else "zh-CN"
    return None
