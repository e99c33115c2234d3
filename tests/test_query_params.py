"""Query parameters are validated one way everywhere: an unknown name, a value that is not one of
the documented ones, or a date outside 2000-01-01..2100-12-31 is a 400 that names the parameter
(the API's error body, or the pages' bad-request page) — never ignored, never a 500."""

import pytest
from django.urls import reverse

from tests import factories as qa
from tests.factories import LeadFactory, TargetFactory

API_CASES = [
    ("/api/v1/leads/", {"status": "bogus"}, "status"),
    ("/api/v1/leads/", {"owner": "abc"}, "owner"),
    ("/api/v1/leads/", {"q": "a\x00b"}, "q"),
    ("/api/v1/leads/", {"foo": "1"}, "foo"),
    ("/api/v1/leads/public/", {"grade": "Z"}, "grade"),
    ("/api/v1/users/", {"is_active": "maybe"}, "is_active"),
    ("/api/v1/users/", {"role": "\x00"}, "role"),
    ("/api/v1/users/", {"ordering": "password"}, "ordering"),
    ("/api/v1/users/", {"page_size": "0"}, "page_size"),
    ("/api/v1/users/", {"page": "0"}, "page"),
    ("/api/v1/users/", {"colour": "red"}, "colour"),
    ("/api/v1/calls/", {"started_after": "garbage"}, "started_after"),
    ("/api/v1/calls/", {"updated_since": "0001-01-01T00:00:00Z"}, "updated_since"),
    ("/api/v1/calls/", {"channel": "pigeon"}, "channel"),
    ("/api/v1/calls/sync", {"source": "x" * 51}, "source"),
    ("/api/v1/funnel/", {"as_of": "0001-01-01"}, "as_of"),
    ("/api/v1/funnel/diagnosis/", {"as_of": "2026-02-30"}, "as_of"),
    ("/api/v1/funnel/conversion/", {"end": "0001-01-01"}, "end"),
    ("/api/v1/funnel/conversion/", {"start": "9999-12-31"}, "start"),
    ("/api/v1/kpis/", {"from": "1999-12-31"}, "from"),
    ("/api/v1/kpis/", {"to": "2101-01-01"}, "to"),
    ("/api/v1/kpis/", {"grain": "century"}, "grain"),
    ("/api/v1/kpis/diagnosis/", {"metric": "x"}, "metric"),
    ("/api/v1/coaching/results/", {"weeks": "0"}, "weeks"),
    ("/api/v1/coaching/results/", {"rep": "\x00"}, "rep"),
    ("/api/v1/coaching/samples/", {"week": "9999-12-31"}, "week"),
    ("/api/v1/coaching/assignments/", {"pending": "maybe"}, "pending"),
    ("/api/v1/coaching/reviews/", {"sampled_call": "abc"}, "sampled_call"),
    ("/api/v1/targets/", {"metric": "bogus"}, "metric"),
    ("/api/v1/target-alerts/", {"unread": "maybe"}, "unread"),
]
# A number, date, flag or choice given empty (`?page=`) is refused, not read as "not given".
EMPTY_CASES = [
    ("/api/v1/users/", "page"), ("/api/v1/users/", "page_size"), ("/api/v1/calls/", "page_size"),
    ("/api/v1/leads/", "owner"), ("/api/v1/leads/", "status"), ("/api/v1/leads/public/", "pool"),
    ("/api/v1/users/", "is_active"), ("/api/v1/users/", "team"), ("/api/v1/users/", "role"),
    ("/api/v1/calls/", "rep"), ("/api/v1/calls/", "started_after"), ("/api/v1/calls/", "channel"),
    ("/api/v1/target-alerts/", "unread"), ("/api/v1/coaching/assignments/", "pending"),
    ("/api/v1/coaching/reviews/", "sampled_call"), ("/api/v1/coaching/results/", "weeks"),
    ("/api/v1/kpis/", "grain"), ("/api/v1/kpis/", "from"), ("/api/v1/funnel/", "as_of"),
    ("/api/v1/coaching/samples/", "week"), ("/api/v1/targets/", "metric"), ("/api/v1/targets/", "parent"),
]
API_CASES += [(path, {name: ""}, name) for path, name in EMPTY_CASES]


