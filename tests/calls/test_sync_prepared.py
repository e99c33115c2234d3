"""The sync's chunk statement is prepared once per connection (calls/sync_write.py): a dry run
(rolled back) and a real sync on the same connection, by actors with and without a guard, still
answer row by row as before, and the statement is planned once, not per chunk."""

import pytest
from django.db import connection

from calls.models import Call
from calls.sync import sync_calls
from calls.sync_check import dry_run
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

T0 = "2026-03-10T10:15:00+08:00"


def rows(leads, prefix, notes="first"):
    return [{"source": "asterisk", "external_id": f"{prefix}-{i}", "lead_id": lead.pk, "started_at": T0,
             "disposition": "no_answer", "notes": notes} for i, lead in enumerate(leads)]


def prepared() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'calls_sync_%%'")
        return cur.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the prepared statement is PostgreSQL's path")
def test_prepared_statement_survives_a_dry_run_and_serves_every_actor(admin_user, rep, dispo):
    leads = [LeadFactory(owner=rep) for _ in range(3)]
    before = prepared()  # the connection may hold statements of earlier tests
    assert [r["status"] for r in dry_run(actor=rep, rows=rows(leads, "a"))] == ["created"] * 3
    assert not Call.objects.filter(source="asterisk").exists()  # the dry run wrote nothing
    # The statement was prepared inside the rolled-back transaction and is still there.
    assert [r["status"] for r in sync_calls(actor=rep, rows=rows(leads, "a"))] == ["created"] * 3
    with_rep = prepared()
    assert with_rep <= before + 1
    assert [r["status"] for r in sync_calls(actor=rep, rows=rows(leads, "a", notes="edited"))] == ["updated"] * 3
    assert prepared() == with_rep  # the same text is not prepared again
    # An admin's statement has no guard: another text, prepared beside the rep's (or already there).
    assert [r["status"] for r in sync_calls(actor=admin_user, rows=rows(leads, "b"))] == ["created"] * 3
    assert prepared() <= with_rep + 1
    assert Call.objects.filter(source="asterisk").count() == 6
    assert set(Call.objects.filter(external_id__startswith="a-").values_list("notes", flat=True)) == {"edited"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the prepared statement is PostgreSQL's path")
def test_a_new_connection_prepares_the_statement_again(admin_user, rep, dispo):
    lead = LeadFactory(owner=rep)
    sync_calls(actor=admin_user, rows=rows([lead], "c"))
    with connection.cursor() as cur:  # as on a new connection (CONN_MAX_AGE ran out): nothing prepared
        cur.execute("DEALLOCATE ALL")
    connection._calls_sync_prepared = None
    connection._leads_claim_prepared = None  # the claim's statement went too: later tests on this connection claim
    assert sync_calls(actor=admin_user, rows=rows([lead], "d"))[0]["status"] == "created"
    assert Call.objects.filter(source="asterisk").count() == 2
