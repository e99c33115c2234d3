"""What-if (模拟销售): the result after raising some drivers by percentages, and the drivers
ranked by how much the result grows if only that one moves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from kpis.domain.diagnosis import team_benchmarks
from kpis.domain.drivers import DRIVERS, RATE_DRIVERS, Counts, Drivers, decompose


def _drivers_from_values(values: Mapping[str, Fraction | None]) -> Fraction:
    total = Fraction(1)
    for name in DRIVERS:
        value = values[name]
        if value is None:
            return Fraction(0)
        total *= value
    return total


def apply_uplift(drivers: Drivers, uplifts: Mapping[str, Decimal]) -> dict[str, Fraction | None]:
    """Raise drivers by percentages (e.g. {"quote_success_rate": Decimal("10")} = +10%). Rates are
    capped at 100%; an n/a driver stays n/a."""
    values = dict(drivers.factors())
    for name, pct in uplifts.items():
        if name not in DRIVERS:
            raise ValueError(f"Unknown driver: {name}")
        value = values[name]
        if value is None:
            continue
        raised = value * (1 + Fraction(Decimal(pct)) / 100)
        if name in RATE_DRIVERS:
            raised = min(raised, Fraction(1))
        values[name] = max(raised, Fraction(0))
    return values


@dataclass(frozen=True)
class WhatIf:
    base_result: Fraction
    new_result: Fraction
    new_values: dict[str, Fraction | None]

    @property
    def change(self) -> Fraction:
        return self.new_result - self.base_result

    @property
    def change_percent(self) -> Fraction | None:
        return None if not self.base_result else self.change / self.base_result * 100


def what_if(drivers: Drivers, uplifts: Mapping[str, Decimal]) -> WhatIf:
    """The result after raising the given drivers by the given percentages."""
    values = apply_uplift(drivers, uplifts)
    return WhatIf(base_result=drivers.product, new_result=_drivers_from_values(values), new_values=values)


@dataclass(frozen=True)
class RankedDriver:
    name: str
    gain_at_uplift: Fraction
    target_value: Fraction | None
    gain_at_top_quartile: Fraction


def rank_drivers(
    drivers: Drivers, *, percent: Decimal = Decimal("10"), top_quartiles: Mapping[str, Fraction | None] | None = None
) -> list[RankedDriver]:
    """Rank drivers by how much the result grows if only that driver moves: first by the gain from
    reaching the team's top quartile (the realistic effort), then by the gain from +percent (rates
    capped at 100%, so a rate already near its ceiling gains little)."""
    top_quartiles = top_quartiles or {}
    base = drivers.product
    ranked = []
    for name in DRIVERS:
        gain_pct = what_if(drivers, {name: percent}).new_result - base
        target = top_quartiles.get(name)
        gain_tq = Fraction(0)
        current = getattr(drivers, name)
        if target is not None and current is not None and target > current:
            values = dict(drivers.factors())
            values[name] = Fraction(target)
            gain_tq = _drivers_from_values(values) - base
        ranked.append(RankedDriver(name, gain_pct, target, gain_tq))
    ranked.sort(key=lambda r: (-r.gain_at_top_quartile, -r.gain_at_uplift, DRIVERS.index(r.name)))
    return ranked


@dataclass(frozen=True)
class Simulation:
    drivers: Drivers
    what_if: WhatIf
    ranking: list[RankedDriver]


def simulate(counts: Counts, peers: Iterable[Counts], uplifts: Mapping[str, Decimal], *,
             percent: Decimal = Decimal("10")) -> Simulation:
    """模拟销售: the result after the uplifts, and the drivers ranked by effect against the peers'
    top quartile (a rep's teammates, or for a team the other teams' totals)."""
    drivers = decompose(counts)
    bench = team_benchmarks(peers)
    top = {name: bench[name].top_quartile for name in DRIVERS}
    return Simulation(drivers, what_if(drivers, uplifts), rank_drivers(drivers, percent=percent, top_quartiles=top))
