import datetime as dt

import pytest
import time_machine

from coaching import services
from coaching.models import ImprovementPlan, SamplingRun
from tests import factories as f
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_reviewers(manager, reviewer, rep, team):
    sample = f.sample(manager, CallFactory(rep=rep, recording_url="https://rec.example.com/1.mp3"), f.scorecard(manager, team))
    a1 = services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=manager)
    a2 = services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=reviewer)
    return sample, a1, a2


def _login(client, user, password):
    assert client.login(username=user.username, password=password)
    return client


def test_every_coaching_page_renders_for_each_role(client, password, manager, rep, admin_user, two_reviewers):
    urls = ["/coaching/", "/coaching/results/", "/coaching/plans/", "/coaching/notes/"]
    coach_urls = ["/coaching/samples/", "/coaching/sampling/", "/coaching/scorecards/", "/coaching/plans/new/"]
    for user in (manager, admin_user):
        _login(client, user, password)
        for url in urls + coach_urls:
            assert client.get(url).status_code == 200, url
    _login(client, rep, password)
    for url in urls:
        assert client.get(url).status_code == 200, url
    for url in coach_urls:
        assert client.get(url).status_code == 404, url


def test_scoring_form_hides_other_scores_until_own_is_submitted(client, password, two_reviewers, manager, reviewer):
    sample, a1, a2 = two_reviewers
    services.submit_review(actor=manager, assignment_id=a1.pk, scores=f.scores(closing=0))
    _login(client, reviewer, password)
    form = client.get(f"/coaching/review/{a2.pk}/").content.decode()
    assert "Blind review" in form and "80.0" not in form
    detail = client.get(f"/coaching/samples/{sample.pk}/").content.decode()
    assert 'id="reviews"' not in detail and "80.0" not in detail and 'id="pending"' in detail
    response = client.post(f"/coaching/review/{a2.pk}/", {f"score-{k}": v for k, v in f.scores().items()}, follow=True)
    html = response.content.decode()
    assert 'id="reviews"' in html and "80.0" in html and "100.0" in html
    assert "90.0" in html  # the mean


def test_someone_elses_assignment_form_is_not_found(client, password, two_reviewers, reviewer):
    _, a1, _ = two_reviewers
    _login(client, reviewer, password)
    assert client.get(f"/coaching/review/{a1.pk}/").status_code == 404


def test_an_incomplete_form_keeps_the_reviewer_on_it_with_a_message(client, password, two_reviewers, reviewer):
    _, _, a2 = two_reviewers
    _login(client, reviewer, password)
    html = client.post(f"/coaching/review/{a2.pk}/", {"score-script": "5"}, follow=True).content.decode()
    assert "Score every criterion" in html


def test_rep_sees_own_result_only_when_complete(client, password, two_reviewers, manager, reviewer, rep, teammate):
    sample, a1, a2 = two_reviewers
    _login(client, rep, password)
    services.submit_review(actor=manager, assignment_id=a1.pk, scores=f.scores())
    assert 'id="result"' not in client.get(f"/coaching/samples/{sample.pk}/").content.decode()
    services.submit_review(actor=reviewer, assignment_id=a2.pk, scores=f.scores())
    assert 'id="result"' in client.get(f"/coaching/samples/{sample.pk}/").content.decode()
    assert "100.0" in client.get("/coaching/").content.decode()
    _login(client, teammate, password)
    assert client.get(f"/coaching/samples/{sample.pk}/").status_code == 404


def test_results_page_draws_charts_and_pareto(client, password, two_reviewers, manager, reviewer):
    _, a1, a2 = two_reviewers
    services.submit_review(actor=manager, assignment_id=a1.pk, scores=f.scores(closing=1))
    services.submit_review(actor=reviewer, assignment_id=a2.pk, scores=f.scores(closing=2, needs=3))
    _login(client, manager, password)
    html = client.get("/coaching/results/").content.decode()
    assert "plotly-basic.min.js" in html and "charts.js" in html and html.count("data-figure=") == 4
    pareto = html.split('id="pareto"')[1]
    assert pareto.index("Closing") < pareto.index("Needs discovery")


