import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from calls.models import Call
from tests.factories import AdminFactory, LeadFactory

pytestmark = pytest.mark.django_db
MASTER = Path(__file__).parent / "data" / "Master.csv"


@pytest.fixture
def customers(rep, dispo):
    return LeadFactory(owner=rep, phone="+8613912345678"), LeadFactory(owner=rep, phone="+8613800138000")


def test_asterisk_master_csv_becomes_calls_matched_by_dialled_number(customers, capsys):
    AdminFactory(username="root")
    call_command("import_cdr", str(MASTER), "--source", "asterisk")
    out = capsys.readouterr().out
    assert "created=3" in out and "error=2" in out  # unknown customer and an invalid number
    answered = Call.objects.get(external_id="1773108902.1")
    assert answered.lead == customers[0] and answered.source == "asterisk"
    assert answered.duration_seconds == 188 and answered.disposition.code == "reached"
    assert answered.started_at == dt.datetime(2026, 3, 10, 10, 15, 2, tzinfo=timezone.get_current_timezone())
    assert [c.disposition.code for c in Call.objects.filter(lead=customers[1]).order_by("started_at")] == [
        "no_answer", "busy"]


def test_importing_the_same_file_twice_changes_nothing(customers, capsys):
    AdminFactory(username="root")
    call_command("import_cdr", str(MASTER))
    call_command("import_cdr", str(MASTER))
    assert "unchanged=3" in capsys.readouterr().out.splitlines()[-3]
    assert Call.objects.count() == 3


def test_admin_uploads_a_cdr_file(client, customers):
    client.force_login(AdminFactory(username="root"))
    assert client.get("/admin/calls/call/import-cdr/").status_code == 200
    with MASTER.open("rb") as fh:
        response = client.post("/admin/calls/call/import-cdr/", {"file": fh, "source": "pbx1"})
    assert "created: 3" in response.content.decode()
    assert Call.objects.filter(source="pbx1").count() == 3


def test_admin_edit_of_a_call_marks_old_and_new_rep_days(client, rep, dispo):
    from calls.models import DirtyRepDay
    from calls.services import log_call

    lead = LeadFactory(owner=rep)
    call = log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["busy"].pk)
    DirtyRepDay.objects.all().delete()
    admin = AdminFactory(username="root")
    client.force_login(admin)
    old_day = timezone.localtime(call.started_at).date()
    new_start = timezone.localtime(call.started_at) - dt.timedelta(days=2)
    response = client.post(f"/admin/calls/call/{call.pk}/change/", {
        "lead": lead.pk, "rep": rep.pk, "channel": "phone", "started_at_0": new_start.strftime("%Y-%m-%d"),
        "started_at_1": new_start.strftime("%H:%M:%S"), "duration_seconds": 10, "disposition": dispo["busy"].pk,
        "notes": "", "recording_url": "", "source": "web", "external_id": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(DirtyRepDay.objects.values_list("day", flat=True)) == {old_day, new_start.date()}
