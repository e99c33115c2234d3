"""Drill-down: every number on a KPI page opens the customers or calls behind it, as many rows as
the number, scoped like the page; bad parameters are a 400 that names them."""

import datetime as dt
import html
import itertools
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls.models import Call
from kpis import drill, selectors, services
from kpis.leadsets import STAGES
from tests.factories import DispositionFactory, LeadFactory, ManagerFactory, UserFactory, local

D1, D2, D3 = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5)
OUTSIDE = dt.date(2025, 2, 20)
PERIOD = {"from": D1.isoformat(), "to": D3.isoformat()}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 3, 20, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def story(rep, teammate, other_team_rep, log_call):
    """Customers called on several days by several reps (D1–D3), plus calls outside the period.

    lead 0: rep D1 no answer, D2 reached, D3 sold (1000 × 0.2)   → rep: dialled…sold, once
    lead 1: rep D1 reached; teammate D2 quoted                    → the team counts it once
    lead 2: teammate D1 and D3 no answer
    lead 3: other team's rep D2 sold (3000 × 0.1); rep D2 no answer → the company counts it once
    lead 4: rep D2 a note (not an attempt): talk time only
    lead 5: rep on a day before the period, sold"""
    leads = LeadFactory.create_batch(6)
    log_call(rep, leads[0], "no_answer", local(D1, 9), duration=10)
    log_call(rep, leads[0], "reached", local(D2, 9), duration=100)
    log_call(rep, leads[0], "sold", local(D3, 9), duration=300, premium="1000.00", margin_rate="0.2000")
    log_call(rep, leads[1], "reached", local(D1, 10), duration=50)
    log_call(teammate, leads[1], "quoted", local(D2, 10), duration=200)
    log_call(teammate, leads[2], "no_answer", local(D1, 23, 30), duration=5)
    log_call(teammate, leads[2], "no_answer", local(D3, 0, 15), duration=5)
    log_call(other_team_rep, leads[3], "sold", local(D2, 11), duration=400, premium="3000.00", margin_rate="0.1000")
    log_call(rep, leads[3], "no_answer", local(D2, 12), duration=20)
    log_call(rep, leads[4], "note", local(D2, 13), duration=30)
    log_call(rep, leads[5], "sold", local(OUTSIDE), duration=60, premium="500.00", margin_rate="0.5000")
    services.recompute_full()
    return leads


def _ids(leads, *indexes):
    return {leads[i].id for i in indexes}


def _drill(client, **params):
    return client.get("/kpis/drill/", {**PERIOD, **params})


def _lead_rows(res) -> set[int]:
    return {int(x) for x in re.findall(r'<tr data-lead="(\d+)"', res.content.decode())}


def _call_rows(res) -> set[int]:
    return {int(x) for x in re.findall(r'<tr data-call="(\d+)"', res.content.decode())}


# ---- the lists, hand-computed ---------------------------------------------------------------------
def test_a_reps_customers_over_several_days_are_listed_once_each(client, rep, story):
    client.force_login(rep)
    expected = {"dialled": (0, 1, 3), "reached": (0, 1), "quoted": (0,), "sold": (0,)}
    for stage, indexes in expected.items():
        res = _drill(client, what="customers", stage=stage, rep=rep.id)
        assert res.status_code == 200
        assert _lead_rows(res) == _ids(story, *indexes), stage
        assert f"{len(indexes)} customer" in res.content.decode()


def test_a_teams_customers_count_a_lead_two_reps_called_once(client, manager, team, story):
    client.force_login(manager)
    expected = {"dialled": (0, 1, 2, 3), "reached": (0, 1), "quoted": (0, 1), "sold": (0,)}
    for stage, indexes in expected.items():
        assert _lead_rows(_drill(client, what="customers", stage=stage, team=team.id)) == _ids(story, *indexes)


def test_the_companys_customers_and_calls(client, admin_user, story):
    client.force_login(admin_user)
    expected = {"dialled": (0, 1, 2, 3), "reached": (0, 1, 3), "quoted": (0, 1, 3), "sold": (0, 3)}
    for stage, indexes in expected.items():
        assert _lead_rows(_drill(client, what="customers", stage=stage)) == _ids(story, *indexes)
    sold = _drill(client, what="calls", stage="sold")
    assert len(_call_rows(sold)) == 2
    # 1000 × 0.2 + 3000 × 0.1: the margin the KPI job sums.
    assert "premium ¥4,000.00; margin ¥500.00" in sold.content.decode()


