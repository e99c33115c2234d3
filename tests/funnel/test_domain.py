"""Pure funnel rules: shapes, pipeline coverage, the backward plan (倒推法) and its weekly re-plan."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from funnel.domain import (
    GRADES,
    Shape,
    ShapeThresholds,
    WeekActual,
    allocate_evenly,
    as_percent,
    backward_plan,
    classify_shape,
    corrected_rates,
    parse_share,
    period_report,
    pipeline_coverage,
    replan,
)

RATES = {"E": "0.6", "D": "0.5", "C": "0.4", "B": "0.5", "A": "0.8"}
CURRENT = {"E": 30, "D": 15, "C": 10, "B": 3, "A": 4}


def in_chinese(text: str) -> str:
    """The seeds' Chinese wording of a shape's text (the catalogue translates the English)."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


def funnel(e, d, c, b, a):
    return {"E": e, "D": d, "C": c, "B": b, "A": a}


# ---- shapes -----------------------------------------------------------------------------------
def test_a_pyramid_shrinking_by_its_rates_is_healthy():
    result = classify_shape(funnel(100, 50, 25, 12, 6))
    assert result.shape == Shape.HEALTHY
    assert "按照比例" in in_chinese(result.advice)


def test_customers_piled_up_at_c_with_few_potentials_is_the_pile_up_shape():
    result = classify_shape(funnel(8, 12, 30, 6, 3))
    assert result.shape == Shape.PILE_UP_AT_C
    assert "C类认同客户转化为订单" in in_chinese(result.advice)
    assert "Convert the agreeing (C)" in result.advice


def test_many_potentials_and_orders_but_a_thin_c_is_qing_huang_bu_jie():
    result = classify_shape(funnel(40, 20, 5, 20, 15))
    assert result.shape == Shape.THIN_MIDDLE
    assert "青黄不接" in in_chinese(result.advice)


def test_bottom_heavy_funnel_after_a_closing_run_is_depleted():
    result = classify_shape(funnel(3, 4, 5, 20, 25))
    assert result.shape == Shape.DEPLETED
    assert "大量增加潜在客户" in in_chinese(result.advice)


def test_empty_funnel_says_to_add_potentials():
    assert classify_shape({}).shape == Shape.EMPTY


@pytest.mark.parametrize(
    ("counts", "shape"),
    [
        # A+B exactly equal to C+D+E tips into depleted; one more upper customer keeps it out.
        (funnel(10, 5, 5, 10, 10), Shape.DEPLETED),
        (funnel(11, 5, 5, 10, 10), Shape.THIN_MIDDLE),
        # C equal to the widest upper layer is a pile-up; one fewer is not.
        (funnel(10, 8, 10, 2, 1), Shape.PILE_UP_AT_C),
        (funnel(10, 8, 9, 2, 1), Shape.HEALTHY),
        # C equal to B is still a pyramid; one fewer C is a waist (青黄不接).
        (funnel(20, 10, 6, 6, 2), Shape.HEALTHY),
        (funnel(20, 10, 5, 6, 2), Shape.THIN_MIDDLE),
        # a single customer at A alone: the bottom outweighs an empty top
        (funnel(0, 0, 0, 0, 1), Shape.DEPLETED),
        # only raw leads: a (steep) pyramid
        (funnel(50, 0, 0, 0, 0), Shape.HEALTHY),
    ],
)
def test_borderline_funnels_fall_on_the_documented_side(counts, shape):
    assert classify_shape(counts).shape == shape


def test_thresholds_are_configurable():
    counts = funnel(10, 8, 9, 2, 1)
    assert classify_shape(counts, ShapeThresholds(pileup_ratio=Fraction(9, 10))).shape == Shape.PILE_UP_AT_C


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        classify_shape(funnel(-1, 0, 0, 0, 0))


# ---- coverage ---------------------------------------------------------------------------------
def test_seed_pipeline_coverage_example_needs_36_prospects():
    result = pipeline_coverage(cycle_months=4, win_rate=Fraction(1, 3), new_customers_per_month=3)
    assert result.prospects_needed == 36
    assert result.exact == 36


def test_coverage_rounds_up_to_whole_prospects():
    result = pipeline_coverage(cycle_months="2.5", win_rate="0.3", new_customers_per_month=2)
    assert result.exact == Fraction(50, 3)
    assert result.prospects_needed == 17


