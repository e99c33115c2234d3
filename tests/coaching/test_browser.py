import pytest

from coaching import services
from tests import factories as f
from tests.factories import CallFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _score(page, values: dict):
    for key, value in values.items():
        page.select_option(f"select[name=score-{key}]", str(value))
    page.click("#score-form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_two_reviewers_score_a_sampled_call_blind_and_the_rep_sees_the_result(page, sign_in, manager, reviewer, rep,
                                                                              team):
    sample = f.sample(manager, CallFactory(rep=rep, recording_url="https://rec.example.com/1.mp3"),
                      f.scorecard(manager, team))
    services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=manager)
    services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=reviewer)

    sign_in(manager)
    page.goto("/coaching/")
    page.click("#review-queue a:has-text('Score')")
    _score(page, f.scores(closing=0))
    assert "Your review is saved" in page.content()
    assert page.locator("#pending").is_visible()

    page.context.clear_cookies()
    sign_in(reviewer)
    page.goto("/coaching/")
    page.click("#review-queue a:has-text('Score')")
    assert "Blind review" in page.content() and "80.0" not in page.content()
    _score(page, f.scores())
    assert page.locator("#result .result").inner_text() == "90.0"
    assert page.locator("#reviews .review-total").count() == 2

    page.context.clear_cookies()
    sign_in(rep)
    page.goto("/coaching/")
    assert page.locator("#my-results .result").first.inner_text() == "90.0"
    page.click("#my-results a:has-text('Details')")
    assert page.locator("#result .result").inner_text() == "90.0"


def test_qa_result_charts_draw_under_the_content_security_policy(sign_in, open_charts, manager, reviewer, rep, team):
    sample = f.sample(manager, CallFactory(rep=rep), f.scorecard(manager, team))
    first = services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=manager)
    second = services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=reviewer)
    services.submit_review(actor=manager, assignment_id=first.pk, scores=f.scores(closing=1))
    services.submit_review(actor=reviewer, assignment_id=second.pk, scores=f.scores(closing=2, needs=3))
    sign_in(manager)
    open_charts("/coaching/results/", "chart-reps", "chart-criteria", "chart-teams", "chart-pareto")
