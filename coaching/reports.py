"""QA results as pandas tables (pandas in, pandas out; no database here)."""

import pandas as pd

SCORE_COLUMNS = ["week", "rep_id", "rep", "team", "result_total"]
CRITERION_COLUMNS = ["week", "rep_id", "criterion", "score", "scale_max"]


def totals_frame(rows: list[dict]) -> pd.DataFrame:
    """One row per completed sampled call: week, rep, team, result."""
    df = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    df["result_total"] = df["result_total"].astype(float)
    return df


def weekly_by_rep(df: pd.DataFrame) -> pd.DataFrame:
    """Mean QA result per rep per week (one line per rep on the chart)."""
    if df.empty:
        return pd.DataFrame(columns=["week", "rep", "result"])
    out = df.groupby(["week", "rep"], as_index=False)["result_total"].mean().rename(columns={"result_total": "result"})
    out["result"] = out["result"].round(1)
    return out.sort_values(["week", "rep"]).reset_index(drop=True)


def team_averages(df: pd.DataFrame) -> pd.DataFrame:
    """Average QA result and number of reviewed calls per team."""
    if df.empty:
        return pd.DataFrame(columns=["team", "average", "calls"])
    out = df.groupby("team", as_index=False).agg(average=("result_total", "mean"), calls=("result_total", "size"))
    out["average"] = out["average"].round(1)
    return out.sort_values("team").reset_index(drop=True)


def rep_averages(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=["rep", "average", "calls"])
    out = df.groupby("rep", as_index=False).agg(average=("result_total", "mean"), calls=("result_total", "size"))
    out["average"] = out["average"].round(1)
    return out.sort_values(["average", "rep"]).reset_index(drop=True)


def criterion_weekly(rows: list[dict]) -> pd.DataFrame:
    """Per criterion per week: average score as % of its scale (comparable across scales)."""
    df = pd.DataFrame(rows, columns=CRITERION_COLUMNS)
    if df.empty:
        return pd.DataFrame(columns=["week", "criterion", "percent"])
    df["percent"] = df["score"].astype(float) / df["scale_max"].astype(float) * 100
    out = df.groupby(["week", "criterion"], as_index=False)["percent"].mean()
    out["percent"] = out["percent"].round(1)
    return out.sort_values(["week", "criterion"]).reset_index(drop=True)
