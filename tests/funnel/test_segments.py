"""The funnel cut by lead segment (issue 14): per source, region, pool or lead attribute, now and
as of a past day; the segments add up to the funnel."""

import pytest

from leads.models import Lead
from tests.factories import AttributeDefinitionFactory, day, lead_at

pytestmark = pytest.mark.django_db


def _source(lead, source, **attributes):
    Lead.objects.filter(pk=lead.pk).update(source=source, attributes=attributes)
    return lead


@pytest.fixture
def sourced(rep, teammate):
    AttributeDefinitionFactory(key="age_band", label="Age band", kind="choice", choices=["20-29", "30-39"])
    _source(lead_at(rep, path=[("D", day(1)), ("C", day(5))]), "web", age_band="20-29")
    _source(lead_at(rep, path=[("D", day(2))]), "web", age_band="30-39")
    _source(lead_at(teammate, path=[("D", day(1)), ("won", day(6))]), "fair")
    _source(lead_at(teammate), "")


def _by_value(body):
    return {row["value"]: row["counts"] for row in body["by_segment"]}


def test_the_team_funnel_by_source_now_and_as_of_a_past_day(api, manager, team, sourced):
    now = api.as_user(manager).get("/api/v1/funnel/", {"team": team.pk, "segment": "source"}).json()
    by_source = _by_value(now)
    assert (by_source["web"]["C"], by_source["web"]["D"], by_source["fair"]["won"], by_source[None]["E"]) == (1, 1, 1, 1)
    for key in ("E", "D", "C", "B", "A", "won", "lost"):
        assert sum(counts[key] for counts in by_source.values()) == now["counts"][key]
    then = _by_value(api.as_user(manager).get(
        "/api/v1/funnel/", {"team": team.pk, "segment": "source", "as_of": day(3).date().isoformat()}).json())
    assert (then["web"]["D"], then["web"]["C"], then["fair"]["D"], then["fair"]["won"]) == (2, 0, 1, 0)


def test_a_rep_cuts_their_own_funnel_by_an_attribute(api, rep, sourced):
    body = api.as_user(rep).get("/api/v1/funnel/", {"segment": "attr:age_band"}).json()
    assert {row["label"]: row["counts"]["D"] + row["counts"]["C"] for row in body["by_segment"]} == {
        "20-29": 1, "30-39": 1}


def test_an_unknown_segment_is_a_400_naming_it(api, client, manager, team):
    res = api.as_user(manager).get("/api/v1/funnel/", {"team": team.pk, "segment": "shoe_size"})
    assert res.status_code == 400 and "shoe_size" in res.json()["error"]["message"]
    client.force_login(manager)
    assert client.get("/funnel/team/", {"team": team.pk, "segment": "attr:nope"}).status_code == 400


def test_the_team_funnel_page_shows_the_cut(client, manager, team, sourced):
    client.force_login(manager)
    html = client.get("/funnel/team/", {"team": team.pk, "segment": "source"}).content.decode()
    assert 'id="segments"' in html and "fair" in html and "web" in html
