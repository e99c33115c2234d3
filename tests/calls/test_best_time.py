"""Follow-ups and callbacks go into the hours the customer answers (the nightly contact model's best
hours), within the team's calling hours: suggested on the call form, the default when the rep types a
day without a time, and on the API as `next_follow_up_on`."""

import datetime as dt

import pytest
import time_machine
from django import forms
from django.utils import timezone

from calls import best_time, services
from calls.best_time import OnDay
from calls.forms import parse_when
from calls.models import FollowUp
from scoring.models import LeadScore

TZ = timezone.get_default_timezone()
NOON = dt.datetime(2026, 7, 1, 12, 0, tzinfo=TZ)


@pytest.fixture
def office_hours(team):
    team.calling_hours_start, team.calling_hours_end = dt.time(9), dt.time(20)
    team.save(update_fields=["calling_hours_start", "calling_hours_end"])
    return team


@pytest.fixture
def scored(lead):
    """The contact model's best hours for the lead: 8:00 (before calling hours), 19:00, 10:00."""
    LeadScore.objects.create(lead=lead, p_sale=0.3, expected_value=300, best_hours=[8, 19, 10], reasons=[],
                             scored_at=timezone.now())
    lead.refresh_from_db()
    return lead


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 7, day, hour, minute, tzinfo=TZ)


@pytest.mark.parametrize(("text", "expected"), [
    ("best", OnDay()), ("最佳", OnDay()), ("tomorrow", OnDay(dt.date(2026, 7, 2))), ("明天", OnDay(dt.date(2026, 7, 2))),
    ("2026-07-05", OnDay(dt.date(2026, 7, 5))), ("+1d 10:00", at(2, 10)),
])
def test_a_day_without_a_time_or_best_leaves_the_hour_to_the_customer(text, expected):
    assert parse_when(text, NOON) == expected


def test_a_day_that_does_not_exist_is_refused():
    with pytest.raises(forms.ValidationError):
        parse_when("2026-02-30", NOON)


def test_the_best_slot_is_the_customers_best_hour_inside_calling_hours(scored, office_hours):
    assert best_time.best_slot(scored, office_hours, now=NOON) == at(1, 19)  # 8:00 is before calling hours
    assert best_time.best_slot(scored, office_hours, now=at(1, 19, 30)) == at(2, 19)  # today's are over
    assert best_time.best_slot(scored, office_hours, now=NOON, day=dt.date(2026, 7, 3)) == at(3, 19)
    office_hours.calling_hours_end = dt.time(18)  # 19:00 is now private time: the next best, 10:00
    assert best_time.best_slot(scored, office_hours, now=NOON) == at(2, 10)


def test_without_a_score_the_day_starts_at_the_calling_hours(lead, office_hours):
    assert best_time.suggestion(lead, office_hours, now=NOON) is None
    assert best_time.best_slot(lead, office_hours, now=NOON, day=dt.date(2026, 7, 2)) == at(2, 9)


@time_machine.travel(NOON, tick=False)
def test_the_call_form_suggests_the_best_time_and_tomorrow_defaults_to_it(client, rep, scored, office_hours, dispo):
    client.force_login(rep)
    page = client.get(f"/calls/lead/{scored.pk}/").content.decode()
    assert 'id="best-time"' in page and "19:00, 10:00" in page and "8:00" not in page.split('id="best-time"')[1][:80]
    assert 'data-fill-follow-up="2026-07-01 19:00"' in page and "today 19:00" in page
    response = client.post(f"/calls/lead/{scored.pk}/log/", {
        "disposition": dispo["callback"].pk if "callback" in dispo else dispo["reached"].pk,
        "next_follow_up_at": "tomorrow", "notes": "想再聊聊"})
    assert response.status_code == 200
    follow_up = FollowUp.objects.get(lead=scored, done_at__isnull=True)
    assert follow_up.due_at == at(2, 19) and follow_up.purpose == "想再聊聊"


@time_machine.travel(NOON, tick=False)
def test_the_api_puts_a_follow_up_day_at_the_best_hour(api, rep, scored, office_hours, dispo):
    body = {"lead": scored.pk, "disposition": "reached", "next_follow_up_on": "2026-07-03", "follow_up_purpose": "报价"}
    response = api.as_user(rep).post("/api/v1/calls/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["next_follow_up_at"].startswith("2026-07-03T19:00")
    both = api.as_user(rep).post("/api/v1/calls/", {**body, "next_follow_up_at": "2026-07-03T15:00:00+08:00"},
                                 format="json")
    assert both.status_code == 400 and "next_follow_up_on" in str(both.json())


@time_machine.travel(NOON, tick=False)
def test_a_follow_up_scheduled_without_a_call_goes_to_the_best_hour(rep, scored, office_hours):
    follow_up = services.schedule_follow_up(actor=rep, lead_id=scored.pk, due_at=OnDay(), purpose="回访")
    assert follow_up.due_at == at(1, 19)
