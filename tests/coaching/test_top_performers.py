"""Coaching's top performers follow the KPI pages' ranking: one ranking (kpis.selectors.rep_ranking),
so the team leaderboard, a rep's rank and the QA cohorts agree, also on ties."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from coaching import services
from coaching.models import SampledCall
from tests import factories as f
from tests.factories import CallFactory, LeadFactory, UserFactory

NOW = dt.datetime(2025, 3, 20, 4, 0, tzinfo=dt.UTC)
DAY = dt.date(2025, 3, 18)
WEEK = dt.date(2025, 3, 17)


@pytest.fixture
def tied_team(team, manager):
    """Four reps, created so that ids ascend zed < amy < bob < cat while names sort the other way.
    zed and amy tie exactly; bob ties them on margin and premium but sold to two customers; cat
    sold nothing. The one ranking: bob, zed, amy, cat."""
    reps = {name: UserFactory(team=team, full_name=name, password=None, hired_on=DAY - dt.timedelta(days=400))
            for name in ("Zed", "Amy", "Bob", "Cat")}
    for name, sold in (("Zed", 1), ("Amy", 1), ("Bob", 2), ("Cat", 0)):
        f.DailyRepKpiFactory(rep=reps[name], team=team, day=DAY, customers_dialled=4, customers_reached=2,
                             customers_quoted=2, customers_sold=sold, calls_made=4,
                             premium=Decimal(500 if sold else 0), margin_amount=Decimal(100 if sold else 0))
        CallFactory(lead=LeadFactory(owner=reps[name]), rep=reps[name], started_at=NOW - dt.timedelta(days=2),
                    duration_seconds=120)
    return reps


@time_machine.travel(NOW, tick=False)
def test_the_team_page_a_reps_rank_and_coachings_top_performers_share_one_order(client, manager, team, tied_team):
    client.force_login(manager)
    period = {"from": DAY.isoformat(), "to": DAY.isoformat()}
    csv = client.get(f"/kpis/export/team/{team.id}/", {**period, "table": "leaderboard", "format": "csv"})
    page_order = [line.split(",")[1] for line in csv.content.decode("utf-8-sig").splitlines()[1:]]
    assert page_order == ["Bob", "Zed", "Amy", "Cat"]
    for rank, name in enumerate(page_order, start=1):
        html = client.get(f"/kpis/rep/{tied_team[name].id}/", period).content.decode()
        assert f"Rank {rank} of 4" in html

    # Half of a team of four are top performers: the first two of the same order.
    plan = f.plan(manager, team, top_share=Decimal("0.5"), top_window_days=5, new_hire_days=30,
                  top_rate=Decimal("1"), regular_rate=Decimal("1"), min_per_rep=1)
    services.run_sampling(plan_id=plan.pk, week=WEEK, actor=manager)
    cohorts = dict(SampledCall.objects.values_list("rep__full_name", "cohort"))
    assert cohorts == {"Bob": "top", "Zed": "top", "Amy": "regular", "Cat": "regular"}
