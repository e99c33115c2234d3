"""Shape diagnosis: which of the seeds' funnel shapes a rep's, team's or company's funnel has
(healthy pyramid, pile-up at C, thin middle, depleted after a closing run, empty), with
the reason in numbers and the seeds' advice (English here; translated where shown)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from funnel.domain.grades import grade_counts


class Shape:
    HEALTHY = "healthy"
    PILE_UP_AT_C = "pile_up_at_c"
    THIN_MIDDLE = "thin_middle"  # the next sales have nothing behind them
    DEPLETED = "depleted"
    EMPTY = "empty"


def gettext_noop(text: str) -> str:
    """Marks a text for the catalogues (makemessages); funnel.labels translates it where shown."""
    return text


# The seeds' titles and advice; the Chinese wording of the seeds is in the catalogues.
SHAPE_TEXT: dict[str, dict[str, str]] = {
    Shape.HEALTHY: {
        "title": gettext_noop("Healthy pyramid"),
        "advice": gettext_noop(
            "The ideal customer structure: each layer shrinks from the one above by its conversion "
            "rate. Keep topping every layer up in proportion and sales stay steady and continuous."
        ),
    },
    Shape.PILE_UP_AT_C: {
        "title": gettext_noop("Few sales, few potentials, customers piled up at C"),
        "advice": gettext_noop(
            "Convert the agreeing (C) customers into orders as fast as possible, and at the same time "
            "add new potential customers to lay the ground for continuous sales."
        ),
    },
    Shape.THIN_MIDDLE: {
        "title": gettext_noop("Many sales and potentials, too few C"),
        "advice": gettext_noop(
            "Current orders look fine and there are many potentials, but with too few agreeing (C) "
            "customers the pipeline will run dry once the current orders close. Move potentials to "
            "intent quickly to keep sales flowing."
        ),
    },
    Shape.DEPLETED: {
        "title": gettext_noop("C/D/E depleted after a closing run"),
        "advice": gettext_noop(
            "After the closing run the C, D and E layers have thinned out, so sales will fall off. "
            "While closing, add potential customers massively and work potentials and contacted "
            "customers up to agreeing and intent to keep sales continuous."
        ),
    },
    Shape.EMPTY: {
        "title": gettext_noop("Empty funnel"),
        "advice": gettext_noop("There are no active customers in this funnel: add potential customers first."),
    },
}


@dataclass(frozen=True)
class ShapeThresholds:
    """The explicit rules of the classifier, checked in this order:

    1. empty     — no active customer at any grade.
    2. depleted  — A + B ≥ `depleted_bottom_ratio` × (C + D + E): the customers about to buy are at
                   least as many as all the layers that should feed later sales (inverted pyramid).
    3. pile-up   — C ≥ `pileup_ratio` × max(E, D): the agreeing layer is at least as wide as the
                   layers above it (diamond: few potentials, customers stuck at C).
    4. thin C    — C < `thin_middle_ratio` × max(B, A): the agreeing layer is narrower than a layer
                   below it (hourglass: orders now, nothing behind them).
    5. healthy   — otherwise: the layers shrink from E towards A.
    """

    depleted_bottom_ratio: Fraction = Fraction(1)
    pileup_ratio: Fraction = Fraction(1)
    thin_middle_ratio: Fraction = Fraction(1)


DEFAULT_THRESHOLDS = ShapeThresholds()


@dataclass(frozen=True)
class Diagnosis:
    shape: str
    reason: str  # the rule that matched, in numbers: "C=12 ≥ max(E, D)=9"
    title: str
    advice: str


def classify_shape(counts: Mapping[str, int], thresholds: ShapeThresholds = DEFAULT_THRESHOLDS) -> Diagnosis:
    """Classify a funnel (active customers per grade E..A) into one of the seeds' four shapes."""
    c = grade_counts(counts)
    e, d, mid, b, a = c["E"], c["D"], c["C"], c["B"], c["A"]
    upper = mid + d + e
    # The reason names the layers compared, in symbols any language reads: "C=12 ≥ D=9".
    above = f"{'E' if e >= d else 'D'}={max(e, d)}"
    below = f"{'B' if b >= a else 'A'}={max(b, a)}"
    if e + d + mid + b + a == 0:
        shape, reason = Shape.EMPTY, "E+D+C+B+A=0"
    elif a + b >= thresholds.depleted_bottom_ratio * upper:
        shape, reason = Shape.DEPLETED, f"A+B={a + b} ≥ C+D+E={upper}"
    elif mid >= thresholds.pileup_ratio * max(e, d):
        shape, reason = Shape.PILE_UP_AT_C, f"C={mid} ≥ {above}"
    elif mid < thresholds.thin_middle_ratio * max(b, a):
        shape, reason = Shape.THIN_MIDDLE, f"C={mid} < {below}"
    else:
        shape, reason = Shape.HEALTHY, f"C={mid} < {above}, C ≥ {below}"
    text = SHAPE_TEXT[shape]
    return Diagnosis(shape=shape, reason=reason, **text)
