"""Browser journeys: a grade change made on the call form (or the funnel's grade form) shows up
in the rep's funnel."""

import datetime as dt

import pytest
from django.utils import timezone

from calls.dispositions import ensure_standard
from calls.models import Disposition
from leads.models import GradeChange, LostReason
from tests.factories import LeadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ensure_standard_dispositions():
    ensure_standard()
    return list(Disposition.objects.all())


def count_at(page, grade: str) -> str:
    return page.locator(f'#counts td[data-key="{grade}"]').inner_text()


def test_rep_grades_a_lead_on_the_call_form_and_the_funnel_reflects_it(sign_in, rep):
    # calls are only allowed in the team's calling hours: open them all day for the test
    rep.team.calling_hours_start, rep.team.calling_hours_end = dt.time(0, 0), dt.time(23, 59, 59)
    rep.team.save(update_fields=["calling_hours_start", "calling_hours_end"])
    reached = next(d for d in ensure_standard_dispositions() if d.code == "reached")
    lead = LeadFactory(owner=rep, name="孙女士", claimed_at=timezone.now())
    page = sign_in(rep)
    page.goto("/funnel/")
    assert count_at(page, "E") == "1" and count_at(page, "C") == "0"

    page.goto(f"/calls/lead/{lead.pk}/")
    page.locator("#call-form label.outcome", has=page.locator(f"input[value='{reached.pk}']")).click()
    page.locator("#call-form select[name=new_grade]").select_option("C")
    page.locator("#call-form button[type=submit]").click()
    page.locator("#saved-note").wait_for()

    page.goto("/funnel/")
    assert count_at(page, "E") == "0" and count_at(page, "C") == "1"
    change = GradeChange.objects.get(lead=lead)
    assert change.to_grade == "C" and change.call_id is not None and change.changed_by == rep


def test_rep_marks_a_lead_lost_with_a_reason_on_the_grade_form(sign_in, rep):
    reason = LostReason.objects.get_or_create(name="预算不够 No budget")[0]
    lead = LeadFactory(owner=rep, name="周先生", claimed_at=timezone.now())
    page = sign_in(rep)
    page.goto(f"/funnel/lead/{lead.pk}/grade/")
    assert page.locator("#lost-reason").is_hidden()
    page.locator("#id_status").select_option("lost")
    assert page.locator("#lost-reason").is_visible()
    page.locator("select[name=lost_reason]").select_option(str(reason.pk))
    page.get_by_role("button", name="Save grade").click()
    page.locator(".messages li.success").wait_for()
    page.goto("/funnel/")
    assert page.locator('#counts td[data-key="lost"]').inner_text() == "1"


def test_funnel_charts_draw_under_the_content_security_policy(page, sign_in, open_charts, manager, rep, teammate):
    LeadFactory(owner=rep, claimed_at=timezone.now())
    LeadFactory(owner=teammate, grade="C", claimed_at=timezone.now())
    sign_in(manager)
    open_charts("/funnel/", "funnel-chart")
    open_charts("/funnel/team/", "team-funnel-chart", "team-chart", "bc-chart")
    open_charts("/funnel/plan/?target=8&start=2030-01-07&weeks=4&rate_E=60&rate_D=50&rate_C=40&rate_B=50&rate_A=80",
                "plan-chart")


def test_choosing_a_rep_or_a_team_on_the_funnel_filter_clears_the_other(page, sign_in, manager, rep, console_errors):
    sign_in(manager)
    page.goto("/funnel/")
    page.select_option("#funnel-filter select[name=team]", str(manager.team_id))
    page.select_option("#funnel-filter select[name=rep]", str(rep.pk))
    assert page.input_value("#funnel-filter select[name=team]") == ""
    page.select_option("#funnel-filter select[name=team]", str(manager.team_id))
    assert page.input_value("#funnel-filter select[name=rep]") == ""
    assert console_errors == []
