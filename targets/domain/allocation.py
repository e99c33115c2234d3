"""Exact allocation (精确分配): largest remainder, so the parts of a split are whole multiples of
the quantum (a cent for money, one unit for counts) and always sum exactly to the whole; and the
manager's uplift on top of a split (求其上得其中), shown apart from the base share."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
UNIT = Decimal("1")


class AllocationError(ValueError):
    """The amount or weights cannot be allocated (negative, not a multiple of the quantum…)."""


def allocate(total: Decimal, weights: Sequence[Decimal | int | Fraction], *, quantum: Decimal = CENT) -> list[Decimal]:
    """Split `total` into len(weights) parts proportional to `weights`, each a multiple of
    `quantum`, summing exactly to `total` (largest remainder; ties go to the earlier part).
    All-zero weights split evenly."""
    total = Decimal(total)
    if not weights:
        raise AllocationError("Nothing to allocate to.")
    units_exact = Fraction(total) / Fraction(quantum)
    if units_exact.denominator != 1:
        raise AllocationError(f"{total} is not a whole multiple of {quantum}.")
    units = units_exact.numerator
    fw = [Fraction(w) if not isinstance(w, Decimal) else Fraction(w) for w in weights]
    if any(w < 0 for w in fw):
        raise AllocationError("Weights cannot be negative.")
    wsum = sum(fw)
    if wsum == 0:
        fw = [Fraction(1)] * len(fw)
        wsum = Fraction(len(fw))
    quotas = [units * w / wsum for w in fw]
    floors = [math.floor(q) for q in quotas]
    left = units - sum(floors)
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [(Decimal(n) * quantum).quantize(quantum) for n in floors]


def apply_uplift(amount: Decimal, percent: Decimal, *, quantum: Decimal = CENT) -> Decimal:
    """The amount handed down after a manager's uplift (求其上得其中): amount × (1 + percent/100)."""
    if percent < 0:
        raise AllocationError("Uplift cannot be negative.")
    return (Decimal(amount) * (1 + Decimal(percent) / 100)).quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Share:
    """One part of a split handed to a person: the base share, the uplift on top, the total."""

    key: object
    weight: Decimal
    base: Decimal
    uplift: Decimal

    @property
    def total(self) -> Decimal:
        return self.base + self.uplift


def shares_with_uplift(
    total: Decimal, weights: Mapping[object, Decimal], uplift_percent: Decimal, *, quantum: Decimal = CENT
) -> list[Share]:
    """Split `total` by weights and hand each part out with the uplift shown separately. Base
    parts sum exactly to `total`; handed-out parts sum exactly to total × (1 + uplift)."""
    keys = list(weights)
    wl = [Decimal(weights[k]) for k in keys]
    base = allocate(total, wl, quantum=quantum)
    handed = allocate(apply_uplift(total, uplift_percent, quantum=quantum), wl, quantum=quantum)
    return [Share(key=k, weight=w, base=b, uplift=h - b) for k, w, b, h in zip(keys, wl, base, handed, strict=True)]
