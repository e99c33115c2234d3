"""The E–A funnel in pure Python (no Django): shape diagnosis, pipeline coverage and the
backward weekly plan (倒推法). Exact arithmetic with Fraction; Decimal only for display.

Grades run low to high E → D → C → B → A (潜在 → 联系 → 认同 → 意向 → 准备购买), then won (出单).
A stage's conversion rate is the share of customers at that grade who reach the next one
(for A, the share who are won).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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


def _ceil(value: Fraction) -> int:
    return math.ceil(value)


def allocate_evenly(total: int, parts: int) -> list[int]:
    """Split an integer into `parts` integers that differ by at most one and sum exactly to
    `total` (largest remainder; earlier weeks take the extra units, so the plan is front-loaded)."""
    if parts <= 0:
        raise ValueError("parts must be positive")
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


# ---- shape diagnosis ------------------------------------------------------------------------
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


def _counts(counts: Mapping[str, int]) -> dict[str, int]:
    out = {}
    for grade in GRADES:
        value = int(counts.get(grade, 0) or 0)
        if value < 0:
            raise ValueError(f"count at grade {grade} cannot be negative")
        out[grade] = value
    return out


def classify_shape(counts: Mapping[str, int], thresholds: ShapeThresholds = DEFAULT_THRESHOLDS) -> Diagnosis:
    """Classify a funnel (active customers per grade E..A) into one of the seeds' four shapes."""
    c = _counts(counts)
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


# ---- pipeline coverage ----------------------------------------------------------------------
@dataclass(frozen=True)
class Coverage:
    prospects_needed: int
    exact: Fraction
    in_progress_per_month: Fraction


def pipeline_coverage(*, cycle_months: RateLike, win_rate: RateLike, new_customers_per_month: RateLike) -> Coverage:
    """Prospects the pipeline must hold: goal per month × cycle length ÷ win rate (seed 003:
    4-month cycle, 1/3 win rate, 3 new customers a month → at least 36 prospects)."""
    cycle = to_fraction(cycle_months)
    rate = to_fraction(win_rate)
    goal = to_fraction(new_customers_per_month)
    if cycle <= 0:
        raise ValueError("cycle length must be positive")
    if not 0 < rate <= 1:
        raise ValueError("win rate must be above 0 and at most 1")
    if goal < 0:
        raise ValueError("the goal cannot be negative")
    exact = goal * cycle / rate
    return Coverage(prospects_needed=_ceil(exact), exact=exact, in_progress_per_month=goal / rate)


# ---- backward plan (倒推法) -----------------------------------------------------------------
def normalize_rates(rates: Mapping[str, RateLike]) -> dict[str, Fraction]:
    """Stage rates keyed by the grade they leave (E..A); each must be in (0, 1]."""
    out = {}
    for grade in GRADES:
        if grade not in rates or rates[grade] is None:
            raise ValueError(f"missing conversion rate for stage {grade}→{NEXT_STAGE[grade]}")
        value = to_fraction(rates[grade])
        if not 0 < value <= 1:
            raise ValueError(f"conversion rate for stage {grade}→{NEXT_STAGE[grade]} must be above 0 and at most 1")
        out[grade] = value
    return out


@dataclass(frozen=True)
class BackwardPlan:
    target: int
    weeks: int
    rates: dict[str, Fraction]
    current: dict[str, int]
    # Customers that must pass through each grade to reach the target, counting those there now.
    needed: dict[str, int]
    # Of those, how many must still enter each grade (needed minus the customers already there).
    new_needed: dict[str, int]
    # Customers needed at each grade if the funnel were empty (target ÷ the product of the rates).
    from_scratch: dict[str, int]
    weekly_sales: list[int]
    weekly_new: list[dict[str, int]]
    first_week: int = 1

    def week_rows(self) -> list[dict]:
        return [
            {"week": self.first_week + i, "sales": self.weekly_sales[i], **self.weekly_new[i]}
            for i in range(self.weeks)
        ]


def backward_plan(
    *, target: int, weeks: int, rates: Mapping[str, RateLike], current: Mapping[str, int], first_week: int = 1
) -> BackwardPlan:
    """From a sales target, stage rates and the current funnel, work back from won to E.

    A needed = ⌈target ÷ rate(A→won)⌉; new A = max(0, A needed − A now); B needed = ⌈new A ÷ rate(B→A)⌉;
    and so on up to E. New entries per grade are spread evenly over the weeks."""
    if int(target) != target or target < 0:
        raise ValueError("the target must be a whole number of sales, 0 or more")
    if int(weeks) != weeks or weeks < 1:
        raise ValueError("the period must have at least one week")
    target, weeks = int(target), int(weeks)
    r = normalize_rates(rates)
    now = _counts(current)
    needed, new_needed, from_scratch = {}, {}, {}
    flow = Fraction(target)  # customers that must come out of the stage being computed
    scratch = Fraction(target)
    for grade in reversed(GRADES):
        needed[grade] = _ceil(flow / r[grade])
        new_needed[grade] = max(0, needed[grade] - now[grade])
        flow = Fraction(new_needed[grade])
        scratch = scratch / r[grade]
        from_scratch[grade] = _ceil(scratch)
    per_grade = {g: allocate_evenly(new_needed[g], weeks) for g in GRADES}
    weekly_new = [{g: per_grade[g][i] for g in GRADES} for i in range(weeks)]
    return BackwardPlan(
        target=target,
        weeks=weeks,
        rates=r,
        current=now,
        needed={g: needed[g] for g in GRADES},
        new_needed={g: new_needed[g] for g in GRADES},
        from_scratch={g: from_scratch[g] for g in GRADES},
        weekly_sales=allocate_evenly(target, weeks),
        weekly_new=weekly_new,
        first_week=first_week,
    )


