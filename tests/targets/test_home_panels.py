"""Target progress shows on the rep's home page (the call plan) and on the manager's team page."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.targets.factories import DailyRepKpiFactory, TargetFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC))
def test_rep_sees_this_months_target_progress_on_the_call_plan(client, rep, password):
    TargetFactory(owner_kind="rep", rep=rep, team=None, value=Decimal("123456.00"))
    DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, 3))
    client.login(username=rep.username, password=password)
    html = client.get("/calls/").content.decode()
    assert 'id="target-progress-card"' in html
    assert "123456" in html


@time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC))
def test_manager_sees_team_target_progress_on_the_team_page(client, manager, team, password):
    TargetFactory(owner_kind="team", team=team, value=Decimal("654321.00"))
    client.login(username=manager.username, password=password)
    html = client.get("/accounts/team/").content.decode()
    assert 'id="target-progress-card"' in html
    assert "654321" in html
