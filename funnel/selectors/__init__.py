"""Reads for the funnel, by concern: scope (whose funnel, checked through accounts.access),
counts (the funnel per owner as of any moment, from the grade and ownership history, and the
leads behind each count) and stages (conversion over a period and the leads behind it, time in
stage, a week's actuals for the plan). Set-based SQL; counts and lists share one statement; the
statements share their pieces through funnel.selectors.sql. The public names are re-exported
here, so callers write `from funnel import selectors` and `selectors.funnel_counts(...)`."""

from funnel.selectors.counts import (
    FUNNEL_KEYS,
    as_of_moment,
    funnel_counts,
    funnel_counts_by_owner,
    funnel_leads,
    sum_counts,
)
from funnel.selectors.scope import Scope, resolve_scope
from funnel.selectors.segments import funnel_counts_by_segment
from funnel.selectors.stages import (
    STAGE_GRADES,
    StageStats,
    average_days_in_stage,
    stage_leads,
    stage_stats,
    stage_stats_by_owner,
    sum_stats,
    week_actual,
)

__all__ = [
    "FUNNEL_KEYS", "STAGE_GRADES", "Scope", "StageStats", "as_of_moment", "average_days_in_stage", "funnel_counts",
    "funnel_counts_by_owner", "funnel_counts_by_segment", "funnel_leads", "resolve_scope", "stage_leads", "stage_stats", "stage_stats_by_owner",
    "sum_counts", "sum_stats", "week_actual",
]
