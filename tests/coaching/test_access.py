"""Coaching decisions are for the rep's managers and admins: an integration token may read but
gets 403 on every management write, and a manager of another team gets 403 or 404."""

import pytest

from coaching import services
from coaching.models import (
    ImprovementPlan,
    OneToOneNote,
    ReviewAssignment,
    SampledCall,
    SamplingPlan,
    Scorecard,
)
from tests import factories as f
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

CRITERIA = [{"key": c["key"], "name": c["name"], "weight": str(c["weight"]), "scale_max": c.get("scale_max", 5),
             "critical": c.get("critical", False)} for c in f.STANDARD_CRITERIA]


@pytest.fixture
def coaching_data(manager, reviewer, rep, team):
    card = f.scorecard(manager, team)
    sample = f.sample(manager, CallFactory(rep=rep), card)
    plan = f.plan(manager, team, card)
    items = [{"what": f"Goal {i}", "measure": "connect rate", "target": "≥ 35%", "due": plan.created_at.date()}
             for i in range(3)]
    improvement = services.start_plan(actor=manager, rep=rep, title="Lift connect rate", items=items,
                                      start_date=plan.created_at.date())
    return {"card": card, "sample": sample, "plan": plan, "improvement": improvement, "call": CallFactory(rep=rep)}


def _writes(d, rep, reviewer, team):
    today = d["plan"].created_at.date().isoformat()
    items = [{"what": f"Goal {i}", "measure": "m", "target": "t", "due": today} for i in range(3)]
    return [
        ("post", "/api/v1/coaching/scorecards/", {"name": "QA", "team": team.pk, "criteria": CRITERIA}),
        ("put", f"/api/v1/coaching/scorecards/{d['card'].pk}/", {"name": "QA", "criteria": CRITERIA}),
        ("post", "/api/v1/coaching/sampling-plans/", {"team": team.pk, "scorecard": d["card"].pk}),
        ("post", f"/api/v1/coaching/sampling-plans/{d['plan'].pk}/run/", {}),
        ("post", "/api/v1/coaching/samples/", {"call": d["call"].pk, "scorecard": d["card"].pk}),
        ("post", f"/api/v1/coaching/samples/{d['sample'].pk}/assign/", {"reviewer": reviewer.pk}),
        ("post", "/api/v1/coaching/plans/", {"rep": rep.pk, "title": "Plan", "items": items}),
        ("post", f"/api/v1/coaching/plans/{d['improvement'].pk}/check-ins/", {"progress_note": "ok"}),
        ("post", f"/api/v1/coaching/plans/{d['improvement'].pk}/outcome/", {"outcome": "met"}),
        ("post", "/api/v1/coaching/notes/", {"rep": rep.pk, "situation": "s", "behaviour": "b", "impact": "i"}),
        ("patch", f"/api/v1/coaching/team-stages/{team.pk}/", {"stage": "norming"}),
    ]


def _counts():
    return [m.objects.count() for m in (Scorecard, SamplingPlan, SampledCall, ReviewAssignment, ImprovementPlan,
                                        OneToOneNote)]


def test_an_integration_reads_coaching_but_every_decision_is_refused(api, integration, coaching_data, rep,
                                                                      reviewer, team):
    client = api.as_user(integration)
    assert client.get("/api/v1/coaching/samples/").status_code == 200
    before = _counts()
    for method, url, body in _writes(coaching_data, rep, reviewer, team):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403, (url, response.content)
        assert response.json()["error"]["code"] == "permission_denied"
    assert _counts() == before
    coaching_data["improvement"].refresh_from_db()
    assert coaching_data["improvement"].outcome == "" and not coaching_data["improvement"].check_ins.exists()


def test_an_integration_that_reads_a_plan_is_refused_acknowledging_it(api, integration, coaching_data):
    plan = coaching_data["improvement"]
    client = api.as_user(integration)
    assert client.get(f"/api/v1/coaching/plans/{plan.pk}/").status_code == 200
    response = client.post(f"/api/v1/coaching/plans/{plan.pk}/acknowledge/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    plan.refresh_from_db()
    assert plan.acknowledged_at is None


def test_a_manager_of_another_team_cannot_decide_for_this_team(api, other_manager, coaching_data, rep, reviewer,
                                                                team):
    client = api.as_user(other_manager)
    before = _counts()
    for method, url, body in _writes(coaching_data, rep, reviewer, team):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code in (403, 404), (url, response.content)
    assert _counts() == before
