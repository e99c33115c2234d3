"""The ranked queue in the browser: with nightly scores present, "Next lead" hands out the lead
with the best expected value first (unscored leads last, whatever their grade), and the lead page
shows its score, expected value, best hours and reasons in words; the call form offers the
customer's best hour for the follow-up."""

import pytest
from django.utils import timezone

from scoring.models import LeadScore
from tests.factories import LeadFactory, PoolFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored_pool(settings):
    settings.SCORING_EXPLORATION = 0.0  # every hand-out by score (the share is tested over 1,000 hand-outs)
    pool = PoolFactory(name="评分公海")
    LeadFactory(pool=pool, name="规则第一", grade="A")  # first by the pool rules, but never scored
    leads = {}
    for name, p, value in (("低价值", 0.05, 100), ("高价值", 0.45, 900), ("中价值", 0.20, 300)):
        leads[name] = LeadFactory(pool=pool, name=name, grade="E", source="web")
        LeadScore.objects.create(lead=leads[name], p_sale=p, expected_value=value, best_hours=[18, 19, 10],
                                 reasons=[["source", "web", 2.1], ["region", "north", 1.4]], scored_at=timezone.now())
    return pool


def next_lead(page) -> str:
    page.goto("/leads/pool/")
    page.click("#next-lead")
    page.locator("#lead-score").wait_for()
    return page.locator("#lead-header").inner_text()


def test_next_lead_hands_out_the_best_expected_value_and_the_page_explains_the_score(sign_in, rep, scored_pool,
                                                                                      console_errors):
    page = sign_in(rep)
    assert "高价值" in next_lead(page)
    score = page.locator("#lead-score").inner_text()
    assert "Conversion score: 45" in score and "900" in score
    assert "Best hours to call: 18:00, 19:00, 10:00" in score
    assert "Source web: converts 2.1× the average" in score and "Region north: converts 1.4× the average" in score

    best = page.locator("#best-time")  # the call panel (htmx) offers the customer's best hour for the follow-up
    best.wait_for()
    button = best.locator("button[data-fill-follow-up]")
    button.click()
    assert page.input_value("#call-form input[name=next_follow_up_at]") == button.get_attribute("data-fill-follow-up")
    assert button.get_attribute("data-fill-follow-up").endswith(("18:00", "19:00", "10:00"))

    assert "中价值" in next_lead(page)
    assert "低价值" in next_lead(page)
    page.goto("/leads/pool/")
    page.click("#next-lead")
    page.wait_for_load_state("networkidle")
    assert "规则第一" in page.locator("#lead-header").inner_text()  # unscored: after every scored lead
    assert page.locator("#lead-score").count() == 0
    assert console_errors == []
