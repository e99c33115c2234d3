"""plotly figures: DataFrames from kpis.reports in, page fragments out (telesales.charts; plotly.js is vendored).

Figures are built as plain plotly dicts and serialised without validation: plotly's graph_objects
validation costs ~100 ms per figure, which the dashboards cannot afford.

A bar or point that stands for records carries the address of their drill-down in its trace's
`customdata` (one address per point); static/js/charts.js opens it on click."""

from __future__ import annotations

import math

import pandas as pd
from django.utils.safestring import SafeString

from kpis import labels
from kpis.reports import RATE_COLUMNS, add_drivers
from telesales.charts import axis, chart, hover

COLORS = {"green": "#12b76a", "amber": "#f79009", "red": "#d92d20", "grey": "#98a2b3"}
BASE_LAYOUT = {"margin": {"l": 50, "r": 20, "t": 50, "b": 40}, "plot_bgcolor": "#fff",
               "paper_bgcolor": "#fff", "font": {"size": 12}}


def _kind(col: str) -> str:
    """How a driver's values are shown (telesales.formats): a rate, money or a count."""
    return "rate" if col in RATE_COLUMNS else "money" if col == "avg_premium" else "count"


def _dates(x: list) -> bool:
    """True when the x values are dates (ISO strings), so the axis takes the date format."""
    return bool(x) and isinstance(x[0], str) and len(x[0]) >= 10 and x[0][4:5] == "-" and x[0][7:8] == "-"


