"""Drill-down on the funnel pages: each count per grade (and won / lost) and each stage-conversion
number opens the leads behind it, as many as the count, now or as of a past day, scoped like the
page. (Lists against counts on random histories: tests/funnel/test_twins.py.)"""

import datetime as dt
import html
import json
import re

import pytest
import time_machine

from funnel.domain import GRADES
from funnel.selectors import FUNNEL_KEYS
from tests.factories import T0, LeadFactory, day, lead_at

pytestmark = pytest.mark.django_db
LINK = re.compile(r'<a class="drill" href="([^"]+)">([^<]+)</a>')


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(T0 + dt.timedelta(days=30), tick=False):
        yield


@pytest.fixture
def funnels(rep, teammate, manager):
    """rep: 2 at E, 3 at C (D on day 1, C on day 5), 1 won; teammate: 2 at B; the manager holds
    one lead of their own (not in the team page's totals, which add up the reps)."""
    leads = {"E": [lead_at(rep) for _ in range(2)],
             "C": [lead_at(rep, path=[("D", day(1)), ("C", day(5))]) for _ in range(3)],
             "won": [lead_at(rep, path=[("D", day(1)), ("won", day(2))])],
             "B": [lead_at(teammate, path=[("D", day(1)), ("C", day(2)), ("B", day(3))]) for _ in range(2)],
             "manager": [lead_at(manager, path=[("D", day(1))])]}
    return leads


def _ids(res) -> set[int]:
    return {int(x) for x in re.findall(r'<tr data-lead="(\d+)"', res.content.decode())}


def _walk(client, url, params=None) -> dict[str, set[int]]:
    """Open every count on a funnel page; each list is as long as its count. {href: lead ids}."""
    page = client.get(url, params or {}).content.decode()
    opened = {}
    for href, text in LINK.findall(page):
        href = html.unescape(href)
        if not text.isdigit():  # a rate (B/C → A) opens its numerator's leads
            assert client.get(href).status_code == 200, href
            continue
        res = client.get(href)
        assert res.status_code == 200, href
        assert len(_ids(res)) == int(text), (href, text)
        assert re.search(rf'<p id="drill-count">{int(text)} customer', res.content.decode()), href
        opened[href] = _ids(res)
    return opened


def test_every_count_of_a_reps_funnel_opens_its_leads(client, rep, funnels):
    client.force_login(rep)
    opened = _walk(client, "/funnel/")
    assert len(opened) == len(FUNNEL_KEYS) + 2 * len(GRADES)  # the counts, and each stage's at / reached
    assert opened["/funnel/leads/?grade=C"] == {lead.pk for lead in funnels["C"]}
    assert opened["/funnel/leads/?grade=won"] == {lead.pk for lead in funnels["won"]}
    assert opened["/funnel/leads/?grade=E"] == {lead.pk for lead in funnels["E"]}


def test_the_counts_as_of_a_past_day_open_the_leads_at_that_grade_then(client, rep, funnels):
    client.force_login(rep)
    as_of = day(3).date().isoformat()
    opened = _walk(client, "/funnel/", {"as_of": as_of})
    # On day 3 the three C leads were still at D.
    assert opened[f"/funnel/leads/?grade=D&as_of={as_of}"] == {lead.pk for lead in funnels["C"]}
    assert opened[f"/funnel/leads/?grade=C&as_of={as_of}"] == set()


def test_the_team_page_opens_each_reps_and_the_teams_leads(client, manager, rep, teammate, team, funnels):
    client.force_login(manager)
    opened = _walk(client, "/funnel/team/", {"team": team.pk})
    assert opened[f"/funnel/leads/?grade=B&rep={teammate.pk}"] == {lead.pk for lead in funnels["B"]}
    page = client.get("/funnel/team/", {"team": team.pk}).content.decode()
    figure = json.loads(re.search(r'id="team-funnel-chart-figure">(.*?)</script>', page, re.S).group(1))
    d_bar = figure["data"][0]["customdata"][1]
    assert d_bar == f"/funnel/leads/?grade=D&team={team.pk}&reps_only=true"
    # The team's D: the reps' leads at D, not the manager's own.
    assert client.get(d_bar).status_code == 200 and not _ids(client.get(d_bar))
    side = json.loads(re.search(r'id="team-chart-figure">(.*?)</script>', page, re.S).group(1))
    assert f"/funnel/leads/?grade=C&rep={rep.pk}" in side["data"][2]["customdata"]


