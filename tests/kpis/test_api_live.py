"""GET /api/v1/kpis/live/: today's numbers per rep and the team's total, as of now, with the
numbers the wallboard shows and strict query parameters."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from kpis import selectors, services
from kpis.models import DailyRepKpi
from tests.factories import LeadFactory, local

NOW = local(dt.date(2025, 3, 4), 15, 0)


@pytest.fixture
def today_calls(rep, teammate, other_team_rep, log_call):
    """Three calls of the last minute, the clock at 15:00 local time (it ticks on)."""
    with time_machine.travel(NOW, tick=True):
        now = timezone.now()
        shared, other = LeadFactory(), LeadFactory()
        log_call(rep, shared, "reached", now - dt.timedelta(seconds=30), duration=40)
        log_call(teammate, shared, "sold", now - dt.timedelta(seconds=20), duration=100, premium="1500.00",
                 margin_rate="0.2000")
        log_call(other_team_rep, other, "quoted", now - dt.timedelta(seconds=10))
        yield now


def test_team_answer_has_every_rep_the_team_total_and_as_of(api, manager, team, rep, teammate, today_calls):
    before = timezone.now()
    response = api.as_user(manager).get("/api/v1/kpis/live/", {"team": team.id})
    assert response.status_code == 200
    body = response.json()
    assert body["team"] == {"id": team.id, "name": team.name}
    assert body["day"] == timezone.localdate().isoformat()
    assert dt.datetime.fromisoformat(body["as_of"]) >= before.replace(microsecond=0)
    assert [(r["rank"], r["name"]) for r in body["results"]] == [(1, "李娜"), (2, "王芳")]
    mate = body["results"][0]["counts"]
    assert (mate["calls_made"], mate["customers_sold"], mate["premium"], mate["margin_amount"]) == (1, 1, "1500.00",
                                                                                                    "300.00")
    total = body["total"]
    assert (total["calls_made"], total["customers_dialled"], total["customers_reached"], total["customers_sold"],
            total["talk_seconds"], total["talk_seconds_per_reached_customer"]) == (2, 1, 1, 1, 140, "140.0")


def test_the_api_answers_what_the_kpi_job_then_writes(api, manager, team, today_calls):
    body = api.as_user(manager).get("/api/v1/kpis/live/", {"team": team.id}).json()
    services.recompute_incremental()
    day = dt.date.fromisoformat(body["day"])
    for row in body["results"]:
        fact = DailyRepKpi.objects.get(rep_id=row["id"], day=day)
        assert row["counts"]["customers_reached"] == fact.customers_reached
        assert row["counts"]["premium"] == str(fact.premium)
    assert body["total"]["customers_dialled"] == selectors.team_counts(team, start=day, end=day).customers_dialled


def test_rep_answer_is_that_rep_alone(api, rep, today_calls):
    body = api.as_user(rep).get("/api/v1/kpis/live/", {"rep": rep.id}).json()
    assert body["team"] is None
    assert [r["id"] for r in body["results"]] == [rep.id]
    assert body["total"]["customers_reached"] == 1


@pytest.mark.parametrize(("query", "parameter"), [
    ({"team": "1", "colour": "red"}, "colour"),
    ({}, "team"),
    ({"team": "1", "rep": "1"}, "team"),
    ({"team": "abc"}, "team"),
    ({"team": ""}, "team"),
    ({"rep": "0"}, "rep"),
])
def test_a_bad_or_unknown_query_parameter_is_a_400_naming_it(api, admin_user, query, parameter):
    response = api.as_user(admin_user).get("/api/v1/kpis/live/", query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and parameter in error["details"]


def test_a_team_or_rep_out_of_sight_is_not_found(api, rep, other_manager, team, teammate):
    assert api.as_user(other_manager).get("/api/v1/kpis/live/", {"team": team.id}).status_code == 404
    assert api.as_user(rep).get("/api/v1/kpis/live/", {"rep": teammate.id}).status_code == 404
    assert api.as_user(rep).get("/api/v1/kpis/live/", {"team": team.id}).status_code == 200


def test_the_schema_documents_the_live_endpoint(client, db):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/kpis/live/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"team", "rep"}
    assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "as_of" in schema["components"]["schemas"]["Live"]["properties"]
