"""plotly figure builders: DataFrames from kpis.reports in, HTML fragments out (plotly.js vendored)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kpis.reports import add_drivers

DRIVER_TITLES = {
    "outbound_customers": "呼出客户数 Outbound customers",
    "effective_connect_rate": "有效联通率 Connect rate",
    "quote_success_rate": "报价成功率 Quote rate",
    "sales_success_rate": "销售成功率 Close rate",
    "avg_premium": "客均保费 Avg premium",
    "avg_margin_rate": "平均利润率 Margin rate",
}
RATE_FORMAT = ".0%"
COLORS = {"green": "#12b76a", "amber": "#f79009", "red": "#d92d20", "grey": "#98a2b3"}


def to_html(fig: go.Figure, div_id: str) -> str:
    fig.update_layout(margin={"l": 40, "r": 20, "t": 50, "b": 40}, template="plotly_white")
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"displaylogo": False, "responsive": True})


def drivers_side_by_side(df: pd.DataFrame, rag: pd.DataFrame | None = None, *, title: str = "") -> go.Figure:
    """One small bar chart per driver, members side by side, with the median as a dashed line;
    bars are coloured red/amber/green against that median."""
    data = add_drivers(df)
    fig = make_subplots(rows=2, cols=3, subplot_titles=list(DRIVER_TITLES.values()), vertical_spacing=0.18)
    for i, (col, _) in enumerate(DRIVER_TITLES.items()):
        row, c = divmod(i, 3)
        values = data[col].astype(float)
        colors = [COLORS[s] for s in rag[col]] if rag is not None and len(rag) == len(data) else None
        fig.add_trace(go.Bar(x=data["label"], y=values, name=DRIVER_TITLES[col], showlegend=False,
                             marker_color=colors), row=row + 1, col=c + 1)
        median = values.median()
        if pd.notna(median):
            fig.add_hline(y=median, line_dash="dash", line_color="#667085", row=row + 1, col=c + 1)
        if col in ("effective_connect_rate", "quote_success_rate", "sales_success_rate", "avg_margin_rate"):
            fig.update_yaxes(tickformat=RATE_FORMAT, row=row + 1, col=c + 1)
    fig.update_layout(height=560, title=title or None)
    return fig


def trend(df: pd.DataFrame, *, title: str = "") -> go.Figure:
    """Margin result per period (bars) with the three conversion rates (lines, right axis)."""
    data = add_drivers(df)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=data["period"], y=data["margin_amount"].astype(float), name="利润 Margin",
                         marker_color="#1f6feb"), secondary_y=False)
    for col, name in (("effective_connect_rate", "联通率 Connect"), ("quote_success_rate", "报价率 Quote"),
                      ("sales_success_rate", "成交率 Close")):
        fig.add_trace(go.Scatter(x=data["period"], y=data[col].astype(float), name=name, mode="lines+markers"),
                      secondary_y=True)
    fig.update_yaxes(tickformat=RATE_FORMAT, secondary_y=True, range=[0, 1])
    fig.update_layout(height=360, title=title or None, legend={"orientation": "h", "y": -0.2})
    return fig


def rep_against_team(rep_values: dict[str, float | None], medians: dict[str, float | None],
                     top_quartiles: dict[str, float | None], *, title: str = "") -> go.Figure:
    """The rep's drivers as % of the team median (100 = median), with the top quartile marked."""
    names = list(DRIVER_TITLES)
    def pct(v, m):
        return None if v is None or m in (None, 0) or pd.isna(v) or pd.isna(m) else 100 * v / m
    rep_pct = [pct(rep_values.get(n), medians.get(n)) for n in names]
    top_pct = [pct(top_quartiles.get(n), medians.get(n)) for n in names]
    colors = [COLORS["grey"] if p is None else COLORS["green"] if p >= 100 else COLORS["amber"] if p >= 80
              else COLORS["red"] for p in rep_pct]
    labels = [DRIVER_TITLES[n] for n in names]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=labels, y=rep_pct, name="You (% of team median)", marker_color=colors))
    fig.add_trace(go.Scatter(x=labels, y=top_pct, name="Team top quartile", mode="markers",
                             marker={"symbol": "line-ew-open", "size": 30, "color": "#1d2433"}))
    fig.add_hline(y=100, line_dash="dash", line_color="#667085")
    fig.update_layout(height=360, title=title or None, yaxis_title="% of team median",
                      legend={"orientation": "h", "y": -0.3})
    return fig
