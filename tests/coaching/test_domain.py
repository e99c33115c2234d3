"""Pure coaching rules: scoring, consensus, sampling, team stage, check-ins (no database)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coaching import domain
from coaching.domain import CandidateCall, CriterionSpec, SamplingRules

D = Decimal
CRITERIA = [
    CriterionSpec("script", D(20), 5),
    CriterionSpec("attitude", D(20), 5),
    CriterionSpec("needs", D(30), 5),
    CriterionSpec("compliance", D(30), 1, critical=True, pass_score=1),
]


def test_weighted_score_is_share_of_weight_earned():
    result = domain.score_call(CRITERIA, {"script": 5, "attitude": 0, "needs": 3, "compliance": 1})
    # 20 + 0 + 30*3/5 + 30 = 68
    assert result.total == D("68.0")
    assert result.critical_failed == ()
    assert result.lost_points == {"script": D("0.0"), "attitude": D("20.0"), "needs": D("12.0"), "compliance": D("0.0")}


def test_failed_critical_criterion_caps_the_total():
    scores = {"script": 5, "attitude": 5, "needs": 5, "compliance": 0}
    assert domain.score_call(CRITERIA, scores).total == D("0.0")
    capped = domain.score_call(CRITERIA, scores, critical_cap=D(50))
    assert capped.total == D("50.0") and capped.uncapped_total == D("70.0")
    assert capped.critical_failed == ("compliance",)


def test_cap_never_raises_a_low_score():
    scores = {"script": 1, "attitude": 0, "needs": 0, "compliance": 0}
    assert domain.score_call(CRITERIA, scores, critical_cap=D(50)).total == D("4.0")


@pytest.mark.parametrize(
    "scores",
    [
        {"script": 5, "attitude": 5, "needs": 5},
        {"script": 6, "attitude": 5, "needs": 5, "compliance": 1},
        {"script": 5, "attitude": 5, "needs": 5, "compliance": 1, "extra": 2},
        {"script": -1, "attitude": 5, "needs": 5, "compliance": 1},
    ],
)
def test_scores_that_do_not_fit_the_card_are_refused(scores):
    with pytest.raises(domain.ScoringError):
        domain.score_call(CRITERIA, scores)


@given(st.lists(st.integers(0, 5), min_size=3, max_size=3), st.integers(0, 1))
def test_total_is_always_between_0_and_100_and_lost_plus_total_is_100(values, compliance):
    scores = dict(zip(["script", "attitude", "needs"], values, strict=True)) | {"compliance": compliance}
    result = domain.score_call(CRITERIA, scores, critical_cap=D(100))
    assert D(0) <= result.total <= D(100)
    assert abs(sum(result.lost_points.values()) + result.uncapped_total - 100) <= D("0.3")


def test_consensus_is_the_mean_with_spread_and_calibration_flag():
    agreed = domain.consensus([D(80), D(84)], calibration_threshold=D(15))
    assert agreed.mean == D("82.0") and agreed.spread == D("4.0") and not agreed.needs_calibration
    apart = domain.consensus([D(90), D(60), D(75)], calibration_threshold=D(15))
    assert apart.mean == D("75.0") and apart.spread == D("30.0") and apart.needs_calibration


def test_pareto_orders_criteria_by_points_lost_with_cumulative_share():
    rows = domain.pareto([{"a": D(10), "b": D(30)}, {"a": D(5), "b": D(30), "c": D(25)}])
    assert [r.key for r in rows] == ["b", "c", "a"]
    assert rows[0].share == D("60.0") and rows[-1].cumulative == D("100.0")


def test_pareto_of_nothing_lost_is_all_zero():
    rows = domain.pareto([{"a": D(0)}])
    assert rows[0].share == D(0)


# ---- sampling -------------------------------------------------------------------------------
WEEK = dt.date(2026, 11, 16)


def _calls(rep_ids, per_rep=20, start=1):
    calls, n = [], start
    for rep in rep_ids:
        for i in range(per_rep):
            calls.append(CandidateCall(n, rep, 30 + 10 * i, has_recording=i % 3 == 0))
            n += 1
    return calls


def test_cohort_new_hire_wins_over_top_performer():
    assert domain.cohort_for(tenure_days=10, is_top=True, new_hire_days=90) == domain.NEW_HIRE
    assert domain.cohort_for(tenure_days=400, is_top=True, new_hire_days=90) == domain.TOP
    assert domain.cohort_for(tenure_days=None, is_top=False, new_hire_days=90) == domain.REGULAR


def test_top_performers_are_the_first_sellers_in_the_kpi_ranking_for_a_share_of_the_team():
    # Rep 4 sold nothing: a team of four, three sellers ranked 2, 1, 3 by the KPI ranking.
    assert domain.top_performers([2, 1, 3], team_size=4, share=D("0.25")) == {2}
    assert domain.top_performers([2, 1, 3], team_size=4, share=D("0.5")) == {1, 2}
    assert domain.top_performers([2, 1, 3], team_size=4, share=D("0.01")) == {2}  # at least one
    assert domain.top_performers([2, 1, 3], team_size=4, share=D("0")) == set()
    assert domain.top_performers([], team_size=1, share=D("0.5")) == set()


def test_sampling_is_reproducible_for_the_same_seed_and_differs_for_another():
    calls = _calls(range(1, 11))
    rules = SamplingRules(rates={domain.REGULAR: D("0.3")}, seed=7)
    first = domain.select_sample(calls, {}, rules, week=WEEK)
    again = domain.select_sample(list(reversed(calls)), {}, rules, week=WEEK)
    other = domain.select_sample(calls, {}, SamplingRules(rates={domain.REGULAR: D("0.3")}, seed=8), week=WEEK)
    assert [c.call_id for c in first] == [c.call_id for c in again]
    assert {c.call_id for c in first} != {c.call_id for c in other}


def test_sampling_rates_follow_the_cohort_and_min_per_rep():
    reps = list(range(1, 31))
    cohorts = {r: domain.NEW_HIRE if r <= 10 else domain.TOP if r <= 15 else domain.REGULAR for r in reps}
    rules = SamplingRules(rates={domain.NEW_HIRE: D("0.5"), domain.TOP: D("0"), domain.REGULAR: D("0.1")},
                          min_per_rep=1, seed=1)
    picked = domain.select_sample(_calls(reps), cohorts, rules, week=WEEK)
    per_rep = {r: 0 for r in reps}
    for c in picked:
        per_rep[c.rep_id] += 1
    assert all(per_rep[r] == 10 for r in range(1, 11))
    assert all(per_rep[r] == 1 for r in range(11, 16))  # rate 0, but the minimum per rep
    assert sum(per_rep[r] for r in range(16, 31)) == pytest.approx(0.1 * 20 * 15, abs=8)


def test_sampling_prefers_recorded_or_long_calls_and_never_repeats():
    calls = [CandidateCall(1, 1, 5, False), CandidateCall(2, 1, 5, True), CandidateCall(3, 1, 300, False),
             CandidateCall(4, 1, 5, False)]
    rules = SamplingRules(rates={domain.REGULAR: D("0.5")}, min_per_rep=0, min_duration_seconds=120, seed=3)
    picked = {c.call_id for c in domain.select_sample(calls, {}, rules, week=WEEK)}
    assert picked == {2, 3}
    later = domain.select_sample(calls, {}, rules, week=WEEK, already_sampled=[2, 3])
    assert {c.call_id for c in later}.isdisjoint({2, 3})


@given(st.integers(0, 10_000), st.lists(st.integers(0, 4), min_size=1, max_size=30))
def test_sampling_never_picks_a_call_twice_or_more_than_exist(seed, per_rep_counts):
    calls, n = [], 1
    for rep, count in enumerate(per_rep_counts):
        for _ in range(count):
            calls.append(CandidateCall(n, rep, 60, False))
            n += 1
    rules = SamplingRules(rates={domain.REGULAR: D("0.4")}, min_per_rep=2, seed=seed)
    picked = domain.select_sample(calls, {}, rules, week=WEEK)
    ids = [c.call_id for c in picked]
    assert len(ids) == len(set(ids)) <= len(calls)


def test_week_start_is_monday():
    assert domain.week_start(dt.date(2026, 11, 22)) == dt.date(2026, 11, 16)


# ---- team stage and check-ins ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("days", "stage"),
    [(0, "forming"), (50, "forming"), (70, "storming"), (130, "norming"), (200, "performing")],
)
def test_team_stage_follows_team_age(days, stage):
    today = dt.date(2026, 11, 25)
    info = domain.stage_for_age(founded_on=today - dt.timedelta(days=days), today=today)
    assert info.stage == stage and info.focus


def test_team_stage_override_wins():
    today = dt.date(2026, 11, 25)
    assert domain.stage_for_age(founded_on=today, today=today, override="norming").stage == "norming"


def test_check_in_is_overdue_after_the_interval_since_the_last_one():
    start = dt.date(2026, 11, 1)
    assert not domain.check_in_overdue(start=start, last_check_in=None, every_days=7, today=dt.date(2026, 11, 8))
    assert domain.check_in_overdue(start=start, last_check_in=None, every_days=7, today=dt.date(2026, 11, 9))
    assert not domain.check_in_overdue(start=start, last_check_in=dt.date(2026, 11, 8), every_days=7,
                                       today=dt.date(2026, 11, 9))