@pytest.mark.parametrize(("path", "query", "parameter"), API_CASES, ids=[f"{c[0]}?{c[2]}" for c in API_CASES])
def test_api_refuses_a_bad_or_unknown_query_parameter_naming_it(api, admin_user, path, query, parameter):
    method = "post" if path.endswith("/sync") else "get"
    url = f"{path}?{'&'.join(f'{k}={v}' for k, v in query.items())}".replace("\x00", "%00")
    body = {"calls": []} if method == "post" else None
    response = getattr(api.as_user(admin_user), method)(url, body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert parameter in error["details"], error


@pytest.mark.parametrize("day", ["0001-01-01", ""])
def test_target_progress_refuses_an_out_of_range_or_empty_day(api, admin_user, team, day):
    target = TargetFactory(owner_kind="team", team=team)
    response = api.as_user(admin_user).get(f"/api/v1/targets/{target.pk}/progress/?as_of={day}")
    assert response.status_code == 400
    assert "as_of" in response.json()["error"]["details"]


def test_sampling_a_week_outside_the_supported_range_is_refused(api, manager, team):
    plan = qa.plan(manager, team, qa.scorecard(manager, team=team))
    response = api.as_user(manager).post(f"/api/v1/coaching/sampling-plans/{plan.pk}/run/", {"week": "9999-12-31"},
                                         format="json")
    assert response.status_code == 400
    assert "week" in response.json()["error"]["details"]


def test_text_parameters_may_still_be_given_empty(api, admin_user, rep):
    LeadFactory(owner=rep)
    assert api.as_user(admin_user).get("/api/v1/leads/?q=").json()["count"] == 1
    assert api.as_user(admin_user).get("/api/v1/calls/?source=&disposition=").status_code == 200


def test_valid_filters_and_the_pagination_still_work(api, admin_user, rep):
    LeadFactory.create_batch(3, owner=rep)
    body = api.as_user(admin_user).get("/api/v1/leads/?status=active&page=1&page_size=2").json()
    assert len(body["results"]) == 2 and body["count"] == 3
    users = api.as_user(admin_user).get("/api/v1/users/?is_active=true&ordering=-id").json()["results"]
    assert [u["id"] for u in users] == sorted((u["id"] for u in users), reverse=True)


PAGE_CASES = [
    ("funnel:index", {"as_of": "9999-12-31"}, "as_of"),
    ("funnel:team", {"as_of": "2026-02-30"}, "as_of"),
    ("coaching:samples", {"week": "9999-12-31"}, "week"),
    ("coaching:results", {"weeks": "abc"}, "weeks"),
    ("coaching:plans", {"show": "bogus"}, "show"),
    ("calls:report", {"day": "9999-12-31"}, "day"),
    ("calls:report", {"rep": "x\x00"}, "rep"),
    ("targets:index", {"metric": "bogus"}, "metric"),
    ("targets:alerts", {"unread": "maybe"}, "unread"),
    ("kpis:company", {"to": "0001-01-01"}, "to"),
    ("kpis:company", {"compare": "yesterday"}, "compare"),
    ("kpis:drill", {"what": "leads", "from": "2025-03-01", "to": "2025-03-02"}, "what"),
    ("kpis:drill", {"what": "calls", "from": "2025-03-01", "to": "2025-03-02", "grain": "day"}, "grain"),
    ("funnel:leads", {"grade": "F"}, "grade"),
    ("leads:pool", {"grade": "Z"}, "grade"),
    ("leads:index", {"status": "bogus"}, "status"),
]


@pytest.mark.parametrize(("name", "query", "parameter"), PAGE_CASES, ids=[f"{c[0]}?{c[2]}" for c in PAGE_CASES])
def test_pages_answer_a_bad_query_parameter_with_a_400_naming_it(client, admin_user, name, query, parameter):
    client.force_login(admin_user)
    response = client.get(reverse(name), query)
    assert response.status_code == 400
    assert f"<code>{parameter}</code>" in response.content.decode()
