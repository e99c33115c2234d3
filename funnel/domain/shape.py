"""Shape diagnosis: which of the seeds' funnel shapes a rep's, team's or company's funnel has
(healthy pyramid, pile-up at C, thin middle 青黄不接, depleted after a closing run, empty), with
the reason in numbers and the advice in English and Chinese."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from funnel.domain.grades import grade_counts


class Shape:
    HEALTHY = "healthy"
    PILE_UP_AT_C = "pile_up_at_c"
    THIN_MIDDLE = "thin_middle"  # 青黄不接
    DEPLETED = "depleted"
    EMPTY = "empty"


SHAPE_TEXT: dict[str, dict[str, str]] = {
    Shape.HEALTHY: {
        "title_en": "Healthy pyramid",
        "title_zh": "最合理的客户状态分布(金字塔)",
        "advice_en": (
            "The ideal customer structure: each layer shrinks from the one above by its conversion "
            "rate. Keep topping every layer up in proportion and sales stay steady and continuous."
        ),
        "advice_zh": (
            "比较理想的客户构成情况。如果每一层的客户按照转化率的比例递减,在出单中只需按照比例对每一层客户进行补充,"
            "就可以获得正常、连续的出单量。"
        ),
    },
    Shape.PILE_UP_AT_C: {
        "title_en": "Few sales, few potentials, customers piled up at C",
        "title_zh": "出单不多、潜在客户不多,大量客户堆积在C类",
        "advice_en": (
            "Convert the agreeing (C) customers into orders as fast as possible, and at the same time "
            "add new potential customers to lay the ground for continuous sales."
        ),
        "advice_zh": (
            "出单数量不多,潜在客户数量也不多,大量的客户堆积在C类。对于这种客户构成,需要尽快将C类认同客户转化为订单,"
            "同时也要补充潜在客户的数量,为持续出单打好基础。"
        ),
    },
    Shape.THIN_MIDDLE: {
        "title_en": "Many sales and potentials, too few C (青黄不接)",
        "title_zh": "出单不少、潜在客户多,但C类不足(青黄不接)",
        "advice_en": (
            "Current orders look fine and there are many potentials, but with too few agreeing (C) "
            "customers the pipeline will run dry once the current orders close. Move potentials to "
            "intent quickly to keep sales flowing."
        ),
        "advice_zh": (
            "现时出单的数量不少,同时也有大量的潜在客户。但由于C类客户数量不足,在现有出单完成后,容易出现青黄不接的情况。"
            "因此,需要尽快将大量的潜在客户转化为意向客户,保证出单正常流畅的进行。"
        ),
    },
    Shape.DEPLETED: {
        "title_en": "C/D/E depleted after a closing run",
        "title_zh": "出单之后C、D、E类客户减少",
        "advice_en": (
            "After the closing run the C, D and E layers have thinned out, so sales will fall off. "
            "While closing, add potential customers massively and work potentials and contacted "
            "customers up to agreeing and intent to keep sales continuous."
        ),
        "advice_zh": (
            "随着出单的结束,由于后续C、D、E类客户的减少,出单量会越来越少。因此必须在出单的同时,大量增加潜在客户的数量,"
            "并努力将潜在客户和联系客户转化为认同客户和意向客户,保证出单的连续性。"
        ),
    },
    Shape.EMPTY: {
        "title_en": "Empty funnel",
        "title_zh": "漏斗为空",
        "advice_en": "There are no active customers in this funnel: add potential customers first.",
        "advice_zh": "漏斗中没有在跟进的客户,请先大量增加潜在客户。",
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
                   below it (hourglass: orders now, nothing behind them, 青黄不接).
    5. healthy   — otherwise: the layers shrink from E towards A.
    """

    depleted_bottom_ratio: Fraction = Fraction(1)
    pileup_ratio: Fraction = Fraction(1)
    thin_middle_ratio: Fraction = Fraction(1)


DEFAULT_THRESHOLDS = ShapeThresholds()


@dataclass(frozen=True)
class Diagnosis:
    shape: str
    reason: str
    title_en: str
    title_zh: str
    advice_en: str
    advice_zh: str


def classify_shape(counts: Mapping[str, int], thresholds: ShapeThresholds = DEFAULT_THRESHOLDS) -> Diagnosis:
    """Classify a funnel (active customers per grade E..A) into one of the seeds' four shapes."""
    c = grade_counts(counts)
    e, d, mid, b, a = c["E"], c["D"], c["C"], c["B"], c["A"]
    upper = mid + d + e
    if e + d + mid + b + a == 0:
        shape, reason = Shape.EMPTY, "no active customers"
    elif a + b >= thresholds.depleted_bottom_ratio * upper:
        shape, reason = Shape.DEPLETED, f"A+B={a + b} ≥ C+D+E={upper}"
    elif mid >= thresholds.pileup_ratio * max(e, d):
        shape, reason = Shape.PILE_UP_AT_C, f"C={mid} ≥ max(E, D)={max(e, d)}"
    elif mid < thresholds.thin_middle_ratio * max(b, a):
        shape, reason = Shape.THIN_MIDDLE, f"C={mid} < max(B, A)={max(b, a)}"
    else:
        shape, reason = Shape.HEALTHY, "layers shrink from E to A"
    text = SHAPE_TEXT[shape]
    return Diagnosis(shape=shape, reason=reason, **text)
