"""The rep's calling loop in Chromium, by keyboard alone, on a desktop and a phone screen."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from calls.models import Call, FollowUp
from leads.models import GradeChange, Lead
from tests.factories import LeadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (outcome, what the rep types after the outcome key); keys follow the shipped dispositions' order.
KEY = {"no_answer": "1", "busy": "2", "reached": "5", "quoted": "6", "sold": "7"}
PLAN = ["no_answer", "busy", "reached", "quoted", "sold"] * 4
NOTE = "客户想比较方案"


class Keys:
    """The keyboard, counting keystrokes (typed text counted apart)."""

    def __init__(self, page):
        self.page, self.strokes, self.text = page, 0, 0

    def press(self, *keys):
        for key in keys:
            self.page.keyboard.press(key)
            self.strokes += 1

    def type(self, text, *, note=False):
        self.page.keyboard.type(text)
        if note:
            self.text += len(text)
        else:
            self.strokes += len(text)


def _log_one(keys: Keys, outcome: str) -> None:
    """One call, by keyboard: the outcome key, what the outcome needs, Enter (save & next)."""
    keys.press(KEY[outcome])
    if outcome == "reached":
        keys.press("n")
        keys.type(NOTE, note=True)
        keys.press("Tab")
        keys.type("b")  # grade select: B
        keys.press("Tab")
        keys.type("+1d")  # next follow-up; the note is its purpose
    elif outcome == "quoted":
        keys.type("5000")  # the quote amount field has the focus
    elif outcome == "sold":
        keys.type("3000")
        keys.press("Tab")
        keys.type("0.2")
    keys.press("Enter")


def _shown_lead(page) -> int:
    return int(page.locator("#queue-item").get_attribute("data-lead"))


@pytest.mark.parametrize("viewport", [(1440, 900), (390, 844)], ids=["desktop", "phone"])
def test_rep_logs_twenty_calls_in_a_row_from_the_queue_by_keyboard(sign_in, rep, dispo, viewport, console_errors):
    now = timezone.now()
    leads = [LeadFactory(owner=rep, name=f"客户{i:02d}", grade="C", claimed_at=now - dt.timedelta(hours=40 - i))
             for i in range(21)]
    page = sign_in(rep)
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    navigations = []
    page.goto("/calls/queue/")
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    page.evaluate("window.__loopMarker = 'still here'")
    keys = Keys(page)
    assert _shown_lead(page) == leads[0].pk
    for n, outcome in enumerate(PLAN):
        lead = leads[n]
        assert _shown_lead(page) == lead.pk
        before = keys.strokes
        _log_one(keys, outcome)
        page.locator(f'#queue-item[data-lead="{leads[n + 1].pk}"]').wait_for()
        if outcome in ("no_answer", "busy"):
            assert keys.strokes - before <= 2
        if outcome == "reached":
            assert keys.strokes - before <= 15
        # the header shows the customer now on screen as the database has them
        shown = Lead.objects.get(pk=leads[n + 1].pk)
        assert shown.name in page.locator("#lead-header").inner_text()
        assert page.locator("#lead-header [data-grade]").inner_text() == shown.grade
        rows = page.locator("#grade-history tbody tr").count()
        assert rows == max(1, GradeChange.objects.filter(lead=shown).count())
        # and the strip says what the last call did to the customer just logged
        logged = Lead.objects.get(pk=lead.pk)
        strip = page.locator("#queue-logged").inner_text()
        assert lead.name in strip and f"grade {logged.grade}" in strip
        due = logged.next_follow_up_at
        assert (timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else "—") in strip
    assert page.evaluate("window.__loopMarker") == "still here"
    assert navigations == []  # not one full page load in twenty calls
    calls = Call.objects.filter(rep=rep).select_related("disposition").order_by("id")
    assert [c.disposition.code for c in calls] == PLAN
    reached = [leads[i] for i, o in enumerate(PLAN) if o == "reached"]
    for lead in reached:
        lead.refresh_from_db()
        assert lead.grade == "B"
        assert FollowUp.objects.get(lead=lead, done_at__isnull=True).purpose == NOTE
    sold = [c for c in calls if c.disposition.code == "sold"]
    assert all(c.premium == Decimal("3000.00") and c.margin_rate == Decimal("0.2000") for c in sold)
    assert all(c.quote_amount == Decimal("5000.00") for c in calls if c.disposition.code == "quoted")
    assert Lead.objects.filter(pk__in=[c.lead_id for c in sold], status="won").count() == 4
    assert page.locator("#queue-left").inner_text().startswith("Done today: 20")
    assert console_errors == []


def test_dialling_starts_the_timer_skip_and_pause_are_one_key_and_esc_cancels(sign_in, rep, dispo, console_errors):
    rep.team.dialer_url_template = "https://dialer.example/call?n={e164}"
    rep.team.save()
    now = timezone.now()
    first, second = (LeadFactory(owner=rep, name=f"客户{i}", claimed_at=now - dt.timedelta(hours=9 - i)) for i in range(2))
    page = sign_in(rep)
    page.context.route("https://dialer.example/**", lambda route: route.fulfill(body="dialing", status=200))
    page.goto("/calls/queue/")
    page.evaluate("window.__loopMarker = 1")
    with page.context.expect_page():
        page.keyboard.press("d")  # the team's web dialer opens in its own window
    page.bring_to_front()
    page.wait_for_timeout(2200)
    assert page.locator("#call-form [name=duration]").input_value() >= "0:02"
    page.keyboard.press("7")  # a sale shows the money fields…
    assert page.locator("#call-form [name=premium]").is_visible()
    page.keyboard.press("Escape")  # …Esc cancels the whole entry
    page.locator("#call-form [name=premium]").wait_for(state="hidden")
    assert page.locator("#call-form input[name=disposition]:checked").count() == 0
    page.keyboard.press("p")
    page.locator("#queue-paused").wait_for()
    page.keyboard.press("r")
    page.locator("#call-form").wait_for()
    assert _shown_lead(page) == first.pk
    page.keyboard.press("s")
    page.keyboard.press("Enter")  # the first reason: not a good time
    page.locator(f'#queue-item[data-lead="{second.pk}"]').wait_for()
    page.reload()
    assert _shown_lead(page) == second.pk  # the place survives a reload
    assert page.evaluate("window.__loopMarker") is None
    assert console_errors == []


def test_a_call_on_the_lead_page_updates_header_follow_up_and_grade_history_without_a_reload(sign_in, rep, dispo):
    lead = LeadFactory(owner=rep, name="钱女士", grade="A", claimed_at=timezone.now() - dt.timedelta(days=25))
    page = sign_in(rep)
    page.goto(f"/leads/{lead.pk}/")
    page.locator("#call-form").wait_for()
    page.evaluate("window.__loopMarker = 1")
    assert "—" in page.locator("#lead-next-follow-up").inner_text()
    page.keyboard.press("5")
    page.keyboard.press("n")
    page.keyboard.type("下周再谈")
    page.keyboard.press("Tab")
    page.keyboard.type("b")
    page.keyboard.press("Tab")
    page.keyboard.type("+2d 10:00")
    page.keyboard.press("Enter")
    page.locator("#saved-note").wait_for()
    assert page.locator("#lead-header [data-grade]").inner_text() == "B"
    due = timezone.localtime(Lead.objects.get(pk=lead.pk).next_follow_up_at)
    assert due.strftime("%Y-%m-%d %H:%M") in page.locator("#lead-next-follow-up").inner_text()
    assert "B" in page.locator("#grade-history tbody tr").last.inner_text()
    assert page.evaluate("window.__loopMarker") == 1
