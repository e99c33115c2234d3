"""Bad input on the coaching pages: the form comes back with a message naming what is wrong,
nothing is written, and never a server error."""

import datetime as dt
from decimal import Decimal

import pytest

from coaching import services
from coaching.models import (
    ActionItem,
    CheckIn,
    ImprovementPlan,
    OneToOneNote,
    SamplingPlan,
    SamplingRun,
    Scorecard,
    ScorecardVersion,
)
from tests import factories as f
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

HUGE_ID = "99999999999999999999"


@pytest.fixture
def coach(client, password, manager):
    assert client.login(username=manager.username, password=password)
    return client


def _messages(response) -> str:
    """The messages the page shows (the banner at the top), not the labels of the form."""
    html = response.content.decode()
    return html.split('<ul class="messages">')[1].split("</ul>")[0] if '<ul class="messages">' in html else ""


def _items(today: dt.date, n: int = 3) -> dict:
    data: dict = {}
    for i in range(n):
        data |= {f"i{i}-what": f"Ask 3 SPIN questions #{i}", f"i{i}-measure": "QA needs score",
                 f"i{i}-target": "4/5", f"i{i}-due": (today + dt.timedelta(days=14)).isoformat()}
    return data


def _criterion(**row) -> dict:
    base = {"c0-name": "Closing", "c0-weight": "1", "c0-scale_max": "5", "c0-pass_score": "1"}
    return base | {f"c0-{k}": v for k, v in row.items()}


@pytest.mark.parametrize(("fields", "error"), [
    ({"c0-weight": "NaN"}, "Weight"),
    ({"c0-weight": "Infinity"}, "Weight"),
    ({"c0-weight": "0"}, "Weight"),
    ({"c0-scale_max": "1000"}, "Scale"),
    ({"critical_cap": "NaN"}, "Critical cap"),
    ({"calibration_threshold": "101"}, "Calibration threshold"),
    ({"team": HUGE_ID}, "Team"),
    ({"team": "abc"}, "Team"),
    ({"c0-name": ""}, "criterion"),
])
def test_a_bad_scorecard_is_refused_with_a_message(coach, team, fields, error):
    data = {"name": "Call QA", "team": team.pk, **_criterion()} | fields
    response = coach.post("/coaching/scorecards/", data)
    assert response.status_code == 200
    assert error in _messages(response)
    assert not Scorecard.objects.exists()


def test_a_bad_scorecard_edit_keeps_the_old_version(coach, manager, team):
    card = f.scorecard(manager, team)
    response = coach.post(f"/coaching/scorecards/{card.pk}/", {"name": "Call QA", **_criterion(weight="NaN")})
    assert response.status_code == 200 and "Weight" in _messages(response)
    assert ScorecardVersion.objects.filter(scorecard=card).count() == 1
    assert services.current_version(card).criteria.count() == len(f.scores())


def test_scorecard_page_keeps_what_was_typed_after_an_error(coach, team):
    html = coach.post("/coaching/scorecards/", {"name": "Call QA", "team": team.pk,
                                                **_criterion(name="Rapport", weight="lots")}).content.decode()
    assert 'value="Rapport"' in html and 'value="lots"' in html


@pytest.mark.parametrize(("fields", "error"), [
    ({"new_hire_rate": "NaN"}, "New-hire rate"),
    ({"top_rate": "2"}, "Top-performer rate"),
    ({"min_per_rep": "99999999999"}, "Minimum per rep"),
    ({"seed": "99999999999"}, "Seed"),
    ({"reviewers_per_call": "x"}, "Reviewers per call"),
    ({"team": HUGE_ID}, "Team"),
    ({"scorecard": "abc"}, "Scorecard"),
    ({"reviewers": [HUGE_ID]}, "Reviewers"),
])
def test_a_bad_sampling_plan_is_refused_with_a_message(coach, manager, team, fields, error):
    card = f.scorecard(manager, team)
    response = coach.post("/coaching/sampling/", {"team": team.pk, "scorecard": card.pk} | fields)
    assert response.status_code == 200
    assert error in _messages(response)
    assert not SamplingPlan.objects.exists()


def test_a_sampling_plan_takes_the_shown_defaults_for_blank_numbers(coach, manager, team):
    card = f.scorecard(manager, team)
    coach.post("/coaching/sampling/", {"team": team.pk, "scorecard": card.pk, "seed": "", "regular_rate": ""})
    plan = SamplingPlan.objects.get()
    assert (plan.seed, plan.regular_rate, plan.min_per_rep, plan.reviewers_per_call) == (0, Decimal("0.1"), 1, 2)


