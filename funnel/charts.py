"""plotly figure builders for the funnel pages (page fragments from telesales.charts; plotly.js is vendored)."""

from __future__ import annotations

from fractions import Fraction

import plotly.graph_objects as go
from django.utils.safestring import SafeString
from django.utils.translation import pgettext

from funnel.domain import GRADES, as_percent
from funnel.labels import GRADE_NAMES, grade_label
from telesales.charts import axis, chart

COLORS = {"E": "#9ecae1", "D": "#6baed6", "C": "#4292c6", "B": "#2171b5", "A": "#08519c", "won": "#2ca02c"}


_template: dict | None = None


def _default_template() -> dict:
    """The default plotly template as a plain dict, built once per process (what go.Figure adds)."""
    global _template
    if _template is None:
        _template = go.Figure().to_dict()["layout"]["template"]
    return _template


def _html(data: list[dict], layout: dict, div_id: str) -> SafeString:
    """Render a figure given as plain dicts: the same figure go.Figure would build, without its
    per-property validation (which cost most of the page's chart time)."""
    layout = {
        **layout, "margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "height": layout.get("height") or 320,
        "template": _default_template(),
    }
    return chart({"data": data, "layout": layout}, div_id)


def funnel_figure(counts: dict[str, int], rates: dict[str, Fraction | None], div_id: str = "funnel-chart", *,
                  links: dict[str, str | None] | None = None) -> SafeString:
    """Horizontal bars E (top) → A, with each stage's conversion rate written between the bars;
    `links`: {grade: the address of its leads}, opened by a click on the bar (static/js/charts.js)."""
    data = [
        {
            "type": "bar", "y": [grade_label(g) for g in GRADES], "x": [counts.get(g, 0) for g in GRADES],
            "orientation": "h", "marker": {"color": [COLORS[g] for g in GRADES]},
            "text": [f"{counts.get(g, 0):,}" for g in GRADES], "textposition": "auto",
            "hovertemplate": "%{y}: %{x:,.0f}<extra></extra>",
            **({"customdata": [links.get(g) for g in GRADES]} if links else {}),
        }
    ]
    annotations = []
    for i, grade in enumerate(GRADES):
        rate = rates.get(grade)
        label = "—" if rate is None else f"{as_percent(rate)}%"
        target = str(GRADE_NAMES["won"]) if grade == "A" else GRADES[i + 1]
        annotations.append(
            {
                "xref": "paper", "x": 1.0, "yref": "y", "y": i + 0.5, "text": f"{grade}→{target} {label}",
                "showarrow": False, "xanchor": "right", "font": {"size": 11, "color": "#555"},
            }
        )
    return _html(data, {"yaxis": {"autorange": "reversed"}, "xaxis": axis("count"), "annotations": annotations}, div_id)


def team_figure(rows: list[dict], div_id: str = "team-chart") -> SafeString:
    """All reps' funnels side by side: one group of E..A bars per rep (a bar opens the rep's
    leads at that grade when the rows carry `links`)."""
    names = [r["name"] for r in rows]
    data = [
        {"type": "bar", "name": grade_label(g), "x": names, "y": [r["counts"][g] for r in rows], "marker": {"color": COLORS[g]},
         **({"customdata": [r["links"][g] for r in rows]} if all("links" in r for r in rows) else {})}
        for g in GRADES
    ]
    return _html(data, {"barmode": "group", "height": 380, "legend": {"orientation": "h", "y": -0.2},
                        "yaxis": axis("count")}, div_id)


def bc_to_a_figure(rows: list[dict], div_id: str = "bc-chart") -> SafeString:
    """B/C → A conversion per rep (seed 002: turn B/C customers into A); a bar opens the rep's B/C
    customers who reached A when the rows carry `bc_to_a_url`."""
    data = [
        {
            "type": "bar", "x": [r["name"] for r in rows],
            "y": [float(r["bc_rate"]) if r["bc_rate"] is not None else 0 for r in rows],
            "text": [f"{r['bc_rate']}%" if r["bc_rate"] is not None else "—" for r in rows],
            "marker": {"color": "#08519c"},
            **({"customdata": [r["bc_to_a_url"] for r in rows]} if all("bc_to_a_url" in r for r in rows) else {}),
        }
    ]
    return _html(data, {"height": 300, "yaxis": {**axis("percent"), "rangemode": "tozero"}}, div_id)


def plan_figure(planned: list[int], actual: list[int | None], labels: list[str], div_id: str = "plan-chart") -> SafeString:
    """Weekly planned sales vs actual sales."""
    data = [
        {"type": "bar", "name": pgettext("chart", "plan"), "x": labels, "y": planned, "marker": {"color": "#9ecae1"}},
        {
            "type": "bar", "name": pgettext("chart", "actual"), "x": labels, "y": [a if a is not None else 0 for a in actual],
            "marker": {"color": "#2ca02c"},
        },
    ]
    return _html(data, {"barmode": "group", "height": 320, "legend": {"orientation": "h", "y": -0.2},
                        "yaxis": axis("count")}, div_id)
