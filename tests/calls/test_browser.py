import pytest
from django.utils import timezone

from calls.models import Call, FollowUp
from tests.factories import LeadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep_logs_a_call_from_the_plan_with_the_keyboard_and_sees_it_in_the_timeline(sign_in, rep, dispo):
    lead = LeadFactory(owner=rep, name="孙女士", claimed_at=timezone.now())
    page = sign_in(rep)
    page.goto("/calls/")
    plan = page.locator("#plan-fresh")
    assert "孙女士" in plan.inner_text()
    plan.get_by_role("link", name="Call & log").first.click()
    page.locator("#call-form input[name=disposition]").first.wait_for()
    page.keyboard.press("9")  # the key shown on “Call back later”
    page.keyboard.press("n")  # note
    page.keyboard.type("想比较两家方案")
    page.keyboard.press("Tab")  # grade: keep
    page.keyboard.press("Tab")
    page.keyboard.type("+1d 10:00")
    page.keyboard.press("Tab")
    page.keyboard.type("发对比方案")
    page.keyboard.press("Tab")  # for: me
    page.keyboard.press("Tab")
    page.keyboard.type("3:05")  # talk time, typed over the timer
    page.keyboard.press("Enter")
    page.locator("#saved-note").wait_for()
    first_row = page.locator("#call-timeline tbody tr").first
    assert "想比较两家方案" in first_row.inner_text() and "Call back later" in first_row.inner_text()
    assert "发对比方案" in page.locator("#open-follow-ups").inner_text()
    call = Call.objects.get(lead=lead)
    assert call.duration_seconds == 185 and call.disposition.code == "callback"
    follow_up = FollowUp.objects.get(lead=lead, done_at__isnull=True)
    assert timezone.localtime(follow_up.due_at).hour == 10
    # the form is ready for the next call, focus back on the outcome
    assert page.locator("#call-form input[name=disposition]").first.evaluate("el => el === document.activeElement")


def test_manager_picks_a_rep_on_the_call_plan_and_the_page_follows_without_a_button(sign_in, manager, rep,
                                                                                      console_errors):
    page = sign_in(manager)
    page.goto("/calls/")
    with page.expect_navigation():
        page.select_option("select[name=rep]", str(rep.pk))
    assert f"rep={rep.pk}" in page.url
    assert rep.display_name in page.locator("h1").inner_text()
    assert console_errors == []
