"""Today, live, in a real browser: a rep logs a call and the manager's open wallboard shows it at
its next refresh without a reload; the rep's today tiles follow too; both fit a 390 px phone."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from calls import services as calls
from calls.dispositions import ensure_standard
from tests.factories import PASSWORD, LeadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def all_day(team):
    """The team may call around the clock, whenever the suite runs."""
    team.calling_hours_start, team.calling_hours_end = dt.time(0, 0), dt.time(23, 59, 59)
    team.save(update_fields=["calling_hours_start", "calling_hours_end"])
    return team


@pytest.fixture
def fast_polls(settings):
    settings.KPI_LIVE_POLL_SECONDS = 1
    settings.TODAY_TILES_POLL_SECONDS = 1


def sign_in_to(context, user):
    page = context.new_page()
    page.goto("/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def cell(page, rep, key):
    return page.locator(f'#live-table tr[data-rep="{rep.pk}"] td[data-k="{key}"]')


def test_a_call_a_rep_logs_shows_on_the_managers_open_wallboard_without_a_reload(
        browser, live_server, page, sign_in, console_errors, fast_polls, all_day, manager, rep, teammate):
    dispositions = ensure_standard()
    lead = LeadFactory(owner=rep, name="孙女士")
    sign_in(manager)
    page.goto(f"/kpis/team/{all_day.id}/live/")
    assert cell(page, rep, "calls").inner_text() == "0"
    assert page.locator("#live-total td[data-k=calls]").inner_text() == "0"
    page.evaluate("window.openedOnce = true")  # gone if the page reloads
    first_as_of = page.locator("#live-as-of").inner_text()

    rep_context = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        rep_page = sign_in_to(rep_context, rep)
        rep_page.goto(f"/leads/{lead.pk}/")
        reached = dispositions["reached"].pk
        rep_page.locator("#call-form label.outcome", has=rep_page.locator(f"input[value='{reached}']")).click()
        rep_page.fill("#call-form input[name=duration]", "2:00")
        rep_page.click("#call-form button[type=submit]")
        rep_page.locator("#saved-note").wait_for()
    finally:
        rep_context.close()

    # One refresh is a second here; give the browser a few.
    expect(cell(page, rep, "calls")).to_have_text("1", timeout=5000)
    assert cell(page, rep, "reached").inner_text() == "1"
    assert page.locator("#live-total td[data-k=reached]").inner_text() == "1"
    assert page.evaluate("window.openedOnce") is True
    assert page.locator("#live-as-of").inner_text() != first_as_of
    assert console_errors == []


def test_the_reps_tiles_on_the_call_plan_follow_the_calls(page, sign_in, console_errors, fast_polls, all_day, rep):
    dispositions = ensure_standard()
    lead = LeadFactory(owner=rep)
    sign_in(rep)
    page.goto("/calls/")
    calls_tile = page.locator('#today-tiles [data-k="calls_made"] .actual')
    calls_tile.wait_for()
    assert calls_tile.inner_text() == "0"

    calls.log_call(actor=rep, lead_id=lead.pk, disposition_id=dispositions["reached"].pk, duration_seconds=60)

    expect(calls_tile).to_have_text("1", timeout=5000)
    assert page.locator('#today-tiles [data-k="customers_reached"] .actual').inner_text() == "1"
    assert console_errors == []


@pytest.mark.parametrize("who", ["manager", "rep"])
def test_the_wallboard_and_the_tiles_fit_a_phone(page, sign_in, all_day, manager, rep, teammate, who):
    page.set_viewport_size(PHONE)
    user = {"manager": manager, "rep": rep}[who]
    sign_in(user)
    page.goto(f"/kpis/team/{all_day.id}/live/")
    page.locator("#live-total").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator(f'#live-table tr[data-rep="{rep.pk}"] td[data-k="calls"]').is_visible()
    if who == "rep":
        page.goto("/calls/")
        page.locator('#today-tiles [data-k="calls_made"]').wait_for()
        # The call plan's own tables are wider than a phone; the tiles are not.
        for tile in page.locator("#today-tiles, #today-tiles .tile").all():
            box = tile.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
