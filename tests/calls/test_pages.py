import datetime as dt

import pytest
from django.utils import timezone

from calls.models import Call, FollowUp
from calls.services import log_call, schedule_follow_up
from tests.factories import CallFactory, LeadFactory

pytestmark = pytest.mark.django_db


def test_lead_panel_shows_form_and_timeline_to_the_owner(client, rep, lead, dispo):
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["busy"].pk, notes="第一次")
    client.force_login(rep)
    html = client.get(f"/calls/lead/{lead.pk}/panel/").content.decode()
    assert 'id="call-form"' in html and "第一次" in html


def test_other_rep_cannot_open_a_private_lead_panel(client, teammate, lead):
    client.force_login(teammate)
    assert client.get(f"/calls/lead/{lead.pk}/panel/").status_code == 404


def test_htmx_post_logs_the_call_and_returns_it_at_the_top(client, rep, lead, dispo):
    CallFactory(lead=lead, rep=rep, started_at=timezone.now() - dt.timedelta(days=1), disposition=dispo["no_answer"])
    client.force_login(rep)
    response = client.post(
        f"/calls/lead/{lead.pk}/log/",
        {"disposition": dispo["callback"].pk, "duration": "2:30", "channel": "phone", "notes": "下周再联系",
         "next_follow_up_at": "+1d 10:00", "follow_up_purpose": "发报价", "follow_up_scope": "mine"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    call = Call.objects.latest("id")
    assert call.duration_seconds == 150 and call.notes == "下周再联系"
    assert html.index(f'id="call-{call.pk}"') < html.index("call-", html.index(f'id="call-{call.pk}"') + 10)
    assert "发报价" in html
    assert FollowUp.objects.get(lead=lead, done_at__isnull=True).purpose == "发报价"


def test_form_error_is_shown_inline_and_nothing_is_saved(client, rep, lead, dispo):
    client.force_login(rep)
    response = client.post(
        f"/calls/lead/{lead.pk}/log/", {"disposition": dispo["sold"].pk, "duration": "60", "channel": "phone"},
        HTTP_HX_REQUEST="true",
    )
    assert "A sale needs the premium" in response.content.decode()
    assert not Call.objects.exists()


def test_second_rep_opening_the_same_number_is_told_who_is_on_the_line(client, rep, manager, lead):
    client.force_login(rep)
    client.get(f"/calls/lead/{lead.pk}/panel/")
    client.force_login(manager)
    html = client.get(f"/calls/lead/{lead.pk}/panel/").content.decode()
    assert "王芳 is on the line" in html


def test_once_the_rep_logs_the_call_another_rep_may_open_the_number(client, rep, manager, lead, dispo):
    client.force_login(rep)
    client.get(f"/calls/lead/{lead.pk}/panel/")
    client.post(f"/calls/lead/{lead.pk}/log/", {"disposition": dispo["reached"].pk, "duration": "95", "channel": "phone"},
                HTTP_HX_REQUEST="true")
    client.force_login(manager)
    html = client.get(f"/calls/lead/{lead.pk}/panel/").content.decode()
    assert "is on the line" not in html


def test_a_call_a_dialer_syncs_does_not_hold_the_number(client, api, integration, rep, lead, dispo):
    response = api.as_user(integration).post(
        "/api/v1/calls/", {"lead": lead.pk, "disposition": "no_answer", "duration_seconds": 0}, format="json"
    )
    assert response.status_code == 201, response.content
    client.force_login(rep)
    html = client.get(f"/calls/lead/{lead.pk}/panel/").content.decode()
    assert "is on the line" not in html


def test_plan_lists_overdue_then_today_then_fresh_and_skips_do_not_call(client, rep, dispo):
    overdue_lead = LeadFactory(owner=rep, name="逾期客户")
    today_lead = LeadFactory(owner=rep, name="今日客户")
    fresh = LeadFactory(owner=rep, name="新客户")
    dnc_lead = LeadFactory(owner=rep, name="勿扰客户")
    now = timezone.now()
    schedule_follow_up(actor=rep, lead_id=overdue_lead.pk, due_at=now + dt.timedelta(minutes=1), purpose="a")
    FollowUp.objects.filter(lead=overdue_lead).update(due_at=now - dt.timedelta(hours=3))
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=0)
    if end_of_day > now + dt.timedelta(minutes=1):
        schedule_follow_up(actor=rep, lead_id=today_lead.pk, due_at=end_of_day, purpose="b")
    log_call(actor=rep, lead_id=dnc_lead.pk, disposition_id=dispo["dnc"].pk)
    client.force_login(rep)
    html = client.get("/calls/").content.decode()
    assert html.index("逾期客户") < html.index('id="plan-today"') < html.index("新客户")
    assert "勿扰客户" not in html and fresh.name in html


def test_plan_page_makes_a_constant_number_of_queries(client, rep, django_assert_max_num_queries):
    now = timezone.now()
    client.force_login(rep)
    for i in range(30):
        lead = LeadFactory(owner=rep)
        FollowUp.objects.create(lead=lead, assigned_to=rep, due_at=now - dt.timedelta(hours=i), purpose="x")
        LeadFactory(owner=rep)
    with django_assert_max_num_queries(12):
        assert client.get("/calls/").status_code == 200


def test_daily_report_counts_from_the_records(client, rep, lead, dispo):
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["no_answer"].pk)
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["quoted"].pk, quote_amount="800", duration_seconds=120,
             new_grade="B")
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["sold"].pk, premium="1200.50", margin_rate="0.2",
             duration_seconds=60)
    client.force_login(rep)
    html = client.get("/calls/report/").content.decode()
    for key, value in [("calls", "3"), ("connects", "1"), ("quotes", "1"), ("sales", "1"), ("premium", "1200.50"),
                       ("talk", "3"), ("graded_up", "1")]:
        assert f'data-k="{key}">{value}<' in html


def test_manager_sees_one_report_row_per_rep_but_not_other_teams(client, manager, rep, teammate, other_team_rep):
    client.force_login(manager)
    html = client.get("/calls/report/").content.decode()
    assert rep.full_name in html and teammate.full_name in html and other_team_rep.full_name not in html
    assert client.get(f"/calls/report/?rep={other_team_rep.pk}").status_code == 404
    assert client.get(f"/calls/report/?rep={rep.pk}").status_code == 200


@pytest.mark.parametrize(("text", "expected"), [
    ("+1d 10:00", (2026, 3, 11, 10, 0)),
    ("+3h", (2026, 3, 10, 17, 20)),
    ("明天 9:30", (2026, 3, 11, 9, 30)),
    ("2026-03-12 15:00", (2026, 3, 12, 15, 0)),
])
def test_follow_up_time_can_be_typed_the_short_way(text, expected):
    from calls.forms import parse_when

    tz = timezone.get_current_timezone()
    now = dt.datetime(2026, 3, 10, 14, 20, tzinfo=tz)
    assert parse_when(text, now) == dt.datetime(*expected, tzinfo=tz)


def test_lead_panel_query_count_does_not_grow_with_calls(client, rep, dispo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few, many = LeadFactory(owner=rep), LeadFactory(owner=rep)
    now = timezone.now()
    Call.objects.bulk_create(
        [Call(lead=many, rep=rep, started_at=now - dt.timedelta(hours=i), disposition=dispo["busy"]) for i in range(300)]
        + [Call(lead=few, rep=rep, started_at=now, disposition=dispo["busy"])]
    )
    client.force_login(rep)
    counts = []
    for lead in (few, many):
        client.get(f"/calls/lead/{lead.pk}/panel/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/calls/lead/{lead.pk}/panel/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 10
