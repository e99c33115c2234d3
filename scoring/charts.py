"""The model card's charts: calibration and gains on the hold-out (plotly, telesales.charts)."""

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from telesales.charts import axis, chart


def calibration(record) -> SafeString:
    c = record.curves.get("calibration", {})
    data = [
        {"type": "scatter", "mode": "lines+markers", "name": _("Model"), "x": c.get("predicted", []),
         "y": c.get("observed", [])},
        {"type": "scatter", "mode": "lines", "name": _("Perfect calibration"), "x": [0, 1], "y": [0, 1],
         "line": {"dash": "dot", "color": "#999"}},
    ]
    layout = {"title": {"text": _("Calibration on the hold-out")}, "height": 320,
              "xaxis": {**axis("percent"), "title": {"text": _("Predicted")}},
              "yaxis": {**axis("percent"), "title": {"text": _("Observed")}}, "margin": {"l": 50, "r": 10, "t": 40, "b": 40}}
    return chart({"data": data, "layout": layout}, f"calibration-{record.kind}")


def gains(record) -> SafeString:
    g = record.curves.get("gains", {})
    data = [
        {"type": "scatter", "mode": "lines", "name": _("Model"), "x": g.get("called", []), "y": g.get("found", [])},
        {"type": "scatter", "mode": "lines", "name": _("Random order"), "x": [0, 1], "y": [0, 1],
         "line": {"dash": "dot", "color": "#999"}},
    ]
    layout = {"title": {"text": _("Gains: share of positives found, best-scored first")}, "height": 320,
              "xaxis": {**axis("percent"), "title": {"text": _("Share of leads called")}},
              "yaxis": {**axis("percent"), "title": {"text": _("Share found")}}, "margin": {"l": 50, "r": 10, "t": 40, "b": 40}}
    return chart({"data": data, "layout": layout}, f"gains-{record.kind}")