def _clean(values) -> list:
    """JSON-safe list: NaN/None become null, numpy scalars plain numbers, dates ISO strings."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif hasattr(v, "isoformat"):
            out.append(v.isoformat())
        elif hasattr(v, "item"):
            item = v.item()
            out.append(None if isinstance(item, float) and math.isnan(item) else item)
        else:
            out.append(v)
    return out


def to_html(fig: dict, div_id: str) -> SafeString:
    layout = {k: v for k, v in {**BASE_LAYOUT, **fig["layout"]}.items() if v is not None}
    return chart({"data": fig["data"], "layout": layout}, div_id, {"displaylogo": False})


def _with_links(trace: dict, urls: list[str | None] | None) -> dict:
    """The trace with one drill-down address per point (customdata), if given."""
    if urls is not None:
        trace["customdata"] = list(urls)
    return trace


def drivers_side_by_side(df: pd.DataFrame, rag: pd.DataFrame | None = None, *, title: str = "",
                         links: dict[str, list[str | None]] | None = None) -> dict:
    """One small bar chart per driver (2 × 3 grid), members side by side, the median as a dashed
    line; bars coloured red/amber/green against that median. `links`: {driver: an address per
    row} (the drill-down behind each bar)."""
    data = add_drivers(df)
    members = _clean(data["label"])
    traces, layout, shapes, annotations = [], {"height": 560, "showlegend": False}, [], []
    gap_x, gap_y = 0.06, 0.16
    width, height = (1 - 2 * gap_x) / 3, (1 - gap_y) / 2
    for i, col in enumerate(labels.DRIVER_TITLES):
        heading = str(labels.DRIVER_TITLES[col])
        row, c = divmod(i, 3)
        n = "" if i == 0 else str(i + 1)
        x0 = c * (width + gap_x)
        y1 = 1 - row * (height + gap_y)
        values = data[col].astype(float)
        colors = [COLORS[s] for s in rag[col]] if rag is not None and len(rag) == len(data) else "#1f6feb"
        traces.append(_with_links({"type": "bar", "x": members, "y": _clean(values), "name": heading,
                                   "marker": {"color": colors}, "xaxis": f"x{n}", "yaxis": f"y{n}",
                                   "hovertemplate": f"%{{x}}: {hover(_kind(col))}<extra></extra>"},
                                  (links or {}).get(col)))
        layout[f"xaxis{n}"] = {"domain": [x0, x0 + width], "anchor": f"y{n}", "tickangle": -45, "automargin": True}
        layout[f"yaxis{n}"] = {"domain": [y1 - height, y1], "anchor": f"x{n}", "gridcolor": "#eef0f3",
                               **axis(_kind(col))}
        annotations.append({"text": heading, "xref": "paper", "yref": "paper", "x": x0 + width / 2,
                            "y": y1 + 0.02, "showarrow": False, "xanchor": "center", "yanchor": "bottom"})
        median = values.median()
        if pd.notna(median):
            shapes.append({"type": "line", "xref": f"x{n} domain", "yref": f"y{n}", "x0": 0, "x1": 1,
                           "y0": float(median), "y1": float(median), "line": {"dash": "dash", "color": "#667085"}})
    layout.update(shapes=shapes, annotations=annotations, title={"text": title} if title else None)
    return {"data": traces, "layout": layout}


def trend(df: pd.DataFrame, *, title: str = "", links: dict[str, list[str | None]] | None = None) -> dict:
    """Margin result per period (bars) with the three conversion rates (lines, right axis).
    `links`: {"margin_amount" or a rate: an address per period} (the drill-down of each point)."""
    data = add_drivers(df)
    x = _clean(data["period"])
    links = links or {}
    traces = [_with_links({"type": "bar", "x": x, "y": _clean(data["margin_amount"].astype(float)),
                           "name": str(labels.MARGIN), "marker": {"color": "#1f6feb"}}, links.get("margin_amount"))]
    for col in ("effective_connect_rate", "quote_success_rate", "sales_success_rate"):
        traces.append(_with_links({"type": "scatter", "mode": "lines+markers", "x": x,
                                   "y": _clean(data[col].astype(float)), "name": str(labels.DRIVER_TITLES[col]),
                                   "yaxis": "y2", "hovertemplate": f"%{{x}}: {hover('rate')}"},
                                  links.get(col)))
    layout = {"height": 360, "title": {"text": title} if title else None, "legend": {"orientation": "h", "y": -0.2},
              "xaxis": axis("date") if _dates(x) else {},
              "yaxis": {"title": {"text": str(labels.MARGIN)}, "gridcolor": "#eef0f3", **axis("money")},
              "yaxis2": {"overlaying": "y", "side": "right", **axis("rate"), "range": [0, 1]}}
    return {"data": traces, "layout": layout}


def rep_against_team(rep_values: dict[str, float | None], medians: dict[str, float | None],
                     top_quartiles: dict[str, float | None], *, title: str = "",
                     links: dict[str, str] | None = None) -> dict:
    """The rep's drivers as % of the team median (100 = median), with the top quartile marked;
    `links`: {driver: the address of the rep's records behind it}."""
    names = list(labels.DRIVER_TITLES)

    def pct(v, m):
        return None if v is None or m in (None, 0) or pd.isna(v) or pd.isna(m) else 100 * v / m

    rep_pct = [pct(rep_values.get(n), medians.get(n)) for n in names]
    top_pct = [pct(top_quartiles.get(n), medians.get(n)) for n in names]
    colors = [COLORS["grey"] if p is None else COLORS["green"] if p >= 100 else COLORS["amber"] if p >= 80
              else COLORS["red"] for p in rep_pct]
    titles = [str(labels.DRIVER_TITLES[n]) for n in names]
    traces = [
        _with_links({"type": "bar", "x": titles, "y": rep_pct, "name": str(labels.YOU_VS_MEDIAN),
                     "hovertemplate": f"%{{x}}: {hover('percent')}<extra></extra>",
                     "marker": {"color": colors}}, [links.get(n) for n in names] if links else None),
        {"type": "scatter", "mode": "markers", "x": titles, "y": top_pct, "name": str(labels.TOP_QUARTILE),
         "hovertemplate": f"%{{x}}: {hover('percent')}",
         "marker": {"symbol": "line-ew-open", "size": 30, "color": "#1d2433"}},
    ]
    layout = {"height": 360, "title": {"text": title} if title else None, "legend": {"orientation": "h", "y": -0.3},
              "yaxis": {"title": {"text": str(labels.PCT_OF_MEDIAN)}, "gridcolor": "#eef0f3", **axis("percent")},
              "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 100, "y1": 100,
                          "line": {"dash": "dash", "color": "#667085"}}]}
    return {"data": traces, "layout": layout}