@pytest.mark.parametrize(
    ("text", "share"), [("1/3", Fraction(1, 3)), ("33%", Fraction(33, 100)), ("0.25", Fraction(1, 4)), ("25", Fraction(1, 4))]
)
def test_typed_shares_are_read_as_fractions_or_percentages(text, share):
    assert parse_share(text) == share


@pytest.mark.parametrize("text", ["", "abc", "1/0"])
def test_unreadable_shares_are_refused(text):
    with pytest.raises(ValueError, match="share"):
        parse_share(text)


@pytest.mark.parametrize("rate", [0, "1.5", -1])
def test_coverage_refuses_impossible_win_rates(rate):
    with pytest.raises(ValueError, match="win rate"):
        pipeline_coverage(cycle_months=4, win_rate=rate, new_customers_per_month=3)


# ---- backward plan ----------------------------------------------------------------------------
def test_backward_plan_worked_example_by_hand():
    # Target 8 sales in 4 weeks; rates E→D 60%, D→C 50%, C→B 40%, B→A 50%, A→won 80%.
    # A: ⌈8/0.8⌉ = 10 needed, 4 there → 6 new.   B: ⌈6/0.5⌉ = 12, 3 there → 9 new.
    # C: ⌈9/0.4⌉ = ⌈22.5⌉ = 23, 10 there → 13 new. D: ⌈13/0.5⌉ = 26, 15 there → 11 new.
    # E: ⌈11/0.6⌉ = ⌈18.3⌉ = 19, 30 there → 0 new (enough potentials already).
    plan = backward_plan(target=8, weeks=4, rates=RATES, current=CURRENT)
    assert plan.needed == {"E": 19, "D": 26, "C": 23, "B": 12, "A": 10}
    assert plan.new_needed == {"E": 0, "D": 11, "C": 13, "B": 9, "A": 6}
    # Empty funnel: 8/0.8=10 A, 20 B, 50 C, 100 D, 166.7 → 167 E.
    assert plan.from_scratch == {"E": 167, "D": 100, "C": 50, "B": 20, "A": 10}
    assert plan.weekly_sales == [2, 2, 2, 2]
    assert [w["D"] for w in plan.weekly_new] == [3, 3, 3, 2]
    assert [w["C"] for w in plan.weekly_new] == [4, 3, 3, 3]
    assert [w["B"] for w in plan.weekly_new] == [3, 2, 2, 2]
    assert [w["A"] for w in plan.weekly_new] == [2, 2, 1, 1]
    assert plan.week_rows()[0] == {"week": 1, "sales": 2, "E": 0, "D": 3, "C": 4, "B": 3, "A": 2}


def test_weekly_replan_uses_the_first_weeks_actual_rates_for_the_remaining_three_weeks():
    # Week 1: 1 sale. Of 5 customers at A, 1 won (20%); of 4 at B, 2 reached A (50%);
    # of 10 at C, 2 reached B (20%); of 10 at D, 4 reached C (40%); nobody tracked at E.
    week1 = WeekActual(
        won=1,
        entered={"E": 0, "D": 4, "C": 4, "B": 2, "A": 2},
        at={"E": 0, "D": 10, "C": 10, "B": 4, "A": 5},
        reached={"E": 0, "D": 4, "C": 2, "B": 2, "A": 1},
    )
    now = {"E": 26, "D": 12, "C": 12, "B": 4, "A": 5}
    result = replan(target=8, weeks=4, planned_rates=RATES, actuals=[week1], current=now)
    assert result.remaining_target == 7
    assert result.rates == {
        "E": Fraction(3, 5), "D": Fraction(2, 5), "C": Fraction(1, 5), "B": Fraction(1, 2), "A": Fraction(1, 5),
    }
    assert result.rate_sources == {"E": "planned", "D": "actual", "C": "actual", "B": "actual", "A": "actual"}
    # A: ⌈7/0.2⌉ = 35, 5 there → 30 new.  B: 60, 4 there → 56 new.  C: 280, 12 → 268 new.
    # D: 670, 12 → 658 new.  E: ⌈658/0.6⌉ = ⌈1096.7⌉ = 1097, 26 there → 1071 new.
    plan = result.plan
    assert plan.weeks == 3 and plan.first_week == 2
    assert plan.needed == {"E": 1097, "D": 670, "C": 280, "B": 60, "A": 35}
    assert plan.new_needed == {"E": 1071, "D": 658, "C": 268, "B": 56, "A": 30}
    assert plan.weekly_sales == [3, 2, 2]
    assert [w["week"] for w in plan.week_rows()] == [2, 3, 4]
    assert [w["E"] for w in plan.weekly_new] == [357, 357, 357]


