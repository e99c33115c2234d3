import datetime as dt

import pytest

from coaching import services
from coaching.models import SampledCall, Scorecard
from tests import factories as f
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

CRITERIA = [{"key": c["key"], "name": c["name"], "weight": str(c["weight"]), "scale_max": c.get("scale_max", 5),
             "critical": c.get("critical", False)} for c in f.STANDARD_CRITERIA]


@pytest.fixture
def sampled(manager, reviewer, rep, team):
    sample = f.sample(manager, CallFactory(rep=rep), f.scorecard(manager, team))
    a1 = services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=manager)
    a2 = services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=reviewer)
    return sample, a1, a2


def test_manager_creates_and_versions_a_scorecard_through_the_api(api, manager, rep, team):
    client = api.as_user(manager)
    response = client.post("/api/v1/coaching/scorecards/", {"name": "Call QA", "team": team.pk, "criteria": CRITERIA,
                                                            "critical_cap": "0"}, format="json")
    assert response.status_code == 201, response.json()
    card_id = response.json()["id"]
    assert response.json()["current_version"]["number"] == 1
    f.sample(manager, CallFactory(rep=rep), Scorecard.objects.get(pk=card_id))
    response = client.put(f"/api/v1/coaching/scorecards/{card_id}/", {"name": "Call QA", "criteria": CRITERIA[:4]},
                          format="json")
    assert response.status_code == 200 and response.json()["current_version"]["number"] == 2


