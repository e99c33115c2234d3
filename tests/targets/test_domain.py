"""Pure target arithmetic: exact allocation, calendar periods, uplift, pace, RAG, streaks."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets import domain as d


def test_seed_example_year_quarters_months_weeks_sum_exactly():
    year = Decimal("50000000")
    quarters = d.split_over_time(year, d.year_period(2026), d.QUARTER)
    assert [v for _, v in quarters] == [Decimal("12500000.00")] * 4
    all_weeks = []
    for qp, qv in quarters:
        months = d.split_over_time(qv, qp, d.MONTH)
        assert sum(v for _, v in months) == qv
        assert {v for _, v in months} == {Decimal("4166666.67"), Decimal("4166666.66")}
        for mp, mv in months:
            weeks = d.split_over_time(mv, mp, d.WEEK, d.CALENDAR_DAYS)
            assert sum(v for _, v in weeks) == mv
            # weeks are real calendar weeks clipped to the month, not a month divided by four
            assert weeks[0][0].start == mp.start and weeks[-1][0].end == mp.end
            all_weeks.extend(weeks)
    assert sum(v for _, v in all_weeks) == year
    full_week = next(v for p, v in all_weeks if p.days == 7)
    assert Decimal("900000") < full_week < Decimal("1000000")  # ≈961,538, not ≈1,040,000


def test_rep_shares_with_twenty_percent_uplift_are_shown_separately():
    shares = d.shares_with_uplift(Decimal("4166666.67"), {"a": 1, "b": 1, "c": 1}, Decimal("20"))
    assert sum(s.base for s in shares) == Decimal("4166666.67")
    assert sum(s.total for s in shares) == Decimal("5000000.00")
    assert all(s.uplift > 0 for s in shares)


def test_count_metrics_allocate_whole_units():
    assert d.allocate(Decimal("10"), [1, 1, 1], quantum=d.UNIT) == [Decimal(4), Decimal(3), Decimal(3)]


def test_allocation_refuses_amounts_finer_than_the_quantum_and_negative_weights():
    with pytest.raises(d.AllocationError):
        d.allocate(Decimal("1.005"), [1, 1])
    with pytest.raises(d.AllocationError):
        d.allocate(Decimal("1"), [1, -1])


@given(
    cents=st.integers(min_value=0, max_value=10**13),
    weights=st.lists(st.decimals(min_value=0, max_value=10**6, places=3), min_size=1, max_size=40),
)
def test_any_allocation_sums_exactly_and_stays_within_one_cent_of_its_quota(cents, weights):
    total = Decimal(cents) / 100
    parts = d.allocate(total, weights)
    assert sum(parts) == total
    wsum = sum(weights)
    if wsum:
        for p, w in zip(parts, weights, strict=True):
            assert abs(p - total * w / wsum) < Decimal("0.01") + Decimal("1e-9")


@given(
    units=st.integers(min_value=0, max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=30),
)
def test_any_unit_allocation_sums_exactly(units, weights):
    parts = d.allocate(Decimal(units), weights, quantum=d.UNIT)
    assert sum(parts) == units and all(p == p.to_integral_value() and p >= 0 for p in parts)


@given(
    cents=st.integers(min_value=1, max_value=10**12),
    year=st.integers(min_value=2000, max_value=2100),
    method=st.sampled_from([d.EVEN, d.CALENDAR_DAYS, d.WORKING_DAYS, d.SEASONALITY]),
    season=st.lists(st.integers(min_value=0, max_value=50), min_size=12, max_size=12),
    uplift=st.integers(min_value=0, max_value=100),
)
def test_any_time_and_people_decomposition_sums_exactly(cents, year, method, season, uplift):
    total = Decimal(cents) / 100
    seasonality = {m + 1: Decimal(w) for m, w in enumerate(season)}
    parent = d.year_period(year)
    for kind in (d.QUARTER, d.MONTH, d.WEEK):
        parts = d.split_over_time(total, parent, kind, method, seasonality=seasonality)
        assert sum(v for _, v in parts) == total
        assert parts[0][0].start == parent.start and parts[-1][0].end == parent.end
    shares = d.shares_with_uplift(total, {i: Decimal(w) for i, w in enumerate(season)}, Decimal(uplift))
    assert sum(s.base for s in shares) == total
    assert sum(s.total for s in shares) == d.apply_uplift(total, Decimal(uplift))


def test_working_days_skip_weekends_and_holidays_and_count_makeup_days():
    cal = d.WorkCalendar(holidays=frozenset({dt.date(2026, 10, 1), dt.date(2026, 10, 2)}),
                         extra_workdays=frozenset({dt.date(2026, 10, 10)}))
    october = d.month_period(2026, 10)
    assert cal.count(october) == 22 - 2 + 1
    parts = d.split_over_time(Decimal("2100"), october, d.WEEK, d.WORKING_DAYS, work_calendar=cal, quantum=d.UNIT)
    assert parts[0][0] == d.Period(d.WEEK, dt.date(2026, 10, 1), dt.date(2026, 10, 4))
    assert parts[0][1] == 0  # Thu+Fri are the national holiday, then a weekend
    assert sum(v for _, v in parts) == 2100


def test_pace_rag_tier_and_projection_on_a_fixed_date():
    month = d.month_period(2026, 6)  # 30 days
    tiers = [d.Tier("base", Decimal(300), Decimal(1)), d.Tier("challenge", Decimal(360), Decimal("1.2"))]
    p = d.progress(target=Decimal(300), actual=Decimal(100), period=month, as_of=dt.date(2026, 6, 15), tiers=tiers)
    assert p.expected == Decimal("150.00")
    assert p.rag == d.RED and p.pace_ratio == Decimal("0.6667")
    assert p.projected == Decimal("200.00") and p.tier is None
    p = d.progress(target=Decimal(300), actual=Decimal(130), period=month, as_of=dt.date(2026, 6, 15), tiers=tiers)
    assert p.rag == d.AMBER
    p = d.progress(target=Decimal(300), actual=Decimal(365), period=month, as_of=dt.date(2026, 6, 30), tiers=tiers)
    assert p.rag == d.GREEN and p.tier.name == "challenge"


def test_pace_on_working_days_ignores_weekends():
    cal = d.WorkCalendar()
    june = d.month_period(2026, 6)  # starts on a Monday; 22 working days
    share = d.elapsed_share(june, dt.date(2026, 6, 7), cal)  # first full week done
    assert share == pytest.approx(5 / 22)


def test_below_pace_streaks_need_the_minimum_run():
    days = [dt.date(2026, 6, i) for i in (1, 2, 3, 4, 5, 8, 9)]
    values = [10, 5, 5, 5, 10, 1, 1]
    streaks = d.below_pace_streaks(list(zip(days, map(Decimal, values), strict=True)), Decimal(10),
                                   threshold_percent=Decimal(80), min_days=3)
    assert streaks == [d.Streak(dt.date(2026, 6, 2), dt.date(2026, 6, 4), 3)]


def test_funnel_requirements_walk_back_from_premium_to_calls():
    rates = d.driver_rates(calls_made=300, customers_dialled=200, customers_reached=100, customers_quoted=50,
                           customers_sold=10, premium=Decimal("50000"), margin_amount=Decimal("5000"))
    need = d.funnel_requirements("premium", Decimal("100000"), rates)
    assert need == {"customers_sold": 20, "customers_quoted": 100, "customers_reached": 200,
                    "customers_dialled": 400, "calls": 600}
    assert d.per_day(need, 20)["calls"] == 30


def test_stretch_hint_flags_more_than_35_percent_over_best_history():
    stretch, note = d.stretch_hint(Decimal(1400), 30, Decimal(1000), 30)
    assert stretch and "+40%" in note
    assert d.stretch_hint(Decimal(1300), 30, Decimal(1000), 30)[0] is False
