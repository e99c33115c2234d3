"""In the browser: a follow-up falls due while the rep has a page open; the bell's count rises
without a reload, the desktop pop-up is raised, and clicking through opens the lead."""

import datetime as dt

import pytest
from django.utils import timezone

from calls import reminders
from calls.models import FollowUp
from tests.factories import LeadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_due_follow_up_raises_the_bell_count_on_an_open_page_and_opens_the_lead(
    sign_in, page, rep, settings, console_errors
):
    settings.NOTIFY_POLL_SECONDS = 1
    lead = LeadFactory(owner=rep, name="吴先生", claimed_at=timezone.now())
    page.context.grant_permissions(["notifications"])
    page.add_init_script("""
        window.__popups = [];
        window.Notification = class { constructor(title) { window.__popups.push(title); } };
        window.Notification.permission = "granted";
    """)
    sign_in(rep)
    page.goto("/calls/")
    page.locator("#bell .bell-count[data-count='0']").wait_for(state="attached")
    marker = page.evaluate("() => (window.__marker = Math.random())")
    FollowUp.objects.create(lead=lead, assigned_to=rep, team=rep.team, due_at=timezone.now() + dt.timedelta(seconds=2))
    assert reminders.notify_due_follow_ups(minutes=15) == 1
    page.locator("#bell .bell-count[data-count='1']").wait_for()
    assert page.evaluate("() => window.__marker") == marker  # the same page: no reload
    page.wait_for_function("() => window.__popups.length === 1")
    assert "吴先生" in page.evaluate("() => window.__popups[0]")
    page.locator("#bell").click()
    page.get_by_role("link", name="Follow-up with 吴先生", exact=False).click()
    page.wait_for_url(f"**/leads/{lead.pk}/")
    assert console_errors == []


def test_the_list_works_on_a_phone(sign_in, page, rep):
    LeadFactory(owner=rep, name="郑女士", claimed_at=timezone.now())
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(rep)
    page.goto("/notifications/")
    assert page.locator("#bell").is_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
