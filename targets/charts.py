"""Plotly figures for target pages (rows in, page fragment from telesales.charts out)."""

import plotly.graph_objects as go
from django.utils.translation import pgettext

from telesales.charts import axis, chart, hover


def progress_chart(rows: list[dict]) -> str:
    """Bars of actual vs target vs time-elapsed pace per target (one group per row label). The
    rows mix money and counts, so the axis shows plain grouped numbers."""
    if not rows:
        return ""
    labels = [r["label"] for r in rows]
    fig = go.Figure()
    number = "%{x}: %{y:,.2~f}"
    fig.add_bar(name=pgettext("chart", "target"), x=labels, y=[float(r["target"]) for r in rows],
                marker_color="#d0d5dd", hovertemplate=number)
    fig.add_bar(name=pgettext("chart", "pace"), x=labels, y=[float(r["expected"]) for r in rows],
                marker_color="#84adff", hovertemplate=number)
    colours = {"red": "#d92d20", "amber": "#f79009", "green": "#12b76a"}
    fig.add_bar(name=pgettext("chart", "actual"), x=labels, y=[float(r["actual"]) for r in rows],
                marker_color=[colours[r["rag"]] for r in rows], hovertemplate=number)
    fig.update_layout(barmode="group", height=320, margin={"l": 40, "r": 10, "t": 10, "b": 40},
                      legend={"orientation": "h", "y": 1.1}, yaxis={"tickformat": ",~r"})
    return chart(fig, "progress-chart")


def daily_chart(days: list, actuals: list, pace_per_day: float, kind: str = "count") -> str:
    """Cumulative actual against the straight pace line over the period; `kind` ("count" or
    "money") formats the axis and hover text like the page."""
    if not days:
        return ""
    cumulative, total = [], 0.0
    for v in actuals:
        total += float(v)
        cumulative.append(total)
    fig = go.Figure()
    fig.add_scatter(name=pgettext("chart", "actual"), x=days, y=cumulative, mode="lines+markers",
                    hovertemplate=f"%{{x|%Y-%m-%d}}: {hover(kind)}")
    fig.add_scatter(name=pgettext("chart", "pace"), x=days, y=[pace_per_day * (i + 1) for i in range(len(days))],
                    mode="lines", line={"dash": "dot"}, hovertemplate=f"%{{x|%Y-%m-%d}}: {hover(kind)}")
    fig.update_layout(height=280, margin={"l": 40, "r": 10, "t": 10, "b": 40}, legend={"orientation": "h", "y": 1.1},
                      xaxis=axis("date"), yaxis=axis(kind))
    return chart(fig, "daily-chart")
