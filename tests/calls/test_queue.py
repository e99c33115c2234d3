"""The work queue (“start calling”): order, a place kept on the server, save & next, skip, pause."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from calls import queue
from calls.models import Call, FollowUp, QueueSkip, QueueState
from calls.services import log_call, refresh_lead_call_facts
from tests.factories import CallFactory, LeadFactory, PoolFactory

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def follow_up(lead, rep, *, hours: float, created_hours: float = -48, purpose="回访"):
    now = timezone.now()
    f = FollowUp.objects.create(lead=lead, assigned_to=rep, team=rep.team, due_at=now + dt.timedelta(hours=hours),
                                purpose=purpose, created_by=rep)
    FollowUp.objects.filter(pk=f.pk).update(created_at=now + dt.timedelta(hours=created_hours))
    lead.next_follow_up_at = f.due_at
    lead.save(update_fields=["next_follow_up_at"])
    return f


def claimed(rep, name, *, hours_ago=10, **kwargs):
    return LeadFactory(owner=rep, name=name, claimed_at=timezone.now() - dt.timedelta(hours=hours_ago), **kwargs)


@pytest.fixture
def world(rep, dispo, team):
    """Two overdue follow-ups, a callback, two fresh leads and a lead in the team's pool."""
    later = claimed(rep, "晚到期", hours_ago=30)
    early = claimed(rep, "早到期", hours_ago=30)
    follow_up(later, rep, hours=-1)
    follow_up(early, rep, hours=-3)
    callback = claimed(rep, "回电客户", hours_ago=40)
    CallFactory(lead=callback, rep=rep, disposition=dispo["callback"], started_at=timezone.now() - dt.timedelta(hours=5))
    refresh_lead_call_facts([callback.pk])
    fresh_old = claimed(rep, "新客户一", hours_ago=8)
    fresh_new = claimed(rep, "新客户二", hours_ago=2)
    pool = PoolFactory(team=team)
    public = LeadFactory(owner=None, pool=pool, name="公海客户")
    return {"early": early, "later": later, "callback": callback, "fresh": [fresh_old, fresh_new], "public": public}


def test_queue_serves_follow_ups_by_due_time_then_callbacks_then_new_leads_then_the_pool(rep, world):
    order = []
    item = queue.current_item(actor=rep)
    while item.lead is not None and len(order) < 10:
        order.append((item.lead.name, item.kind))
        item = queue.next_item(actor=rep, done_lead_id=item.lead.pk)
    assert order == [
        ("早到期", "follow_up"), ("晚到期", "follow_up"), ("回电客户", "callback"),
        ("新客户一", "fresh"), ("新客户二", "fresh"), ("公海客户", "pool"),
    ]
    world["public"].refresh_from_db()
    assert world["public"].owner == rep  # handed out by the pool rules (next lead)
    assert "No lead is available" in item.problem


def test_among_due_follow_ups_fewer_attempts_come_first_and_a_tried_one_goes_last(rep, dispo):
    same_due = timezone.now() - dt.timedelta(hours=2)
    tried_twice, fresh_try, never = (claimed(rep, n) for n in ("试过两次", "少尝试", "未尝试"))
    for lead in (tried_twice, fresh_try, never):
        follow_up(lead, rep, hours=-2)
        FollowUp.objects.filter(lead=lead).update(due_at=same_due)
    for _ in range(2):
        log_call(actor=rep, lead_id=tried_twice.pk, disposition_id=dispo["no_answer"].pk)
    names = [f.lead.name for f in queue.due_follow_ups(rep, now=timezone.now()).select_related("lead")]
    assert names[-1] == "试过两次" and set(names[:2]) == {"少尝试", "未尝试"}


def test_the_place_in_the_queue_survives_a_reload_and_another_device(client, django_user_model, rep, world):
    client.force_login(rep)
    first = client.get("/calls/queue/").content.decode()
    assert "早到期" in first
    client.post(f"/calls/queue/{world['early'].pk}/skip/", {"reason": "later"}, **HX)
    assert "晚到期" in client.get("/calls/queue/").content.decode()  # a reload continues there
    from django.test import Client

    phone = Client()
    phone.force_login(rep)
    html = phone.get("/calls/queue/").content.decode()
    assert f'data-lead="{world["later"].pk}"' in html  # so does another device
    assert QueueState.objects.get(rep=rep).current_lead == world["later"]


