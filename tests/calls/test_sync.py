import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from calls.models import Call, DirtyRepDay, FollowUp
from calls.services import schedule_follow_up
from calls.sync import sync_calls
from leads.models import LeadStatus
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = "2026-03-10T10:15:00+08:00"


def row(lead, n, **extra):
    base = {"source": "asterisk", "external_id": f"cdr-{n}", "lead_id": lead.pk, "started_at": T0,
            "duration_seconds": 30 + n, "disposition": "no_answer"}
    return {**base, **extra}


@pytest.fixture
def leads(rep, dispo):
    return [LeadFactory(owner=rep) for _ in range(3)]


def test_same_batch_twice_creates_once_then_changes_nothing(api, admin_user, leads):
    batch = {"calls": [row(lead, i) for i, lead in enumerate(leads)]}
    first = api.as_user(admin_user).post("/api/v1/calls/sync", batch, format="json").json()
    assert first["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "error": 0}
    stamps = list(Call.objects.order_by("id").values_list("updated_at", flat=True))
    second = api.post("/api/v1/calls/sync", batch, format="json").json()
    assert second["counts"] == {"created": 0, "updated": 0, "unchanged": 3, "error": 0}
    assert [r["id"] for r in second["results"]] == [r["id"] for r in first["results"]]
    assert list(Call.objects.order_by("id").values_list("updated_at", flat=True)) == stamps


def test_changed_record_is_updated_in_place_and_marks_old_and_new_days(admin_user, rep, leads):
    sync_calls(actor=admin_user, rows=[row(leads[0], 1)])
    DirtyRepDay.objects.all().delete()
    result = sync_calls(actor=admin_user, rows=[row(leads[0], 1, started_at="2026-03-12T11:00:00+08:00",
                                                   disposition="reached", duration_seconds=200)])
    assert result[0]["status"] == "updated"
    call = Call.objects.get()
    assert call.disposition.code == "reached" and call.duration_seconds == 200
    assert set(DirtyRepDay.objects.values_list("day", flat=True)) == {dt.date(2026, 3, 10), dt.date(2026, 3, 12)}
    leads[0].refresh_from_db()
    assert leads[0].last_real_contact_at == call.started_at and leads[0].unanswered_attempts == 0


def test_bad_rows_get_their_own_reason_and_never_block_good_ones(admin_user, leads):
    rows = [
        row(leads[0], 1),
        {"source": "asterisk", "external_id": "x2", "started_at": T0, "disposition": "no_answer"},
        row(leads[1], 3, disposition="teleported"),
        row(leads[1], 4, started_at="yesterday"),
        row(leads[1], 5, disposition="sold"),
        row(leads[2], 1),  # duplicate key of row 0
        "not an object",
        row(leads[2], 6, lead_id=999999),
        row(leads[2], 7, duration_seconds=-5),
        row(leads[2], 8, disposition="sold", premium="8800", margin_rate="0.25"),
    ]
    results = sync_calls(actor=admin_user, rows=rows)
    statuses = [r["status"] for r in results]
    assert statuses == ["created", "error", "error", "error", "error", "error", "error", "error", "error", "created"]
    reasons = [r["reason"] for r in results]
    assert "lead_id or phone" in reasons[1] and "teleported" in reasons[2] and "ISO 8601" in reasons[3]
    assert "premium" in reasons[4] and "Duplicate of row 0" in reasons[5] and "object" in reasons[6]
    assert "999999" in reasons[7] and "between 0" in reasons[8]
    sale = Call.objects.get(external_id="cdr-8")
    assert sale.premium == Decimal("8800.00")
    leads[2].refresh_from_db()
    assert leads[2].status == LeadStatus.WON


def test_lead_is_matched_by_normalized_phone(admin_user, rep, dispo):
    lead = LeadFactory(owner=rep, phone="+8613912345678")
    results = sync_calls(actor=admin_user, rows=[
        {"source": "d", "external_id": "1", "phone": "139 1234 5678", "started_at": T0, "disposition": "busy"},
        {"source": "d", "external_id": "2", "phone": "+86 139-1234-5678", "started_at": T0, "disposition": "busy"},
        {"source": "d", "external_id": "3", "phone": "13900000000", "started_at": T0, "disposition": "busy"},
    ])
    assert [r["status"] for r in results] == ["created", "created", "error"]
    assert Call.objects.filter(lead=lead).count() == 2 and Call.objects.filter(lead=lead).first().rep == rep


def test_new_calls_on_a_do_not_call_lead_are_refused(admin_user, rep, dispo):
    lead = LeadFactory(owner=rep, status=LeadStatus.DNC)
    result = sync_calls(actor=admin_user, rows=[row(lead, 1)])
    assert result[0]["status"] == "error" and "do-not-call" in result[0]["reason"]


def test_a_rep_token_syncs_only_its_own_leads(rep, teammate, leads):
    foreign = LeadFactory(owner=teammate)
    results = sync_calls(actor=rep, rows=[row(leads[0], 1), row(foreign, 2), row(leads[0], 3, rep_id=teammate.pk)])
    assert [r["status"] for r in results] == ["created", "error", "error"]


def test_manager_syncs_for_the_team_but_not_other_teams(manager, leads, other_team_rep):
    foreign = LeadFactory(owner=other_team_rep)
    results = sync_calls(actor=manager, rows=[row(leads[0], 1), row(foreign, 2)])
    assert [r["status"] for r in results] == ["created", "error"]


def test_reached_call_from_the_dialer_completes_open_follow_ups(admin_user, rep, leads):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC)):
        schedule_follow_up(actor=rep, lead_id=leads[0].pk, due_at=dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC))
    sync_calls(actor=admin_user, rows=[row(leads[0], 1, disposition="reached")])
    assert not FollowUp.objects.filter(done_at__isnull=True).exists()
    leads[0].refresh_from_db()
    assert leads[0].next_follow_up_at is None


