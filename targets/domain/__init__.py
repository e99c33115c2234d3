"""Pure target arithmetic (目标管理), one module per concern: allocation (exact splits and the
uplift), periods (calendar periods, working days, splits over time), progress (pace, RAG, tiers,
projection, below-pace streaks, attainability) and requirements (the funnel walked backwards).
No Django imports; Decimal and Fraction only. The public names are re-exported here, so callers
write `from targets import domain` and `domain.allocate(...)`.

Every split goes through `allocate`, a largest-remainder allocation: the parts are whole
multiples of the quantum (a cent for money, one unit for counts) and always sum exactly to the
whole, so a 50,000,000 year target split into quarters, months and calendar weeks never loses or
invents a cent."""

from targets.domain.allocation import (
    CENT,
    UNIT,
    AllocationError,
    Share,
    allocate,
    apply_uplift,
    shares_with_uplift,
)
from targets.domain.periods import (
    CALENDAR_DAYS,
    EVEN,
    MONTH,
    PERIOD_ORDER,
    QUARTER,
    SEASONALITY,
    WEEK,
    WORKING_DAYS,
    YEAR,
    Period,
    WorkCalendar,
    day_share,
    month_period,
    next_kind,
    period_containing,
    period_weights,
    quarter_period,
    split_over_time,
    subperiods,
    week_period,
    year_period,
)
from targets.domain.progress import (
    AMBER,
    GREEN,
    RED,
    STRETCH_FACTOR,
    Progress,
    Streak,
    Tier,
    below_pace_streaks,
    elapsed_share,
    progress,
    rag_status,
    stretch_hint,
    tier_reached,
)
from targets.domain.requirements import (
    FUNNEL_STAGES,
    METRIC_STAGE,
    DriverRates,
    driver_rates,
    funnel_requirements,
    per_day,
)

__all__ = [
    "day_share",
    "AMBER", "CALENDAR_DAYS", "CENT", "EVEN", "FUNNEL_STAGES", "GREEN", "METRIC_STAGE", "MONTH", "PERIOD_ORDER",
    "QUARTER", "RED", "SEASONALITY", "STRETCH_FACTOR", "UNIT", "WEEK", "WORKING_DAYS", "YEAR",
    "AllocationError", "DriverRates", "Period", "Progress", "Share", "Streak", "Tier", "WorkCalendar",
    "allocate", "apply_uplift", "below_pace_streaks", "driver_rates", "elapsed_share", "funnel_requirements",
    "month_period", "next_kind", "per_day", "period_containing", "period_weights", "progress",
    "quarter_period", "rag_status", "shares_with_uplift", "split_over_time", "stretch_hint", "subperiods",
    "tier_reached", "week_period", "year_period",
]