def test_a_reps_calls_made_and_talk_time(client, rep, story):
    client.force_login(rep)
    made = _drill(client, what="calls", stage="dialled", rep=rep.id)
    assert len(_call_rows(made)) == 5  # the note is no attempt; the call before the period is outside
    everything = _drill(client, what="calls", rep=rep.id)
    assert len(_call_rows(everything)) == 6
    assert "talk time 8:30" in everything.content.decode()  # 10 + 100 + 300 + 50 + 20 + 30 seconds


def test_a_leaderboard_row_lists_the_reps_customers_under_that_team(client, manager, team, rep, story):
    rep.team = None
    rep.save(update_fields=["team"])  # moved off the team: the facts keep the team they were made under
    client.force_login(manager)
    res = _drill(client, what="customers", stage="dialled", rep=rep.id, team=team.id)
    assert res.status_code == 404  # no longer one of the manager's reps
    rep.team = team
    rep.save(update_fields=["team"])
    res = _drill(client, what="customers", stage="dialled", rep=rep.id, team=team.id)
    assert _lead_rows(res) == _ids(story, 0, 1, 3)


# ---- every number on the pages opens a list as long as itself ---------------------------------------
LINK = re.compile(r'<a class="drill" href="([^"]+)">([^<]+)</a>')


def _links(page: str) -> list[tuple[str, str]]:
    return [(html.unescape(href), text.strip()) for href, text in LINK.findall(page)]


def _check_every_link(client, page_url: str, minimum: int) -> int:
    page = client.get(page_url, PERIOD).content.decode()
    links = _links(page)
    assert len(links) >= minimum, page_url
    checked = 0
    for href, text in links:
        res = client.get(href)
        assert res.status_code == 200, href
        body = res.content.decode()
        count = int(re.search(r'<p id="drill-count">([\d,]+)', body).group(1).replace(",", ""))
        if "what=customers" in href and re.fullmatch(r"[\d,]+", text):
            assert count == int(text.replace(",", "")) == len(_lead_rows(res)), (href, text)
            checked += 1
        elif "what=calls" in href and "stage=dialled" in href and re.fullmatch(r"[\d,]+", text):
            assert count == int(text.replace(",", "")) == len(_call_rows(res)), (href, text)
            checked += 1
        elif "what=calls" in href and "stage=sold" in href and re.fullmatch(r"¥?[\d,]+\.\d\d", text):
            # The margin, the premium, or the average premium (premium per customer sold).
            premium = Decimal(re.search(r"premium ¥?([\d,.]+);", body).group(1).replace(",", ""))
            value = Decimal(text.replace(",", "").lstrip("¥"))
            assert f"margin {text}" in body or any(value * k == premium for k in range(1, count + 1)), (href, text)
            checked += 1
    return checked


def test_every_number_on_the_team_dashboard_opens_as_many_records(client, manager, team, story):
    client.force_login(manager)
    assert _check_every_link(client, f"/kpis/team/{team.id}/", minimum=20) >= 10


def test_every_number_on_the_rep_dashboard_opens_as_many_records(client, rep, story):
    client.force_login(rep)
    assert _check_every_link(client, f"/kpis/rep/{rep.id}/", minimum=8) >= 5


def test_every_number_on_the_company_dashboard_opens_as_many_records(client, admin_user, story):
    client.force_login(admin_user)
    assert _check_every_link(client, "/kpis/company/", minimum=10) >= 6


def test_the_numbers_in_the_comparison_open_their_own_periods(client, manager, team, story):
    client.force_login(manager)
    page = client.get(f"/kpis/team/{team.id}/", {**PERIOD, "compare": "previous"}).content.decode()
    base_links = [href for href, _ in _links(page) if "from=2025-02-28" in href and "to=2025-03-02" in href]
    assert base_links  # the three days before D1
    assert _check_every_link(client, f"/kpis/team/{team.id}/?compare=previous", minimum=30) >= 15


def _figure(page: str, chart_id: str) -> dict:
    return json.loads(re.search(rf'<script type="application/json" id="{chart_id}-figure">(.*?)</script>',
                                page, re.S).group(1))


