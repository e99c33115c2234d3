"""模拟销售 on the team dashboard: a manager moves the team's drivers and sees the result."""

import datetime as dt

import pytest
import time_machine

from kpis import services
from tests.factories import LeadFactory, local

D1, D2 = dt.date(2025, 3, 3), dt.date(2025, 3, 4)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 3, 20, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def facts(rep, teammate, other_team_rep, log_call):
    """The team: 4 customers dialled, 2 reached, 2 quoted, 1 sold (1000 × 0.2 = 200 margin).
    The other team: 1 customer, sold (3000 × 0.1)."""
    a, b, c, d, e = LeadFactory.create_batch(5)
    log_call(rep, a, "reached", local(D1))
    log_call(rep, a, "sold", local(D2), premium="1000.00", margin_rate="0.2000")
    log_call(rep, b, "no_answer", local(D1))
    log_call(teammate, c, "quoted", local(D2))
    log_call(teammate, d, "no_answer", local(D2))
    log_call(other_team_rep, e, "sold", local(D2), premium="3000.00", margin_rate="0.1000")
    services.recompute_full()


def _post(client, team, htmx=False, **uplifts):
    data = {"from": D1.isoformat(), "to": D2.isoformat(), **{f"up_{k}": v for k, v in uplifts.items()}}
    return client.post(f"/kpis/team/{team.id}/what-if/", data, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))


def test_the_team_dashboard_offers_the_what_if_for_its_period(client, manager, team, facts):
    client.force_login(manager)
    page = client.get(f"/kpis/team/{team.id}/", {"from": D1.isoformat(), "to": D2.isoformat()}).content.decode()
    assert 'id="team-what-if"' in page and f'hx-post="/kpis/team/{team.id}/what-if/"' in page
    assert 'name="from" value="2025-03-03"' in page and 'name="up_avg_premium"' in page


def test_raising_the_teams_average_premium_raises_its_margin(client, manager, team, facts):
    client.force_login(manager)
    res = _post(client, team, htmx=True, avg_premium="10")
    html = res.content.decode()
    assert res.status_code == 200 and "<html" not in html  # the card only, for htmx to swap
    assert "¥200.00 → <strong>¥220.00</strong> (¥20.00, +10.0%)" in html
    # Where effort pays most, against the other teams' top quartile.
    assert "Where effort pays most" in html and "Reach the top quartile of teams" in html


def test_a_rate_cannot_be_simulated_past_one_hundred_percent(client, manager, team, facts):
    client.force_login(manager)
    html = _post(client, team, quote_success_rate="50", sales_success_rate="100").content.decode()
    # Quote rate is 2/2 already (capped); close rate 1/2 doubles: 200 → 400.
    assert "¥200.00 → <strong>¥400.00</strong>" in html
    assert "<html" in html  # without htmx, a page of its own


def test_a_bad_percentage_names_the_driver_and_changes_nothing(client, manager, team, facts):
    client.force_login(manager)
    res = _post(client, team, avg_premium="lots")
    assert res.status_code == 400 and "Enter a number." in res.content.decode()
    res = _post(client, team, effective_connect_rate="5000")
    assert res.status_code == 400 and "less than or equal to 1000" in res.content.decode()
    fragment = _post(client, team, htmx=True, avg_premium="-101")
    assert fragment.status_code == 200 and "greater than or equal to -100" in fragment.content.decode()
    assert "team-what-if-result" not in fragment.content.decode()
    res = client.post(f"/kpis/team/{team.id}/what-if/", {"from": "2025-03-05", "to": "2025-03-01"})
    assert res.status_code == 400 and "at most" in res.content.decode()


def test_only_the_teams_managers_and_admins_simulate_it(client, rep, other_manager, admin_user, team, facts):
    client.force_login(rep)
    assert _post(client, team, avg_premium="10").status_code == 404
    client.force_login(other_manager)
    assert _post(client, team, avg_premium="10").status_code == 404
    assert client.get(f"/kpis/team/{team.id}/what-if/").status_code == 404
    client.force_login(admin_user)
    assert "220.00" in _post(client, team, avg_premium="10").content.decode()
    assert client.get(f"/kpis/team/{team.id}/what-if/", {"from": "2025-03-03"}).status_code == 200
    assert client.get(f"/kpis/team/{team.id}/what-if/", {"from": "someday"}).status_code == 400
