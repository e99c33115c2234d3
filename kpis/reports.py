"""Dashboard tables: pandas in, pandas out, on aggregated facts only (no database here).

The DataFrame each function returns is both what a chart draws and what the CSV/Excel export
writes, so the numbers in a download are the numbers on screen."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from kpis.domain import DRIVER_UNITS, DRIVERS, RATE, UNIT_PLACES, Counts, compare, display_change
from telesales.exports import safe_frame

COUNT_COLUMNS = ["calls_made", "customers_dialled", "customers_reached", "customers_quoted", "customers_sold",
                 "premium", "margin_amount", "talk_seconds"]
DRIVER_COLUMNS = list(DRIVERS)
RATE_COLUMNS = [name for name in DRIVERS if DRIVER_UNITS[name] == RATE]


def _ratio(num: pd.Series, den: pd.Series) -> np.ndarray:
    n = num.to_numpy(dtype=float)
    d = den.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d != 0, n / np.where(d != 0, d, 1), np.nan)


def add_drivers(df: pd.DataFrame) -> pd.DataFrame:
    """Driver columns from each row's counts (calls and money summed, customers distinct over the row's
    period and subject; NaN = n/a); same formulas as kpis.domain.decompose.
    A frame that already has them is returned as is."""
    if "avg_margin_rate" in df.columns:
        return df
    out = df.copy()
    out["outbound_customers"] = out["customers_dialled"].to_numpy(dtype="int64") if len(out) else out["customers_dialled"]
    out["effective_connect_rate"] = _ratio(out["customers_reached"], out["customers_dialled"])
    out["quote_success_rate"] = _ratio(out["customers_quoted"], out["customers_reached"])
    out["sales_success_rate"] = _ratio(out["customers_sold"], out["customers_quoted"])
    out["avg_premium"] = _ratio(out["premium"], out["customers_sold"])
    out["avg_margin_rate"] = _ratio(out["margin_amount"], out["premium"])
    return out


def benchmarks(df: pd.DataFrame) -> pd.DataFrame:
    """Team median and top quartile of each driver across the rows (reps); NaN where all n/a."""
    drivers = add_drivers(df)
    rows = {}
    for col in DRIVER_COLUMNS:
        values = drivers[col].to_numpy(dtype=float)
        values = values[~np.isnan(values)]
        rows[col] = (np.median(values), np.quantile(values, 0.75)) if len(values) else (np.nan, np.nan)
    return pd.DataFrame.from_dict(rows, orient="index", columns=["median", "top_quartile"])


def rag_frame(df: pd.DataFrame) -> pd.DataFrame:
    """red/amber/green per row and driver against the median of all rows (amber from 80% of it)."""
    drivers = add_drivers(df)
    bench = benchmarks(drivers)
    out = {"key": drivers["key"].to_numpy(), "label": drivers["label"].to_numpy()}
    for col in DRIVER_COLUMNS:
        median = bench.loc[col, "median"]
        values = drivers[col].to_numpy(dtype=float)
        if np.isnan(median):
            out[col] = np.full(len(values), "grey", dtype=object)
            continue
        out[col] = np.where(np.isnan(values), "grey",
                            np.where(values >= median, "green", np.where(values >= 0.8 * median, "amber", "red")))
    return pd.DataFrame(out)


def trend(df: pd.DataFrame) -> pd.DataFrame:
    """Per-period rows with drivers, for rows of one subject (one row per period: distinct
    customers of different subjects must not be added)."""
    if df.empty:
        return add_drivers(df)
    totals = df.groupby("period", as_index=False)[COUNT_COLUMNS].sum()
    return add_drivers(totals).sort_values("period").reset_index(drop=True)


COMPARISON_COLUMNS = ["label", "measure", "current", "base", "change", "change_pct"]


def comparison_frame(label: str, current: Counts, base: Counts, members: pd.DataFrame | None = None,
                     base_members: pd.DataFrame | None = None) -> pd.DataFrame:
    """The comparison export: one row per subject and measure (kpis.domain.COMPARED) with its value
    now, in the base period, and the exact change (kpis.domain.compare) rounded for people by unit
    (rates in rate units, 0.025 = 2.5 points; change_pct in percent, n/a when the base is zero).
    First the subject's total (`label`), then each member row (rep or team) against its base row."""
    subjects = [(label, current, base)]
    if members is not None:
        base_rows = {} if base_members is None else {r["key"]: r for r in base_members.to_dict("records")}
        for row in members.to_dict("records"):
            subjects.append((row["label"], Counts.from_mapping(row), Counts.from_mapping(base_rows.get(row["key"], {}))))
    records = []
    for name, now, then in subjects:
        for measure, change in compare(now, then).items():
            shown = display_change(measure, change)
            records.append({"label": name, "measure": measure, "current": shown["current"], "base": shown["base"],
                            "change": shown["absolute"], "change_pct": shown["percent"]})
    return pd.DataFrame.from_records(records, columns=COMPARISON_COLUMNS)


def export_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Drop internal ids and round rates for a readable download."""
    out = df.drop(columns=[c for c in ("key",) if c in df.columns]).copy()
    if "period" in out.columns and out["period"].isna().all():
        out = out.drop(columns=["period"])
    front = [c for c in ("day", "rank", "period", "label") if c in out.columns]
    out = out[front + [c for c in out.columns if c not in front]]
    for col in DRIVERS:
        if col in out.columns:
            out[col] = out[col].round(UNIT_PLACES[DRIVER_UNITS[col]])
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    # UTF-8 with BOM so Excel opens Chinese names correctly.
    return safe_frame(export_columns(df)).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(df: pd.DataFrame, *, sheet: str = "KPIs") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe_frame(export_columns(df)).to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()
