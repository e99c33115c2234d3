"""The grades of the E–A funnel and the numbers people type and read: exact shares and rates
(Fraction), shown as Decimal percentages, and counts per grade.

Grades run low to high E → D → C → B → A (潜在 → 联系 → 认同 → 意向 → 准备购买), then won (出单).
A stage's conversion rate is the share of customers at that grade who reach the next one
(for A, the share who are won)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

GRADES: tuple[str, ...] = ("E", "D", "C", "B", "A")
NEXT_STAGE: dict[str, str] = {"E": "D", "D": "C", "C": "B", "B": "A", "A": "won"}

RateLike = Fraction | Decimal | int | float | str


def to_fraction(value: RateLike) -> Fraction:
    """A rate or count as an exact Fraction ("0.35", Decimal("0.35"), 1/3 …)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(str(value))
    return Fraction(value)


def parse_share(text: str) -> Fraction:
    """A share typed by a person: "1/3", "33%", "0.25" or "25" (above 1 is read as percent)."""
    raw = str(text).strip().replace(" ", "")
    if not raw:
        raise ValueError("enter a share such as 1/3, 33% or 0.33")
    percent = raw.endswith("%")
    try:
        value = Fraction(raw.rstrip("%"))
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"“{text}” is not a share; write 1/3, 33% or 0.33") from exc
    if percent or value > 1:
        value = value / 100
    return value


def as_percent(value: Fraction | None, places: int = 1) -> Decimal | None:
    """A share as a Decimal percentage, rounded half up (Fraction(1, 3) → Decimal("33.3"))."""
    if value is None:
        return None
    exponent = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(exponent, ROUND_HALF_UP)


def as_decimal(value: Fraction | None, places: int = 4) -> Decimal | None:
    if value is None:
        return None
    exponent = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(exponent, ROUND_HALF_UP)


def grade_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """Customers per grade E..A from a mapping that may lack grades (0), refusing negative counts."""
    out = {}
    for grade in GRADES:
        value = int(counts.get(grade, 0) or 0)
        if value < 0:
            raise ValueError(f"count at grade {grade} cannot be negative")
        out[grade] = value
    return out