def test_manager_page_shows_overdue_check_ins_and_team_stage(client, password, manager, rep, team):
    team.founded_on = dt.date.today() - dt.timedelta(days=100)  # noqa: DTZ011
    team.save()
    start = dt.date.today() - dt.timedelta(days=10)  # noqa: DTZ011
    services.start_plan(actor=manager, rep=rep, title="Connect rate", start_date=start, items=[
        {"what": f"Item {i}", "measure": "m", "target": "t", "due": start + dt.timedelta(days=20)} for i in range(3)])
    _login(client, manager, password)
    html = client.get("/coaching/").content.decode()
    assert "Connect rate" in html.split('id="overdue-check-ins"')[1].split("</section>")[0]
    assert 'data-stage="storming"' in html and "Storming" in html
    client.post(f"/coaching/teams/{team.pk}/stage/", {"stage": "performing"})
    assert 'data-stage="performing"' in client.get("/coaching/").content.decode()


def test_rep_acknowledges_plan_from_the_page(client, password, manager, rep):
    plan = services.start_plan(actor=manager, rep=rep, title="Closing", items=[
        {"what": f"Item {i}", "measure": "m", "target": "t", "due": dt.date.today()} for i in range(3)])  # noqa: DTZ011
    _login(client, rep, password)
    assert "I have read my plan" in client.get("/coaching/").content.decode()
    client.post(f"/coaching/plans/{plan.pk}/acknowledge/")
    assert ImprovementPlan.objects.get().acknowledged_at is not None


def test_manager_starts_plan_and_runs_sampling_from_pages(client, password, manager, rep, team):
    _login(client, manager, password)
    today = dt.date.today()  # noqa: DTZ011
    data = {"rep": rep.pk, "title": "Needs discovery", "source_kind": "manual", "check_in_every_days": "7",
            "support": ["training", "side_by_side"]}
    for i in range(3):
        data |= {f"i{i}-what": f"Ask 3 SPIN questions #{i}", f"i{i}-measure": "QA needs score",
                 f"i{i}-target": "4/5", f"i{i}-due": (today + dt.timedelta(days=14)).isoformat()}
    response = client.post("/coaching/plans/new/", data, follow=True)
    assert "Improvement plan started" in response.content.decode()
    card = f.scorecard(manager, team)
    client.post("/coaching/sampling/", {"team": team.pk, "scorecard": card.pk, "regular_rate": "0.5"})
    plan = team.sampling_plans.get()
    client.post(f"/coaching/sampling/{plan.pk}/run/", {"week": today.isoformat()})
    assert SamplingRun.objects.filter(plan=plan).exists()


def test_notes_pages_respect_privacy(client, password, manager, rep, teammate):
    _login(client, manager, password)
    # Markers no random token (the CSRF one is in every page) can contain: they are not base64.
    client.post("/coaching/notes/", {"rep": rep.pk, "situation": "情况一", "behaviour": "B1", "impact": "I1"})
    client.post("/coaching/notes/", {"rep": rep.pk, "situation": "Secret", "behaviour": "B", "impact": "I",
                                     "private": "on"})
    _login(client, rep, password)
    html = client.get("/coaching/notes/").content.decode()
    assert "情况一" in html and "Secret" not in html
    _login(client, teammate, password)
    html = client.get("/coaching/notes/").content.decode()
    assert "情况一" not in html


def test_scorecard_edit_page_creates_new_version_when_in_use(client, password, manager, rep, team):
    card = f.scorecard(manager, team)
    f.sample(manager, CallFactory(rep=rep), card)
    _login(client, manager, password)
    client.post(f"/coaching/scorecards/{card.pk}/", {"name": "Call QA", "c0-name": "Closing", "c0-weight": "1",
                                                    "c0-scale_max": "5"})
    assert services.current_version(card).number == 2


def test_plan_dates_and_scores_use_the_shared_formats(client, password, manager, rep):
    """The plan pages print dates in the one short style (2026-11-02), not Django's "Nov. 2, 2026"."""
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC), tick=False):
        plan = services.start_plan(actor=manager, rep=rep, title="Closing", items=[
            {"what": f"Item {i}", "measure": "m", "target": "t", "due": dt.date(2026, 11, 20)} for i in range(3)])
    _login(client, manager, password)
    for url in ("/coaching/plans/", f"/coaching/plans/{plan.pk}/"):
        html = client.get(url).content.decode()
        assert plan.start_date.isoformat() in html and plan.review_date.isoformat() in html, url
        assert "Nov." not in html and "Dec." not in html, url
