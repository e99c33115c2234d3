"""Funnel API: counts as of a date, conversion, diagnosis, the plan and coverage; clear 400s."""

import pytest
import time_machine

from tests.factories import day, lead_at

pytestmark = pytest.mark.django_db


def test_counts_as_of_a_date_for_a_rep(api, rep):
    lead_at(rep, path=[("D", day(1)), ("C", day(5))])
    body = api.as_user(rep).get("/api/v1/funnel/", {"as_of": day(2).date().isoformat()}).json()
    assert body["counts"]["D"] == 1 and body["counts"]["C"] == 0
    assert body["scope"] == {"kind": "rep", "label": "王芳", "rep": rep.pk, "team": None}
    now = api.as_user(rep).get("/api/v1/funnel/").json()
    assert now["counts"]["C"] == 1


def test_manager_gets_the_team_with_each_reps_funnel(api, manager, rep, teammate, team):
    lead_at(rep)
    lead_at(teammate, path=[("D", day(1))])
    body = api.as_user(manager).get("/api/v1/funnel/", {"team": team.pk}).json()
    by_rep = {row["rep"]: row for row in body["by_rep"]}
    assert by_rep[rep.pk]["counts"]["E"] == 1 and by_rep[teammate.pk]["counts"]["D"] == 1
    assert body["counts"]["E"] == 1 and body["counts"]["D"] == 1


def test_rep_asking_for_another_rep_or_team_is_refused(api, rep, teammate, team):
    client = api.as_user(rep)
    assert client.get("/api/v1/funnel/", {"rep": teammate.pk}).status_code == 404
    response = client.get("/api/v1/funnel/", {"team": team.pk})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_diagnosis_names_the_shape_and_gives_the_seed_advice(api, rep):
    for _ in range(3):
        lead_at(rep, path=[("D", day(1)), ("C", day(2)), ("B", day(3)), ("A", day(4))])
    lead_at(rep)
    body = api.as_user(rep).get("/api/v1/funnel/diagnosis/").json()
    assert body["diagnosis"]["shape"] == "depleted"
    assert "Add potential customers massively" not in body["diagnosis"]["advice"]
    chinese = api.as_user(rep).get("/api/v1/funnel/diagnosis/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert "大量增加潜在客户" in chinese["diagnosis"]["advice"]
    assert chinese["diagnosis"]["title"] == "出单之后C、D、E类客户减少"


def test_conversion_over_a_period(api, rep):
    lead_at(rep, path=[("D", day(1)), ("C", day(2)), ("B", day(12))])
    lead_at(rep, path=[("D", day(1)), ("C", day(2))])
    params = {"start": day(10).date().isoformat(), "end": day(19).date().isoformat()}
    body = api.as_user(rep).get("/api/v1/funnel/conversion/", params).json()
    c = next(s for s in body["stages"] if s["grade"] == "C")
    assert (c["at"], c["reached"], c["rate"]) == (2, 1, "0.5000")
    assert body["bc_to_a"]["at"] == 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-03-10", "end": "2026-03-01"}, "end must not be before start"),
        ({"start": "not-a-date"}, "start"),
        ({"rep": "x"}, "rep"),
    ],
)
def test_bad_conversion_queries_get_a_clear_400(api, rep, params, message):
    response = api.as_user(rep).get("/api/v1/funnel/conversion/", params)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_plan_worked_example_through_the_api(api, rep):
    body = api.as_user(rep).post(
        "/api/v1/funnel/plan/",
        {"target": 8, "start": "2030-01-07", "weeks": 4,
         "rates": {"E": "0.6", "D": "0.5", "C": "0.4", "B": "0.5", "A": "0.8"}},
        format="json",
    ).json()
    assert body["needed"] == {"E": 167, "D": 100, "C": 50, "B": 20, "A": 10}
    assert [w["sales"] for w in body["weekly"]] == [2, 2, 2, 2]
    assert body["rate_sources"]["C"] == "typed"
    assert body["replan"] is None


def test_plan_rejects_impossible_rates(api, rep):
    response = api.as_user(rep).post(
        "/api/v1/funnel/plan/", {"target": 8, "start": "2030-01-07", "weeks": 4, "rates": {"A": "1.5"}}, format="json"
    )
    assert response.status_code == 400
    assert "rates" in response.json()["error"]["message"]


def test_coverage_reproduces_the_seed_example(api, rep):
    body = api.as_user(rep).post(
        "/api/v1/funnel/coverage/", {"cycle_months": "4", "win_rate": "1/3", "new_customers_per_month": "3"}, format="json"
    ).json()
    assert body["prospects_needed"] == 36


def test_coverage_refuses_a_zero_win_rate(api, rep):
    response = api.as_user(rep).post(
        "/api/v1/funnel/coverage/", {"cycle_months": "4", "win_rate": "0", "new_customers_per_month": "3"}, format="json"
    )
    assert response.status_code == 400 and "win_rate" in response.json()["error"]["message"]


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/v1/funnel/").status_code in (401, 403)


@time_machine.travel(day(10), tick=False)
@pytest.mark.parametrize("params, named", [
    ({"as_of": "2026-03-13"}, "as_of"),  # the day after today
    ({"as_of": "13/03/2026"}, "as_of"),
    ({"asof": "2026-03-01"}, "asof"),
])
def test_a_future_or_unreadable_as_of_day_or_an_unknown_parameter_is_a_400_naming_it(api, rep, params, named):
    response = api.as_user(rep).get("/api/v1/funnel/", params)
    assert response.status_code == 400
    assert named in response.json()["error"]["message"]
    assert api.as_user(rep).get("/api/v1/funnel/", {"as_of": "2026-03-12"}).status_code == 200  # today