def test_chart_bars_carry_the_address_of_their_records(client, manager, team, rep, story):
    client.force_login(manager)
    page = client.get(f"/kpis/team/{team.id}/", {**PERIOD, "grain": "day"}).content.decode()
    drivers = _figure(page, "chart-drivers")["data"]
    assert len(drivers) == 6
    for trace in drivers:
        assert len(trace["customdata"]) == len(trace["x"])
        assert all(url.startswith("/kpis/drill/?what=") and f"team={team.id}" in url for url in trace["customdata"])
    first_rep = drivers[0]["customdata"][drivers[0]["x"].index(rep.display_name)]
    assert first_rep == f"/kpis/drill/?what=customers&stage=dialled&rep={rep.id}&team={team.id}&from=2025-03-03&to=2025-03-05"
    bars, *lines = _figure(page, "chart-trend")["data"]
    # The trend's bar of D2 opens that day's sales of the team; its connect-rate point, the customers reached.
    day = bars["x"].index("2025-03-04")
    assert bars["customdata"][day] == f"/kpis/drill/?what=calls&stage=sold&team={team.id}&from=2025-03-04&to=2025-03-04"
    assert lines[0]["customdata"][day] == (
        f"/kpis/drill/?what=customers&stage=reached&team={team.id}&from=2025-03-04&to=2025-03-04")
    for url in bars["customdata"] + lines[0]["customdata"]:
        assert client.get(url).status_code == 200


def test_the_drill_page_makes_a_constant_number_of_queries(client, manager, team, rep, story, log_call,
                                                           django_assert_max_num_queries):
    client.force_login(manager)
    params = {"what": "customers", "stage": "dialled", "team": team.id}
    with CaptureQueriesContext(connection) as few:
        _drill(client, **params)
    for lead in LeadFactory.create_batch(30):
        log_call(rep, lead, "reached", local(D2, 15))
    services.recompute_incremental()
    with django_assert_max_num_queries(len(few)):
        res = _drill(client, **params)
    assert len(_lead_rows(res)) == 34
    with CaptureQueriesContext(connection) as calls:
        _drill(client, what="calls", team=team.id)
    assert len(calls) <= len(few) + 2


def test_a_long_list_is_paged_and_the_pages_add_up(client, admin_user, rep, log_call, story):
    for lead in LeadFactory.create_batch(60):
        log_call(rep, lead, "no_answer", local(D1, 15))
    services.recompute_incremental()
    client.force_login(admin_user)
    first = _drill(client, what="customers", stage="dialled")
    second = _drill(client, what="customers", stage="dialled", page=2)
    assert "64 customers" in first.content.decode()
    assert len(_lead_rows(first)) == 50 and len(_lead_rows(second)) == 14
    assert not _lead_rows(first) & _lead_rows(second)
    assert "page=2" in first.content.decode() and "stage=dialled" in first.content.decode()


# ---- the ORM twin of kpis/sql.py ---------------------------------------------------------------------
def test_the_calls_listed_at_each_stage_are_those_the_kpi_sql_counts(rep, admin_user):
    """Every combination of disposition flags: the calls drill-down at each stage (kpis.drill's
    CALL_STAGES) lists the calls and the distinct leads the job's SQL (kpis/sql.py) counted."""
    lead_stage = {}
    for i, flags in enumerate(itertools.product((False, True), repeat=4)):
        attempted, reached, quoted, sold = flags
        disposition = DispositionFactory(code=f"combo-{i}", attempted=attempted, reached=reached, quoted=quoted,
                                         sold=sold)
        lead = LeadFactory()
        Call.objects.create(lead=lead, rep=rep, disposition=disposition, started_at=local(D1, 8 + i % 12),
                            duration_seconds=i, premium=Decimal("100.00") if sold else None,
                            margin_rate=Decimal("0.3333") if sold else None)
        lead_stage[lead.id] = 4 if sold else 3 if quoted else 2 if reached else 1 if attempted else 0
    services.recompute_full()
    subject = drill.drill_subject(admin_user)
    fact = selectors.counts_for(selectors.facts_visible_to(admin_user), start=D1, end=D1, complete=True)
    stages = drill.customers_behind(subject, start=D1, end=D1)
    for level, stage in enumerate(STAGES, start=1):
        calls = drill.calls_behind(subject, start=D1, end=D1, stage=stage)
        expected = {lead for lead, s in lead_stage.items() if s >= level}
        assert set(calls.values_list("lead_id", flat=True)) == expected == set(getattr(stages, stage)), stage
        assert getattr(fact, f"customers_{stage}") == len(expected)
    assert drill.calls_behind(subject, start=D1, end=D1, stage="dialled").count() == fact.calls_made == 15
    totals = drill.call_totals(drill.calls_behind(subject, start=D1, end=D1))
    assert totals["talk_seconds"] == fact.talk_seconds
    assert totals["premium"] == fact.premium and totals["margin_amount"] == fact.margin_amount == Decimal("266.64")


