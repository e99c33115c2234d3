"""Target progress shows on the rep's home page (the call plan) and on the manager's team page."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.factories import DailyRepKpiFactory, TargetFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC))
def test_rep_sees_this_months_target_progress_on_the_call_plan(client, rep, password):
    TargetFactory(owner_kind="rep", rep=rep, team=None, value=Decimal("123456.00"))
    DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, 3))
    client.login(username=rep.username, password=password)
    html = client.get("/calls/").content.decode()
    assert 'id="target-progress-card"' in html
    assert "¥123,456.00" in html


@time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC))
def test_manager_sees_team_target_progress_on_the_team_page(client, manager, team, password):
    TargetFactory(owner_kind="team", team=team, value=Decimal("654321.00"))
    client.login(username=manager.username, password=password)
    html = client.get("/accounts/team/").content.decode()
    assert 'id="target-progress-card"' in html
    assert "¥654,321.00" in html


def test_a_policies_sold_target_opens_the_funnel_backward_plan_with_its_numbers(client, rep, password):
    import html as html_lib

    target = TargetFactory(
        owner_kind="rep", rep=rep, team=None, metric="policies_sold", value=Decimal("12"),
        start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30),
    )
    client.login(username=rep.username, password=password)
    page = client.get(f"/targets/{target.pk}/").content.decode()
    assert 'id="funnel-plan-link"' in page
    href = html_lib.unescape(page.split('id="funnel-plan-link" href="', 1)[1].split('"', 1)[0])
    assert "target=12" in href and "start=2026-06-01" in href and "weeks=5" in href and f"rep={rep.pk}" in href
    plan = client.get(href)
    assert plan.status_code == 200
    assert "target 12" in plan.content.decode()


def test_a_premium_target_offers_no_funnel_plan(client, rep, password):
    target = TargetFactory(owner_kind="rep", rep=rep, team=None, metric="premium")
    client.login(username=rep.username, password=password)
    assert 'id="funnel-plan-link"' not in client.get(f"/targets/{target.pk}/").content.decode()
