"""A sale from the dialer goes through the grading service: the same history as a sale logged on the page."""

import datetime as dt

import pytest
import time_machine

from calls.sync import sync_calls
from leads.models import Grade, GradeChange, LeadStatus
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

SOLD_AT = dt.datetime(2026, 3, 10, 2, 15, tzinfo=dt.UTC)


def history(lead):
    lead.refresh_from_db()
    changes = [(c.from_grade, c.to_grade, c.to_status, c.changed_by_id, c.owner_id, c.changed_at, c.call.premium)
               for c in GradeChange.objects.filter(lead=lead).select_related("call")]
    return changes, (lead.status, lead.grade, lead.grade_changed_at)


def test_a_synced_sale_writes_the_same_grade_history_as_a_sale_logged_on_the_page(client, rep, dispo):
    on_page, synced = LeadFactory(owner=rep, grade=Grade.B), LeadFactory(owner=rep, grade=Grade.B)
    client.force_login(rep)
    with time_machine.travel(SOLD_AT, tick=False):
        client.post(f"/calls/lead/{on_page.pk}/log/", {"disposition": dispo["sold"].pk, "duration": "300",
                                                      "channel": "phone", "premium": "8800", "margin_rate": "0.25"})
    # The dialer delivers the record an hour later.
    with time_machine.travel(SOLD_AT + dt.timedelta(hours=1), tick=False):
        result = sync_calls(actor=rep, rows=[{
            "source": "asterisk", "external_id": "sale-1", "lead_id": synced.pk, "started_at": SOLD_AT.isoformat(),
            "duration_seconds": 300, "disposition": "sold", "premium": "8800", "margin_rate": "0.25",
        }])
    assert result[0]["status"] == "created"
    page_history, synced_history = history(on_page), history(synced)
    assert page_history == synced_history
    assert synced_history[1] == (LeadStatus.WON, Grade.B, SOLD_AT)
    assert len(synced_history[0]) == 1


def test_the_earliest_sale_in_a_batch_wins_the_lead_once(admin_user, rep, dispo):
    lead = LeadFactory(owner=rep)
    sale = {"source": "d", "lead_id": lead.pk, "disposition": "sold", "premium": "100", "margin_rate": "0.1"}
    sync_calls(actor=admin_user, rows=[{**sale, "external_id": "2", "started_at": "2026-03-11T10:00:00+08:00"},
                                       {**sale, "external_id": "1", "started_at": "2026-03-10T10:00:00+08:00"}])
    sync_calls(actor=admin_user, rows=[{**sale, "external_id": "3", "started_at": "2026-03-12T10:00:00+08:00"}])
    change = GradeChange.objects.get(lead=lead)
    assert change.call.external_id == "1" and change.to_status == LeadStatus.WON