# ---- who may open what -------------------------------------------------------------------------------
def test_a_rep_opens_only_their_own_records(client, rep, teammate, team, story):
    client.force_login(rep)
    assert _drill(client, what="customers", stage="sold", rep=rep.id).status_code == 200
    assert _drill(client, what="customers", stage="sold", rep=rep.id, team=team.id).status_code == 200
    assert _drill(client, what="customers", stage="sold", rep=teammate.id).status_code == 404
    assert _drill(client, what="calls", team=team.id).status_code == 404
    assert _drill(client, what="calls").status_code == 404


def test_a_manager_opens_their_teams_and_reps_but_not_others(client, manager, team, other_team, other_team_rep,
                                                             story):
    client.force_login(manager)
    assert _drill(client, what="calls", team=team.id).status_code == 200
    assert _drill(client, what="calls", team=other_team.id).status_code == 404
    assert _drill(client, what="calls", rep=other_team_rep.id).status_code == 404
    assert _drill(client, what="calls").status_code == 404  # the company is for admins


def test_a_customer_called_by_the_other_team_is_listed_but_not_opened(client, manager, team, story):
    """Lead 3 was called by the manager's rep and by the other team: it is in the team's list,
    and its name links to its page only for those who may read the lead."""
    story[3].owner = UserFactory(team=None)
    story[3].save(update_fields=["owner"])
    client.force_login(manager)
    page = _drill(client, what="customers", stage="dialled", team=team.id).content.decode()
    assert f'data-lead="{story[3].id}"' in page
    assert f"/leads/{story[3].id}/" not in page


def test_bad_parameters_are_refused_naming_them(client, admin_user, rep, story):
    client.force_login(admin_user)
    cases = {
        "what": {"what": "leads", "stage": "sold"},
        "stage": {"what": "customers", "stage": "won"},
        "rep": {"what": "calls", "rep": "abc"},
        "team": {"what": "calls", "team": "0"},
        "page": {"what": "calls", "page": "-1"},
        "stag": {"what": "calls", "stag": "sold"},
    }
    for name, params in cases.items():
        res = _drill(client, **params)
        assert res.status_code == 400, name
        assert f"<code>{name}</code>" in res.content.decode(), name
    res = _drill(client, what="customers")
    assert res.status_code == 400 and "<code>stage</code>" in res.content.decode()
    res = client.get("/kpis/drill/", {"what": "calls", "from": "2025-03-05", "to": "2025-03-01"})
    assert res.status_code == 400 and "<code>from</code>" in res.content.decode()
    res = client.get("/kpis/drill/", {"what": "calls", "to": "2025-03-01"})
    assert res.status_code == 400 and "<code>from</code>" in res.content.decode()
    res = client.get("/kpis/drill/", {"what": "calls", "from": "1999-12-31", "to": "2025-03-01"})
    assert res.status_code == 400 and "2000-01-01" in res.content.decode()
    assert _drill(client, what="calls", rep=10**12).status_code == 404


def test_a_manager_of_two_teams_sees_each(client, team, other_team, story):
    boss = ManagerFactory(team=team)
    boss.managed_teams.add(other_team)
    client.force_login(boss)
    assert _drill(client, what="calls", team=other_team.id).status_code == 200


def test_calls_made_under_no_team_have_no_team_row_link_but_count_for_the_company(client, admin_user, team, log_call,
                                                                                  story):
    loner = UserFactory(team=None)
    log_call(loner, LeadFactory(), "reached", local(D2, 16))
    services.recompute_incremental()
    client.force_login(admin_user)
    page = client.get("/kpis/company/", PERIOD).content.decode()
    assert f"team={team.id}&amp;" in page
    assert "team=None" not in page and "team=nan" not in page
    reached = _drill(client, what="customers", stage="reached")
    assert len(_lead_rows(reached)) == 4  # leads 0, 1, 3 and the loner's