def test_a_bad_sampling_week_is_refused(coach, manager, team):
    plan = services.create_sampling_plan(actor=manager, team=team, scorecard=f.scorecard(manager, team))
    response = coach.post(f"/coaching/sampling/{plan.pk}/run/", {"week": "9999-12-31"}, follow=True)
    assert "Week" in _messages(response) and not SamplingRun.objects.exists()


@pytest.mark.parametrize(("fields", "error"), [
    ({"rep": HUGE_ID}, "Rep"),
    ({"check_in_every_days": "99999999999999999999"}, "Check-in"),
    ({"check_in_every_days": "0"}, "Check-in"),
    ({"source_kind": "gossip"}, "Started from"),
    ({"support": ["massage"]}, "Support"),
    ({"i0-due": "2024-02-30"}, "Item 1"),
    ({"i1-measure": ""}, "Item 2"),
    ({"title": "x" * 201}, "Title"),
])
def test_a_bad_improvement_plan_is_refused_with_a_message(coach, rep, fields, error):
    data = {"rep": rep.pk, "title": "Needs discovery", "check_in_every_days": "7",
            **_items(dt.date.today())} | fields  # noqa: DTZ011
    response = coach.post("/coaching/plans/new/", data)
    assert response.status_code == 200
    assert error in _messages(response)
    assert not ImprovementPlan.objects.exists()


@pytest.mark.parametrize(("action", "fields", "error"), [
    ("check-in", {"progress_note": "ok", "date": "9999-12-31"}, "Date"),
    ("check-in", {"progress_note": ""}, "Progress note"),
    ("outcome", {"outcome": "maybe"}, "Outcome"),
])
def test_bad_plan_actions_are_refused_with_a_message(coach, manager, rep, action, fields, error):
    plan = services.start_plan(actor=manager, rep=rep, title="Closing", items=[
        {"what": f"Item {i}", "measure": "m", "target": "t", "due": dt.date.today()} for i in range(3)])  # noqa: DTZ011
    response = coach.post(f"/coaching/plans/{plan.pk}/{action}/", fields, follow=True)
    assert error in _messages(response)
    plan.refresh_from_db()
    assert not CheckIn.objects.exists() and plan.outcome == ""


@pytest.mark.parametrize(("fields", "error"), [
    ({"rep": HUGE_ID}, "Rep"),
    ({"held_on": "1900-01-01"}, "Date"),
    ({"situation": ""}, "Situation"),
])
def test_a_bad_one_to_one_is_refused_with_a_message(coach, rep, fields, error):
    data = {"rep": rep.pk, "situation": "S", "behaviour": "B", "impact": "I"} | fields
    response = coach.post("/coaching/notes/", data)
    assert response.status_code == 200
    assert error in _messages(response)
    assert not OneToOneNote.objects.exists()


def test_a_bad_follow_up_task_is_refused_with_a_message(coach, manager, rep):
    note = services.write_note(actor=manager, rep=rep, situation="S", behaviour="B", impact="I")
    response = coach.post(f"/coaching/notes/{note.pk}/", {"description": "Call back", "due_on": "tomorrow"},
                          follow=True)
    assert "Due date" in _messages(response) and not ActionItem.objects.exists()


def test_a_review_score_beyond_any_scale_is_refused(client, password, manager, reviewer, rep, team):
    sample = f.sample(manager, CallFactory(rep=rep), f.scorecard(manager, team))
    assignment = services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=reviewer)
    assert client.login(username=reviewer.username, password=password)
    scores = {f"score-{k}": v for k, v in f.scores().items()} | {"score-closing": "99999999999999999999"}
    response = client.post(f"/coaching/review/{assignment.pk}/", scores)
    assert response.status_code == 200 and "Closing" in _messages(response)
    assert not hasattr(assignment, "review") and not sample.assignments.filter(review__isnull=False).exists()


def test_assigning_an_unknown_reviewer_is_refused(coach, manager, rep, team):
    sample = f.sample(manager, CallFactory(rep=rep), f.scorecard(manager, team))
    response = coach.post(f"/coaching/samples/{sample.pk}/", {"reviewer": HUGE_ID}, follow=True)
    assert "Reviewer" in _messages(response) and not sample.assignments.exists()


def test_an_unknown_team_stage_is_refused(coach, team):
    response = coach.post(f"/coaching/teams/{team.pk}/stage/", {"stage": "retired"}, follow=True)
    assert "Stage" in _messages(response)
    team.refresh_from_db()
    assert team.stage_override == ""
