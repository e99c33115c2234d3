"""Plotly figures on pages without inline scripts, so the Content-Security-Policy can forbid them.

The page gets the figure as JSON in a <script type="application/json"> (a data block the browser
never executes) and an empty container naming it; static/js/charts.js draws every such container,
on page load and in fragments htmx swaps in. Used by the kpis, funnel, targets and coaching pages."""

import json

import plotly.io as pio
from django.utils.html import format_html
from django.utils.safestring import SafeString

QUIET = {"displayModeBar": False}

# What Django's json_script escapes, so that no string in the figure can close its <script> element.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def chart(fig, div_id: str, config: dict = QUIET) -> SafeString:
    """The container and the figure's JSON for a plotly Figure or a figure dict (not validated:
    validation costs ~100 ms per figure); plotly.js gets the same config as `to_html` gives it."""
    figure = pio.to_json(fig, validate=False).translate(_SCRIPT_SAFE)
    return format_html(
        '<div id="{}" class="chart" data-figure="{}-figure" data-config="{}"></div>'
        '<script type="application/json" id="{}-figure">{}</script>',
        div_id, div_id, json.dumps({"responsive": True, **config}), div_id, SafeString(figure),
    )
