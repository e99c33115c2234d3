"""Re-sent dialer rows: the one-statement recognition of unchanged rows (PostgreSQL) answers what
reading every row answers (the portable path), also after the stored call, its lead, its rep or
its disposition changed in between."""

import pytest
from django.db import connection

from calls.models import Call, Disposition
from calls.sync import SyncContext, sync_calls
from calls.sync_unchanged import row_digest, unchanged_rows
from leads.models import Lead
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

T0 = "2026-03-10T10:15:00+08:00"


def rows_for(leads, rep=None):
    out = []
    for i, lead in enumerate(leads):
        row = {"source": "asterisk", "external_id": f"cdr-{i}", "lead_id": lead.pk, "started_at": T0,
               "duration_seconds": 30 + i, "disposition": "no_answer", "notes": f"第{i}次"}
        if rep is not None and i % 2:
            row["rep_id"] = rep.pk
        out.append(row)
    return out


def edit_call(ctx):  # an admin edit through the ORM: the trigger clears the digest
    call = Call.objects.get(external_id="cdr-0")
    call.notes = "edited by hand"
    call.save()


def new_owner(ctx):  # the lead of a row without rep_id changed hands: the rep follows the owner
    Lead.objects.filter(pk=ctx["leads"][0].pk).update(owner=ctx["teammate"])


def rep_left(ctx):
    ctx["rep"].is_active = False
    ctx["rep"].save()


def disposition_retired(ctx):
    Disposition.objects.filter(code="no_answer").update(active=False)


def nothing(ctx):
    pass


@pytest.mark.parametrize("change", [nothing, edit_call, new_owner, rep_left, disposition_retired])
@pytest.mark.parametrize("as_manager", [False, True])
def test_a_resend_answers_the_same_on_both_paths(both_paths, admin_user, manager, rep, teammate, dispo, change,
                                                 as_manager):
    actor = manager if as_manager else admin_user
    leads = [LeadFactory(owner=rep) for _ in range(4)]
    rows = rows_for(leads, rep) + [{**rows_for(leads)[1], "notes": "twice"}]  # a key sent twice
    sync_calls(actor=actor, rows=rows[:4])
    change({"leads": leads, "rep": rep, "teammate": teammate})

    def resend(portable):
        results = sync_calls(actor=actor, rows=rows, portable=portable)
        stored = sorted(Call.objects.values_list("external_id", "rep__username", "notes", "lead__phone"))
        return [(r["status"], r["code"], r["reason"], r["id"]) for r in results], stored

    fast, portable = both_paths(resend)
    assert fast == portable


def test_a_call_edited_by_hand_is_restored_by_the_resend(admin_user, rep, dispo):
    """Before the trigger the edited call was answered 'unchanged' and kept the hand edit."""
    leads = [LeadFactory(owner=rep)]
    rows = rows_for(leads)
    one_statement = connection.vendor == "postgresql"  # elsewhere every row takes the full path
    if one_statement:
        assert unchanged_rows(SyncContext(admin_user), rows, [row_digest(r) for r in rows]) == ({}, {0})  # new key
    sync_calls(actor=admin_user, rows=rows)
    ctx, digests = SyncContext(admin_user), [row_digest(r) for r in rows]
    if one_statement:
        assert unchanged_rows(ctx, rows, digests) == ({0: Call.objects.get().pk}, set())
    edit_call({})
    if one_statement:
        assert unchanged_rows(ctx, rows, digests) == ({}, set())
    [result] = sync_calls(actor=admin_user, rows=rows_for(leads))
    assert result["status"] == "updated"
    assert Call.objects.get(external_id="cdr-0").notes == "第0次"
    [again] = sync_calls(actor=admin_user, rows=rows_for(leads))
    assert again["status"] == "unchanged"
