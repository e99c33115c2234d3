import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from calls.models import Call
from coaching import services
from coaching.models import ReviewAssignment, SampledCall
from kpis.models import DailyRepKpi
from tests import factories as f
from tests.factories import (
    CallFactory,
    DispositionFactory,
    LeadFactory,
    ManagerFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
WEEK = dt.date(2026, 11, 16)


def _generated_team(calls_per_rep=30):
    """10 new hires, 5 top performers, 15 others, each with a week of calls."""
    team = TeamFactory()
    manager = ManagerFactory(team=team)
    today = dt.date(2026, 11, 25)
    reps = {"new_hire": [], "top": [], "regular": []}
    disposition = DispositionFactory()
    for i in range(30):
        cohort = "new_hire" if i < 10 else "top" if i < 15 else "regular"
        hired = today - dt.timedelta(days=20 if cohort == "new_hire" else 400)
        rep = UserFactory(team=team, hired_on=hired, password=None)  # no hashing: fast
        reps[cohort].append(rep)
        if cohort == "top":
            DailyRepKpi.objects.create(rep=rep, team=team, day=today - dt.timedelta(days=3),
                                       margin_amount=Decimal(5000 + i), premium=Decimal(20000))
        elif cohort == "regular":
            DailyRepKpi.objects.create(rep=rep, team=team, day=today - dt.timedelta(days=3),
                                       margin_amount=Decimal(100), premium=Decimal(500))
        lead = LeadFactory(owner=rep)
        Call.objects.bulk_create(
            Call(lead=lead, rep=rep, disposition=disposition, duration_seconds=30 + 10 * n,
                 started_at=dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC) + dt.timedelta(hours=4 * n),
                 recording_url="https://rec.example.com/x.mp3" if n % 4 == 0 else "")
            for n in range(calls_per_rep)
        )
    return team, manager, reps


@time_machine.travel(NOW, tick=False)
def test_sampling_rates_follow_cohorts_on_a_generated_team():
    team, manager, reps = _generated_team()
    plan = f.plan(manager, team, new_hire_rate=Decimal("0.5"), top_rate=Decimal("0.05"),
                  regular_rate=Decimal("0.2"), min_per_rep=1, top_share=Decimal("0.167"), seed=42)
    run, created = services.run_sampling(plan_id=plan.pk, week=WEEK, actor=manager)
    assert created and run.sampled == SampledCall.objects.count()

    def share(cohort):
        ids = [r.pk for r in reps[cohort]]
        return SampledCall.objects.filter(rep_id__in=ids).count() / (len(ids) * 30)

    assert share("new_hire") == pytest.approx(0.5, abs=0.06)
    assert share("top") == pytest.approx(0.05, abs=0.03)
    assert share("regular") == pytest.approx(0.2, abs=0.05)
    assert set(SampledCall.objects.filter(rep__in=reps["top"]).values_list("cohort", flat=True)) == {"top"}
    # Everyone gets at least the minimum.
    for rep in [*reps["new_hire"], *reps["top"], *reps["regular"]]:
        assert SampledCall.objects.filter(rep=rep).count() >= 1


@time_machine.travel(NOW, tick=False)
def test_sampling_is_reproducible_with_the_same_seed():
    team, manager, _ = _generated_team(calls_per_rep=10)
    plan = f.plan(manager, team, regular_rate=Decimal("0.3"), seed=5)
    services.run_sampling(plan_id=plan.pk, week=WEEK)
    first = set(SampledCall.objects.values_list("call_id", flat=True))
    SampledCall.objects.all().delete()
    plan.runs.all().delete()
    services.run_sampling(plan_id=plan.pk, week=WEEK)
    assert set(SampledCall.objects.values_list("call_id", flat=True)) == first


@time_machine.travel(NOW, tick=False)
def test_a_call_is_never_sampled_twice_and_rerunning_a_week_changes_nothing():
    team, manager, _ = _generated_team(calls_per_rep=6)
    plan_a = f.plan(manager, team, regular_rate=Decimal("1"), new_hire_rate=Decimal("1"), top_rate=Decimal("1"))
    plan_b = f.plan(manager, team, regular_rate=Decimal("1"), new_hire_rate=Decimal("1"), top_rate=Decimal("1"))
    services.run_sampling(plan_id=plan_a.pk, week=WEEK)
    count = SampledCall.objects.count()
    _, created = services.run_sampling(plan_id=plan_a.pk, week=WEEK)
    assert not created and SampledCall.objects.count() == count
    run_b, _ = services.run_sampling(plan_id=plan_b.pk, week=WEEK)
    assert run_b.sampled == 0
    ids = list(SampledCall.objects.values_list("call_id", flat=True))
    assert len(ids) == len(set(ids))


@time_machine.travel(NOW, tick=False)
def test_sampling_prefers_calls_with_a_recording_or_long_duration(team, manager, rep):
    start = dt.datetime(2026, 11, 17, 2, 0, tzinfo=dt.UTC)
    short = [CallFactory(rep=rep, started_at=start, duration_seconds=10) for _ in range(6)]
    recorded = CallFactory(rep=rep, started_at=start, duration_seconds=10, recording_url="https://r.example.com/1")
    long = CallFactory(rep=rep, started_at=start, duration_seconds=600)
    plan = f.plan(manager, team, regular_rate=Decimal("0.25"), min_per_rep=0, min_duration_seconds=120)
    services.run_sampling(plan_id=plan.pk, week=WEEK)
    assert set(SampledCall.objects.values_list("call_id", flat=True)) == {recorded.pk, long.pk}
    assert not SampledCall.objects.filter(call__in=short).exists()


@time_machine.travel(NOW, tick=False)
def test_sampling_assigns_reviewers_but_never_the_calls_own_rep(team, manager, reviewer, rep, qa_peer):
    start = dt.datetime(2026, 11, 17, 2, 0, tzinfo=dt.UTC)
    for who in (rep, qa_peer):
        CallFactory.create_batch(3, rep=who, started_at=start)
    plan = f.plan(manager, team, reviewers=[manager, qa_peer, reviewer], regular_rate=Decimal("1"),
                  reviewers_per_call=2)
    services.run_sampling(plan_id=plan.pk, week=WEEK)
    assert ReviewAssignment.objects.count() == 12
    assert not ReviewAssignment.objects.filter(reviewer=qa_peer, sampled_call__rep=qa_peer).exists()


def test_calls_outside_the_week_are_not_sampled(team, manager, rep):
    CallFactory(rep=rep, started_at=timezone.now() - dt.timedelta(days=30))
    plan = f.plan(manager, team, regular_rate=Decimal("1"))
    run, _ = services.run_sampling(plan_id=plan.pk, week=timezone.localdate())
    assert run.sampled == 0