def test_a_stage_with_no_conversion_yet_keeps_its_planned_rate():
    week = WeekActual(at={"A": 3}, reached={"A": 0})
    rates, sources = corrected_rates(RATES, [week])
    assert rates["A"] == Fraction(4, 5) and sources["A"] == "planned"


def test_replan_after_the_last_week_has_no_plan_left():
    weeks = [WeekActual(won=4), WeekActual(won=5)]
    result = replan(target=8, weeks=2, planned_rates=RATES, actuals=weeks, current=CURRENT)
    assert result.plan is None and result.remaining_target == 0


def test_period_end_report_gives_average_rates_and_share_achieved_each_week():
    plan = backward_plan(target=8, weeks=4, rates=RATES, current=CURRENT)
    actuals = [
        WeekActual(won=1, at={"A": 5, "B": 4}, reached={"A": 1, "B": 2}),
        WeekActual(won=3, at={"A": 5, "B": 6}, reached={"A": 3, "B": 2}),
        WeekActual(won=2, at={"A": 4}, reached={"A": 2}),
        WeekActual(won=2, at={"A": 6}, reached={"A": 2}),
    ]
    report = period_report(plan=plan, actuals=actuals)
    assert [w.share for w in report.weeks] == [Fraction(1, 2), Fraction(3, 2), Fraction(1), Fraction(1)]
    assert [w.cumulative_won for w in report.weeks] == [1, 4, 6, 8]
    assert report.share_of_target == 1
    assert report.average_rates["A"] == Fraction(8, 20)
    assert report.average_rates["B"] == Fraction(4, 10)
    assert report.average_rates["E"] is None
    assert as_percent(report.average_rates["A"]) == Decimal("40.0")


def test_zero_target_needs_no_new_customers():
    plan = backward_plan(target=0, weeks=2, rates=RATES, current={})
    assert plan.new_needed == dict.fromkeys(GRADES, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target": 5, "weeks": 0}, "week"),
        ({"target": -1, "weeks": 4}, "target"),
        ({"target": 5, "weeks": 4, "rates": {**RATES, "C": "0"}}, "C→B"),
        ({"target": 5, "weeks": 4, "rates": {**RATES, "A": "1.2"}}, "A→won"),
        ({"target": 5, "weeks": 4, "rates": {"E": "0.5"}}, "missing"),
    ],
)
def test_backward_plan_refuses_bad_input_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        backward_plan(**{"rates": RATES, "current": CURRENT, **kwargs})


@given(total=st.integers(min_value=0, max_value=10_000), parts=st.integers(min_value=1, max_value=60))
def test_even_allocation_sums_exactly_and_is_fair(total, parts):
    shares = allocate_evenly(total, parts)
    assert sum(shares) == total and max(shares) - min(shares) <= 1


rate_st = st.fractions(min_value=Fraction(1, 100), max_value=1)


@given(
    target=st.integers(min_value=0, max_value=500),
    weeks=st.integers(min_value=1, max_value=13),
    rates=st.fixed_dictionaries({g: rate_st for g in GRADES}),
    current=st.fixed_dictionaries({g: st.integers(min_value=0, max_value=300) for g in GRADES}),
)
def test_planned_new_entries_plus_current_customers_always_reach_the_target(target, weeks, rates, current):
    plan = backward_plan(target=target, weeks=weeks, rates=rates, current=current)
    # Push the funnel forward with the planned rates: new potentials come from outside, every
    # later grade is fed by the stage above; the customers coming out of A must reach the target.
    out = (current["E"] + plan.new_needed["E"]) * rates["E"]
    for grade in GRADES[1:]:
        assert out >= plan.new_needed[grade]
        out = (current[grade] + out) * rates[grade]
    assert out >= target
    assert sum(plan.weekly_sales) == target
    for grade in GRADES:
        assert sum(w[grade] for w in plan.weekly_new) == plan.new_needed[grade]
