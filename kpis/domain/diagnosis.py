"""Diagnosis (what to do when a rep misses the target): a rep's or a team's seven values against the team's
median and top quartile, red / amber / green, and the weakest driver with its remedy."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from kpis.domain.drivers import Counts, decompose
from kpis.remedies import REMEDIES

DIAGNOSIS_ITEMS = ("outbound_customers", "effective_connect_rate", "accumulated_customers", "quote_success_rate",
                   "sales_success_rate", "avg_premium", "avg_margin_rate")

RAG_AMBER_SHARE = Fraction(8, 10)  # below 80% of the team median is red, below the median amber


def diagnosis_values(counts: Counts) -> dict[str, Fraction | None]:
    """The seven values a diagnosis compares: the six drivers plus accumulated intent customers
    (customers quoted, 意向客户 — the pipeline a rep builds up)."""
    d = decompose(counts)
    values: dict[str, Fraction | None] = {name: value for name, value in d.factors()}
    values["accumulated_customers"] = Fraction(counts.customers_quoted)
    return values


def _quantile(values: Sequence[Fraction], q: Fraction) -> Fraction:
    """Linear-interpolated quantile (like pandas' default) on exact values."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass(frozen=True)
class Benchmark:
    median: Fraction | None
    top_quartile: Fraction | None


def team_benchmarks(members: Iterable[Counts]) -> dict[str, Benchmark]:
    """Median and top quartile (75th percentile) of each diagnosis value across team members."""
    per_item: dict[str, list[Fraction]] = {name: [] for name in DIAGNOSIS_ITEMS}
    for counts in members:
        for name, value in diagnosis_values(counts).items():
            if value is not None:
                per_item[name].append(value)
    out = {}
    for name, values in per_item.items():
        if values:
            out[name] = Benchmark(median=Fraction(statistics.median(values)), top_quartile=_quantile(values, Fraction(3, 4)))
        else:
            out[name] = Benchmark(median=None, top_quartile=None)
    return out


def rag(value: Fraction | None, benchmark: Benchmark) -> str:
    """green at or above the team median, amber from 80% of it, red below; grey if n/a."""
    if value is None or benchmark.median is None:
        return "grey"
    if value >= benchmark.median:
        return "green"
    if value >= benchmark.median * RAG_AMBER_SHARE:
        return "amber"
    return "red"


@dataclass(frozen=True)
class DriverCheck:
    name: str
    value: Fraction | None
    median: Fraction | None
    top_quartile: Fraction | None
    ratio_to_median: Fraction | None
    status: str


@dataclass(frozen=True)
class Diagnosis:
    checks: list[DriverCheck]
    weakest: str | None
    problem: str | None = None
    remedy: str | None = None
    below_median: list[str] = field(default_factory=list)


def diagnose(counts: Counts, benchmarks: Mapping[str, Benchmark]) -> Diagnosis:
    """Compare each value with the team median/top quartile and name the weakest one: the value
    furthest below its median (lowest value/median). None when nothing is below the median."""
    checks = []
    for name, value in diagnosis_values(counts).items():
        bench = benchmarks.get(name, Benchmark(None, None))
        ratio = value / bench.median if value is not None and bench.median else None
        checks.append(DriverCheck(name, value, bench.median, bench.top_quartile, ratio, rag(value, bench)))
    checks.sort(key=lambda c: DIAGNOSIS_ITEMS.index(c.name))
    below = [c for c in checks if c.ratio_to_median is not None and c.ratio_to_median < 1]
    if not below:
        return Diagnosis(checks=checks, weakest=None)
    # Accumulated customers is the product of the upstream drivers; on a tie the driver itself is
    # named (it is the cause), so the pipeline is named only when several drivers are a bit low.
    weakest = min(below, key=lambda c: (c.ratio_to_median, c.name == "accumulated_customers", DIAGNOSIS_ITEMS.index(c.name)))
    return Diagnosis(
        checks=checks,
        weakest=weakest.name,
        problem=REMEDIES[weakest.name]["problem"],
        remedy=REMEDIES[weakest.name]["remedy"],
        below_median=[c.name for c in sorted(below, key=lambda c: c.ratio_to_median)],
    )
