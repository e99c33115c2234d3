"""The KPI formulas in pure Python (no Django), exact arithmetic, one module per concern: drivers
(the performance-driver model 电销业绩驱动模型 and its counting rules, outbound capacity),
diagnosis (against the team's median and top quartile, with the remedy), simulation (what-if,
模拟销售) and comparison (with the previous period or the same period last year, 环比 / 同比, and
the records behind each number for the drill-down). The public names are re-exported here, so
callers write `from kpis import domain` and `domain.decompose(...)`."""

from kpis.domain.comparison import (
    COMPARE_KINDS,
    COMPARED,
    DRILL_BEHIND,
    MEASURE_UNITS,
    PERCENT_PLACES,
    Change,
    compare,
    compare_period,
    display_change,
    measure_values,
    previous_period,
    same_period_last_year,
)
from kpis.domain.diagnosis import (
    DIAGNOSIS_ITEMS,
    RAG_AMBER_SHARE,
    Benchmark,
    Diagnosis,
    DriverCheck,
    diagnose,
    diagnosis_values,
    rag,
    team_benchmarks,
)
from kpis.domain.drivers import (
    COUNT,
    DRIVER_LABELS,
    DRIVER_UNITS,
    DRIVERS,
    MONEY,
    NA,
    RATE,
    RATE_DRIVERS,
    UNIT_PLACES,
    Counts,
    Drivers,
    decompose,
    display_value,
    fraction_to_decimal,
    outbound_capacity,
    talk_per_reached_customer,
)
from kpis.domain.simulation import (
    RankedDriver,
    Simulation,
    WhatIf,
    apply_uplift,
    rank_drivers,
    simulate,
    what_if,
)

__all__ = [
    "Benchmark", "COMPARED", "COMPARE_KINDS", "COUNT", "Change", "Counts", "DIAGNOSIS_ITEMS", "DRILL_BEHIND",
    "DRIVERS", "DRIVER_LABELS", "DRIVER_UNITS", "Diagnosis", "DriverCheck", "Drivers", "MEASURE_UNITS",
    "MONEY", "NA", "PERCENT_PLACES", "RAG_AMBER_SHARE", "RATE", "RATE_DRIVERS", "RankedDriver", "Simulation",
    "UNIT_PLACES", "WhatIf", "apply_uplift", "compare", "compare_period", "decompose", "diagnose",
    "diagnosis_values", "display_change", "display_value", "fraction_to_decimal", "measure_values",
    "outbound_capacity", "previous_period", "rag", "rank_drivers", "same_period_last_year", "simulate",
    "talk_per_reached_customer", "team_benchmarks", "what_if",
]