@dataclass(frozen=True)
class WeekActual:
    """What happened in one week: sales won, new entries per grade, and per stage how many
    customers were at the grade (`at`) and how many of them reached the next one (`reached`)."""

    won: int = 0
    entered: dict[str, int] = field(default_factory=dict)
    at: dict[str, int] = field(default_factory=dict)
    reached: dict[str, int] = field(default_factory=dict)


def observed_rates(actuals: Sequence[WeekActual]) -> dict[str, Fraction | None]:
    """Pooled stage rates over the weeks given: Σ reached ÷ Σ at (None where nobody was at it)."""
    out: dict[str, Fraction | None] = {}
    for grade in GRADES:
        at = sum(w.at.get(grade, 0) for w in actuals)
        reached = sum(w.reached.get(grade, 0) for w in actuals)
        out[grade] = Fraction(reached, at) if at else None
    return out


def corrected_rates(
    planned: Mapping[str, RateLike], actuals: Sequence[WeekActual], *, min_sample: int = 1
) -> tuple[dict[str, Fraction], dict[str, str]]:
    """Correct the planned rates with actuals (step 3 of 倒推法): a stage takes its observed rate
    when at least `min_sample` customers were at it and at least one moved on; otherwise
    (no sample, or no conversion yet, which would make the plan impossible) it keeps the plan."""
    plan = normalize_rates(planned)
    seen = observed_rates(actuals)
    rates, sources = {}, {}
    for grade in GRADES:
        at = sum(w.at.get(grade, 0) for w in actuals)
        value = seen[grade]
        if value is not None and at >= min_sample and value > 0:
            rates[grade], sources[grade] = min(value, Fraction(1)), "actual"
        else:
            rates[grade], sources[grade] = plan[grade], "planned"
    return rates, sources


@dataclass(frozen=True)
class Replan:
    weeks_done: int
    won_so_far: int
    remaining_target: int
    rates: dict[str, Fraction]
    rate_sources: dict[str, str]
    plan: BackwardPlan | None  # None when no week is left


def replan(
    *,
    target: int,
    weeks: int,
    planned_rates: Mapping[str, RateLike],
    actuals: Sequence[WeekActual],
    current: Mapping[str, int],
    min_sample: int = 1,
) -> Replan:
    """Re-plan the remaining weeks from the actuals of the weeks done and the funnel now."""
    done = len(actuals)
    if done > weeks:
        raise ValueError("more weeks of actuals than the period has")
    won = sum(w.won for w in actuals)
    remaining = max(0, int(target) - won)
    rates, sources = corrected_rates(planned_rates, actuals, min_sample=min_sample)
    plan = None
    if weeks - done > 0:
        plan = backward_plan(target=remaining, weeks=weeks - done, rates=rates, current=current, first_week=done + 1)
    return Replan(
        weeks_done=done, won_so_far=won, remaining_target=remaining, rates=rates, rate_sources=sources, plan=plan
    )


@dataclass(frozen=True)
class WeekReport:
    week: int
    planned_sales: int
    won: int
    share: Fraction | None  # won ÷ planned for the week (None when nothing was planned)
    cumulative_won: int
    cumulative_share_of_target: Fraction | None


@dataclass(frozen=True)
class PeriodReport:
    target: int
    won: int
    share_of_target: Fraction | None
    average_rates: dict[str, Fraction | None]
    weeks: list[WeekReport]


def period_report(*, plan: BackwardPlan, actuals: Sequence[WeekActual]) -> PeriodReport:
    """Step 4 of 倒推法: average conversion rates over the period and the share of the plan
    achieved each week (won ÷ the week's planned sales)."""
    rows, cumulative = [], 0
    for i, actual in enumerate(actuals):
        planned = plan.weekly_sales[i] if i < len(plan.weekly_sales) else 0
        cumulative += actual.won
        rows.append(
            WeekReport(
                week=plan.first_week + i,
                planned_sales=planned,
                won=actual.won,
                share=Fraction(actual.won, planned) if planned else None,
                cumulative_won=cumulative,
                cumulative_share_of_target=Fraction(cumulative, plan.target) if plan.target else None,
            )
        )
    return PeriodReport(
        target=plan.target,
        won=cumulative,
        share_of_target=Fraction(cumulative, plan.target) if plan.target else None,
        average_rates=observed_rates(actuals),
        weeks=rows,
    )
