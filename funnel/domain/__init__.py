"""The E–A funnel in pure Python (no Django), one module per concern: grades (the grades, shares
and rates as people type and read them), shape (the shape diagnosis) and plan (pipeline
coverage, the backward weekly plan 倒推法, its re-plan and report). Exact arithmetic with
Fraction; Decimal only for display. The public names are re-exported here, so callers write
`from funnel import domain` and `domain.classify_shape(...)`."""

from funnel.domain.grades import (
    GRADES,
    NEXT_STAGE,
    RateLike,
    as_decimal,
    as_percent,
    grade_counts,
    parse_share,
    to_fraction,
)
from funnel.domain.plan import (
    BackwardPlan,
    Coverage,
    PeriodReport,
    Replan,
    WeekActual,
    WeekReport,
    allocate_evenly,
    backward_plan,
    corrected_rates,
    normalize_rates,
    observed_rates,
    period_report,
    pipeline_coverage,
    replan,
)
from funnel.domain.shape import (
    DEFAULT_THRESHOLDS,
    SHAPE_TEXT,
    Diagnosis,
    Shape,
    ShapeThresholds,
    classify_shape,
)

__all__ = [
    "DEFAULT_THRESHOLDS", "GRADES", "NEXT_STAGE", "SHAPE_TEXT",
    "BackwardPlan", "Coverage", "Diagnosis", "PeriodReport", "RateLike", "Replan", "Shape", "ShapeThresholds",
    "WeekActual", "WeekReport",
    "allocate_evenly", "as_decimal", "as_percent", "backward_plan", "classify_shape", "corrected_rates",
    "grade_counts", "normalize_rates", "observed_rates", "parse_share", "period_report", "pipeline_coverage",
    "replan", "to_fraction",
]