def test_bad_scorecard_input_is_a_clear_400(api, manager, team):
    response = api.as_user(manager).post("/api/v1/coaching/scorecards/", {"name": "x", "criteria": []}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    response = api.as_user(manager).post("/api/v1/coaching/scorecards/", {
        "name": "x", "team": team.pk, "criteria": [CRITERIA[0], CRITERIA[0]]}, format="json")
    assert response.status_code == 400 and "unique" in response.json()["error"]["message"]


def test_rep_cannot_create_scorecards(api, rep, team):
    response = api.as_user(rep).post("/api/v1/coaching/scorecards/", {"name": "x", "team": team.pk,
                                                                     "criteria": CRITERIA}, format="json")
    assert response.status_code == 403


def test_reviews_are_blind_in_the_api(api, sampled, manager, reviewer, rep):
    sample, a1, a2 = sampled
    response = api.as_user(manager).post("/api/v1/coaching/reviews/", {"assignment": a1.pk, "scores": f.scores(closing=0)},
                                         format="json")
    assert response.status_code == 201 and response.json()["total"] == "80.0"
    assert api.as_user(reviewer).get(f"/api/v1/coaching/reviews/?sampled_call={sample.pk}").json()["count"] == 0
    assert api.as_user(reviewer).get(f"/api/v1/coaching/reviews/{response.json()['id']}/").status_code == 404
    assert api.as_user(rep).get("/api/v1/coaching/reviews/").json()["count"] == 0
    body = api.as_user(rep).get(f"/api/v1/coaching/samples/{sample.pk}/").json()
    assert body["result_total"] is None and not body["complete"]

    response = api.as_user(reviewer).post("/api/v1/coaching/reviews/", {"assignment": a2.pk, "scores": f.scores()},
                                          format="json")
    assert response.status_code == 201
    assert api.as_user(reviewer).get(f"/api/v1/coaching/reviews/?sampled_call={sample.pk}").json()["count"] == 2
    body = api.as_user(rep).get(f"/api/v1/coaching/samples/{sample.pk}/").json()
    assert body["result_total"] == "90.0" and body["spread"] == "20.0" and body["needs_calibration"]


def test_review_errors_are_clear(api, sampled, manager, reviewer):
    _, a1, _ = sampled
    client = api.as_user(reviewer)
    assert client.post("/api/v1/coaching/reviews/", {"assignment": a1.pk, "scores": f.scores()},
                       format="json").status_code == 404
    client = api.as_user(manager)
    response = client.post("/api/v1/coaching/reviews/", {"assignment": a1.pk, "scores": {"script": 5}}, format="json")
    assert response.status_code == 400 and "Score every criterion" in response.json()["error"]["message"]
    assert client.post("/api/v1/coaching/reviews/", {"assignment": a1.pk, "scores": f.scores()},
                       format="json").status_code == 201
    assert client.post("/api/v1/coaching/reviews/", {"assignment": a1.pk, "scores": f.scores()},
                       format="json").status_code == 409


def test_no_self_review_through_the_api(api, sampled, manager, rep):
    sample, _, _ = sampled
    response = api.as_user(manager).post(f"/api/v1/coaching/samples/{sample.pk}/assign/", {"reviewer": rep.pk},
                                         format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "self_review"


def test_review_queue_lists_only_pending_assignments(api, sampled, manager):
    _, a1, _ = sampled
    client = api.as_user(manager)
    assert [a["id"] for a in client.get("/api/v1/coaching/assignments/?pending=true").json()["results"]] == [a1.pk]
    services.submit_review(actor=manager, assignment_id=a1.pk, scores=f.scores())
    assert client.get("/api/v1/coaching/assignments/?pending=true").json()["count"] == 0


def test_sampling_plan_run_on_demand(api, manager, rep, team):
    card = f.scorecard(manager, team)
    CallFactory.create_batch(4, rep=rep)
    client = api.as_user(manager)
    plan = client.post("/api/v1/coaching/sampling-plans/", {"team": team.pk, "scorecard": card.pk,
                                                            "regular_rate": "0.5", "reviewers": [manager.pk]},
                       format="json")
    assert plan.status_code == 201, plan.json()
    today = dt.date.today().isoformat()  # noqa: DTZ011
    run = client.post(f"/api/v1/coaching/sampling-plans/{plan.json()['id']}/run/", {"week": today}, format="json")
    assert run.status_code == 201 and run.json()["sampled"] == SampledCall.objects.count() == 2
    again = client.post(f"/api/v1/coaching/sampling-plans/{plan.json()['id']}/run/", {"week": today}, format="json")
    assert again.status_code == 200 and again.json()["created"] is False


def test_results_endpoint_scopes_to_the_rep(api, sampled, manager, reviewer, rep, teammate):
    _, a1, a2 = sampled
    services.submit_review(actor=manager, assignment_id=a1.pk, scores=f.scores(closing=0))
    services.submit_review(actor=reviewer, assignment_id=a2.pk, scores=f.scores(closing=0))
    mine = api.as_user(rep).get("/api/v1/coaching/results/").json()
    assert mine["reviewed_calls"] == 1 and mine["average"] == 80.0
    assert mine["pareto"][0]["criterion"] == "Closing"
    assert api.as_user(teammate).get("/api/v1/coaching/results/").json()["reviewed_calls"] == 0
    assert api.as_user(manager).get("/api/v1/coaching/results/?weeks=0").status_code == 400


def test_plan_lifecycle_through_the_api(api, manager, rep, teammate):
    due = (dt.date.today() + dt.timedelta(days=20)).isoformat()  # noqa: DTZ011
    items = [{"what": f"Item {i}", "measure": "connect rate", "target": "35%", "due": due} for i in range(3)]
    client = api.as_user(manager)
    response = client.post("/api/v1/coaching/plans/", {"rep": rep.pk, "title": "Connect", "items": items,
                                                       "support": ["mentor"], "source_kind": "qa"}, format="json")
    assert response.status_code == 201, response.json()
    plan_id = response.json()["id"]
    assert client.post("/api/v1/coaching/plans/", {"rep": rep.pk, "title": "x", "items": items[:2]},
                       format="json").status_code == 400
    assert api.as_user(teammate).get(f"/api/v1/coaching/plans/{plan_id}/").status_code == 404
    assert api.as_user(manager).post(f"/api/v1/coaching/plans/{plan_id}/acknowledge/").status_code == 403
    ack = api.as_user(rep).post(f"/api/v1/coaching/plans/{plan_id}/acknowledge/")
    assert ack.status_code == 200 and ack.json()["acknowledged_at"]
    check_in = api.as_user(manager).post(f"/api/v1/coaching/plans/{plan_id}/check-ins/", {"progress_note": "ok"},
                                         format="json")
    assert check_in.status_code == 201
    assert api.as_user(rep).post(f"/api/v1/coaching/plans/{plan_id}/check-ins/", {"progress_note": "me"},
                                 format="json").status_code == 403
    outcome = api.as_user(manager).post(f"/api/v1/coaching/plans/{plan_id}/outcome/", {"outcome": "met"},
                                        format="json")
    assert outcome.status_code == 200 and outcome.json()["closed_at"]


def test_notes_privacy_in_the_api(api, manager, rep, teammate, admin_user):
    client = api.as_user(manager)
    response = client.post("/api/v1/coaching/notes/", {"rep": rep.pk, "situation": "s", "behaviour": "b", "impact": "i"},
                           format="json")
    assert response.status_code == 201
    note_id = response.json()["id"]
    item = client.post(f"/api/v1/coaching/notes/{note_id}/action-items/", {"description": "Listen to 3 calls",
                                                                           "due_on": dt.date.today().isoformat()},  # noqa: DTZ011
                       format="json")
    assert item.status_code == 201
    assert api.as_user(rep).get(f"/api/v1/coaching/notes/{note_id}/").status_code == 200
    assert api.as_user(admin_user).get(f"/api/v1/coaching/notes/{note_id}/").status_code == 200
    assert api.as_user(teammate).get(f"/api/v1/coaching/notes/{note_id}/").status_code == 404
    assert api.as_user(teammate).post(f"/api/v1/coaching/notes/{note_id}/action-items/", {
        "description": "x", "due_on": "2030-01-01"}, format="json").status_code == 404
    assert api.as_user(teammate).post("/api/v1/coaching/notes/", {
        "rep": rep.pk, "situation": "s", "behaviour": "b", "impact": "i"}, format="json").status_code == 404
    done = api.as_user(rep).post(f"/api/v1/coaching/action-items/{item.json()['id']}/done/")
    assert done.status_code == 200 and done.json()["done_at"]


def test_team_stage_list_and_override(api, manager, team, other_team, rep):
    stages = api.as_user(manager).get("/api/v1/coaching/team-stages/").json()
    assert [s["team"] for s in stages] == [team.pk] and stages[0]["stage"] == "performing"
    response = api.as_user(manager).patch(f"/api/v1/coaching/team-stages/{team.pk}/", {"stage": "storming"},
                                          format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and response.json()["label"] == "动荡期" and response.json()["overridden"]
    assert api.as_user(manager).patch(f"/api/v1/coaching/team-stages/{other_team.pk}/", {"stage": "storming"},
                                      format="json").status_code == 404
    assert api.as_user(rep).patch(f"/api/v1/coaching/team-stages/{team.pk}/", {"stage": "storming"},
                                  format="json").status_code == 403
