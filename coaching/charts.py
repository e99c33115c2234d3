"""Plotly figures for QA results; each returns a page fragment from telesales.charts."""

import pandas as pd
import plotly.graph_objects as go
from django.utils.safestring import SafeString
from django.utils.translation import pgettext

from coaching.domain import ParetoRow
from telesales.charts import axis, chart

LAYOUT = {"height": 320, "margin": {"l": 40, "r": 20, "t": 40, "b": 40}, "template": "plotly_white"}


def results_over_time(df: pd.DataFrame, title: str) -> SafeString:
    fig = go.Figure()
    for rep, part in df.groupby("rep"):
        fig.add_trace(go.Scatter(x=part["week"].astype(str), y=part["result"], mode="lines+markers", name=str(rep),
                                 hovertemplate="%{x}: %{y:,.1f}"))
    fig.update_layout(title=title, yaxis={"range": [0, 100]}, xaxis=axis("date"), **LAYOUT)
    return chart(fig, "chart-reps")


def criteria_over_time(df: pd.DataFrame, title: str) -> SafeString:
    fig = go.Figure()
    for criterion, part in df.groupby("criterion"):
        fig.add_trace(go.Scatter(x=part["week"].astype(str), y=part["percent"], mode="lines+markers",
                                 name=str(criterion), hovertemplate="%{x}: %{y:,.1f}%"))
    fig.update_layout(title=title, yaxis={"range": [0, 100], "ticksuffix": "%"}, xaxis=axis("date"), **LAYOUT)
    return chart(fig, "chart-criteria")


def team_bars(df: pd.DataFrame, title: str) -> SafeString:
    fig = go.Figure(go.Bar(x=df["team"], y=df["average"], text=df["average"], textposition="auto"))
    fig.update_layout(title=title, yaxis={"range": [0, 100]}, **LAYOUT)
    return chart(fig, "chart-teams")


def pareto_chart(rows: list[ParetoRow], title: str) -> SafeString:
    keys = [r.key for r in rows]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=keys, y=[float(r.lost) for r in rows], name=pgettext("chart", "points lost"),
                         hovertemplate="%{x}: %{y:,.1f}"))
    fig.add_trace(go.Scatter(x=keys, y=[float(r.cumulative) for r in rows], name=pgettext("chart", "cumulative share"),
                             yaxis="y2", mode="lines+markers", hovertemplate="%{x}: %{y:,.1f}%"))
    fig.update_layout(title=title, yaxis2={"overlaying": "y", "side": "right", "range": [0, 100], "ticksuffix": "%"},
                      **LAYOUT)
    return chart(fig, "chart-pareto")