def test_only_the_funnels_the_page_would_show_open(client, rep, teammate, other_manager, team, funnels):
    client.force_login(rep)
    assert client.get("/funnel/leads/", {"grade": "C", "rep": teammate.pk}).status_code == 404
    assert client.get("/funnel/leads/", {"grade": "C", "team": team.pk}).status_code == 404
    client.force_login(other_manager)
    assert client.get("/funnel/leads/", {"grade": "C", "team": team.pk}).status_code == 404


def test_bad_funnel_parameters_are_refused_naming_them(client, rep, funnels):
    client.force_login(rep)
    for params, name in (({"grade": "F"}, "grade"), ({}, "grade"), ({"grade": "C", "as_of": "soon"}, "as_of"),
                         ({"grade": "C", "rep": "x"}, "rep"), ({"grade": "C", "reps_only": "maybe"}, "reps_only"),
                         ({"grade": "C", "colour": "red"}, "colour")):
        res = client.get("/funnel/leads/", params)
        assert res.status_code == 400 and f"<code>{name}</code>" in res.content.decode(), params


def test_a_lead_list_is_paged(client, rep):
    for _ in range(55):
        LeadFactory(owner=rep)
    client.force_login(rep)
    first, second = (client.get("/funnel/leads/", {"grade": "E", "page": n}) for n in (1, 2))
    assert "55 customers now" in first.content.decode()
    assert len(_ids(first)) == 50 and len(_ids(second)) == 5


def test_the_stage_conversion_numbers_open_their_leads(client, rep, funnels):
    """Over the last 30 days (to T0 + 30): the C leads were at D and moved on; the won lead was
    at D and moved on (won counts as a higher rank); the E leads stayed at E."""
    client.force_login(rep)
    opened = _walk(client, "/funnel/")
    c_leads, won = {lead.pk for lead in funnels["C"]}, {lead.pk for lead in funnels["won"]}
    assert opened["/funnel/leads/?grade=D&conversion=at&days=30"] == c_leads | won
    assert opened["/funnel/leads/?grade=D&conversion=reached&days=30"] == c_leads | won
    assert opened["/funnel/leads/?grade=E&conversion=at&days=30"] == {lead.pk for lead in funnels["E"]} | c_leads | won
    assert opened["/funnel/leads/?grade=C&conversion=reached&days=30"] == set()
    bc = client.get("/funnel/leads/", {"grade": "BC", "conversion": "at", "days": 30})
    assert _ids(bc) == c_leads


def test_stage_and_bc_numbers_on_the_team_page_open_their_leads(client, manager, team, teammate, funnels):
    client.force_login(manager)
    opened = _walk(client, "/funnel/team/", {"team": team.pk})
    assert opened[f"/funnel/leads/?grade=BC&conversion=at&rep={teammate.pk}&days=30"] == {
        lead.pk for lead in funnels["B"]}
    assert opened[f"/funnel/leads/?grade=B&conversion=at&team={team.pk}&days=30&reps_only=true"] == {
        lead.pk for lead in funnels["B"]}


def test_conversion_parameters_are_checked(client, rep, funnels):
    client.force_login(rep)
    for params, name in (({"grade": "won", "conversion": "at"}, "grade"), ({"grade": "BC"}, "grade"),
                         ({"grade": "C", "conversion": "left"}, "conversion"),
                         ({"grade": "C", "conversion": "at", "days": "0"}, "days")):
        res = client.get("/funnel/leads/", params)
        assert res.status_code == 400 and f"<code>{name}</code>" in res.content.decode(), params