def test_save_and_next_logs_the_call_and_answers_the_next_customer(client, rep, world, dispo):
    client.force_login(rep)
    client.get("/calls/queue/")
    response = client.post(
        f"/calls/queue/{world['early'].pk}/log/",
        {"disposition": dispo["reached"].pk, "notes": "想要报价", "new_grade": "B", "next_follow_up_at": "+1d",
         "duration": "1:10"}, **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Trigger"] == "call-logged"
    assert f'data-lead="{world["later"].pk}"' in html  # the next customer
    assert "Logged 早到期" in html and "grade B" in html
    early = world["early"]
    early.refresh_from_db()
    assert early.grade == "B" and early.next_follow_up_at > timezone.now()
    f = FollowUp.objects.get(lead=early, done_at__isnull=True)
    assert f.purpose == "想要报价"  # the note says what the follow-up is for
    assert Call.objects.get(lead=early).duration_seconds == 70


def test_a_refused_call_keeps_the_customer_on_screen_with_the_message(client, rep, world, dispo):
    client.force_login(rep)
    client.get("/calls/queue/")
    html = client.post(f"/calls/queue/{world['early'].pk}/log/", {"disposition": dispo["sold"].pk}, **HX).content.decode()
    assert "A sale needs the premium" in html and f'data-lead="{world["early"].pk}"' in html
    assert not Call.objects.filter(lead=world["early"]).exists()


def test_skip_records_the_reason_and_a_made_up_reason_is_a_400(client, rep, world):
    client.force_login(rep)
    client.get("/calls/queue/")
    bad = client.post(f"/calls/queue/{world['early'].pk}/skip/", {"reason": "bored"}, **HX)
    assert bad.status_code == 400 and "reason" in bad.content.decode()
    html = client.post(f"/calls/queue/{world['early'].pk}/skip/", {"reason": "other", "note": "客户出差"},
                       **HX).content.decode()
    assert "晚到期" in html
    assert QueueSkip.objects.get(rep=rep, lead=world["early"]).reason.endswith("客户出差")


def test_pause_keeps_the_customer_and_resume_returns_to_it(client, rep, world):
    client.force_login(rep)
    client.get("/calls/queue/")
    paused = client.post("/calls/queue/pause/", {"paused": "1"}, **HX).content.decode()
    assert 'id="queue-paused"' in paused
    assert 'id="queue-paused"' in client.get("/calls/queue/").content.decode()  # still paused after a reload
    resumed = client.post("/calls/queue/pause/", {"paused": "0"}, **HX).content.decode()
    assert f'data-lead="{world["early"].pk}"' in resumed
    assert client.post("/calls/queue/pause/", {"paused": "maybe"}, **HX).status_code == 400


def test_an_empty_queue_offers_the_pool_and_takes_a_lead_on_request(client, rep, team):
    public = LeadFactory(owner=None, pool=PoolFactory(team=team), name="公海客户")
    client.force_login(rep)
    assert 'id="queue-empty"' in client.get("/calls/queue/").content.decode()
    public.refresh_from_db()
    assert public.owner is None  # looking never claims
    html = client.post("/calls/queue/next/", **HX).content.decode()
    public.refresh_from_db()
    assert public.owner == rep and f'data-lead="{public.pk}"' in html


def test_the_queue_shows_a_tel_link_to_the_owner_and_the_teams_dialer_when_set(client, rep, world, team):
    client.force_login(rep)
    phone = world["early"].phone
    assert f'href="tel:{phone}"' in client.get("/calls/queue/").content.decode()
    team.dialer_url_template = "https://dialer.example/call?n={e164}"
    team.save()
    html = client.get("/calls/queue/").content.decode()
    assert 'href="https://dialer.example/call?n=%2B' in html and 'target="dialer"' in html


def test_the_one_statement_scan_agrees_with_the_portable_querysets(rep, world, dispo, team):
    """The PostgreSQL statement behind every step of the queue and the ORM querysets (SQLite)
    give the same heads and sizes: team callbacks on the rep's leads and on pool leads, another
    rep's follow-ups, a number on the do-not-call list, a lead tried since its follow-up, and
    the leads handled so far."""
    from django.db import connection

    from leads.models import DoNotCallNumber
    from tests.factories import UserFactory

    if connection.vendor != "postgresql":
        pytest.skip("the statement is PostgreSQL's; elsewhere the querysets are all there is")
    other = UserFactory(team=team)
    team_cb = claimed(rep, "团队回访", hours_ago=20)
    FollowUp.objects.create(lead=team_cb, assigned_to=None, team=team, due_at=timezone.now() - dt.timedelta(hours=4),
                            purpose="team", created_by=other)
    FollowUp.objects.create(lead=world["public"], assigned_to=None, team=team,
                            due_at=timezone.now() - dt.timedelta(hours=6), purpose="pool", created_by=other)
    follow_up(claimed(other, "别人的"), other, hours=-5)
    listed = claimed(rep, "勿扰号码", hours_ago=50)
    follow_up(listed, rep, hours=-7)
    DoNotCallNumber.objects.create(phone=listed.phone)
    log_call(actor=rep, lead_id=world["later"].pk, disposition_id=dispo["no_answer"].pk)
    follow_up(world["later"], rep, hours=-9)  # a second open follow-up on one lead
    now = timezone.now()
    handled: list[int] = []
    for lead in [None, world["early"], team_cb, world["callback"], world["fresh"][0]]:
        if lead is not None:
            handled.append(lead.pk)
        fast, portable = queue.scan(rep, handled, now), queue.scan(rep, handled, now, portable=True)
        assert (fast.heads, fast.left) == (portable.heads, portable.left), handled
    assert queue.scan(rep, [], now).left["follow_ups"] == 4  # early, later (once), team callback, pool lead


@pytest.mark.parametrize("many", [False, True])
def test_queue_page_and_save_and_next_make_a_constant_number_of_queries(
        client, rep, world, dispo, many, django_assert_num_queries):
    if many:
        for lead in [world["early"], world["later"], *world["fresh"]]:
            for _ in range(12):
                CallFactory(lead=lead, rep=rep, disposition=dispo["busy"],
                            started_at=timezone.now() - dt.timedelta(days=3))
        for i in range(20):
            claimed(rep, f"更多{i}", hours_ago=1)
    client.force_login(rep)
    client.get("/calls/queue/")
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        assert client.get("/calls/queue/").status_code == 200
    body = {"disposition": dispo["no_answer"].pk}
    with django_assert_num_queries(SAVE_AND_NEXT_QUERIES):
        assert client.post(f"/calls/queue/{world['early'].pk}/log/", body, **HX).status_code == 200


# On SQLite the portable twins run: the queue's parts are read by querysets one by one
# (calls/queue_scan.py reads them in one statement on PostgreSQL), and so are the lead's facts.
PORTABLE = connection.vendor != "postgresql"
QUEUE_PAGE_QUERIES = 13 + 5 * PORTABLE  # + the lead's score (scoring)
SAVE_AND_NEXT_QUERIES = 26 + 8 * PORTABLE  # + the lead's score; + the webhook endpoints (cached between requests, cold here)