def test_batch_over_the_limit_is_refused(api, admin_user):
    response = api.as_user(admin_user).post("/api/v1/calls/sync", {"calls": [{}] * 5001}, format="json")
    assert response.status_code == 400 and "5000" in response.json()["error"]["message"]


def test_pull_changes_with_updated_since_cursor_in_order(api, admin_user, rep, leads):
    sync_calls(actor=admin_user, rows=[row(lead, i) for i, lead in enumerate(leads)])
    client = api.as_user(rep)
    page = client.get("/api/v1/calls/", {"updated_since": "2020-01-01T00:00:00Z", "page_size": 2}).json()
    ids = [c["id"] for c in page["results"]]
    page2 = client.get(page["next"]).json()
    ids += [c["id"] for c in page2["results"]]
    assert ids == sorted(Call.objects.values_list("id", flat=True)) and page2["next"] is None
    assert client.get("/api/v1/calls/", {"disposition": "reached"}).json()["results"] == []


def test_calls_list_is_scoped_by_role(api, rep, teammate, other_team_rep, manager, leads, admin_user):
    other = LeadFactory(owner=other_team_rep)
    sync_calls(actor=admin_user, rows=[row(leads[0], 1), row(other, 2), row(LeadFactory(owner=teammate), 3)])
    assert len(api.as_user(rep).get("/api/v1/calls/").json()["results"]) == 1
    assert len(api.as_user(manager).get("/api/v1/calls/").json()["results"]) == 2
    assert len(api.as_user(admin_user).get("/api/v1/calls/").json()["results"]) == 3


def test_log_one_call_through_the_api(api, rep, leads):
    response = api.as_user(rep).post("/api/v1/calls/", {"lead": leads[0].pk, "disposition": "quoted",
                                                        "quote_amount": "1500", "duration_seconds": 240},
                                     format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["disposition"] == "quoted"
    refused = api.post("/api/v1/calls/", {"lead": LeadFactory(owner=UserFactory()).pk, "disposition": "busy"},
                       format="json")
    assert refused.status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent sessions need PostgreSQL")
def test_concurrent_overlapping_batches_never_duplicate(run_concurrently, dispo):
    from tests.factories import AdminFactory

    admin = AdminFactory()
    owner = UserFactory()
    leads = [LeadFactory(owner=owner) for _ in range(20)]
    rows = [row(leads[i % 20], i) for i in range(600)]
    batches = [rows[0:400], rows[200:600], rows[100:500], rows[::-1]]

    def send(i):
        return sync_calls(actor=admin, rows=batches[i])

    results = run_concurrently(send, 4)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert Call.objects.count() == 600
    created = sum(1 for res in results for r in res if r["status"] == "created")
    assert created == 600
    assert all(r["status"] in ("created", "unchanged") for res in results for r in res)
