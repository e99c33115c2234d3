"""The dialer upsert's PostgreSQL statement (UNNEST arrays, `xmax` tells inserts from updates)
against the portable one (VALUES rows), on the same data: the same per-row results, call rows,
dirty rep-days and lead consequences (won, do-not-call, call facts)."""

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calls.lead_facts import FACT_FIELDS
from calls.models import Call, DirtyRepDay, FollowUp
from calls.sync import sync_calls
from leads.models import DoNotCallNumber, GradeChange, Lead
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

NOW = "2026-03-12T02:00:00+00:00"
TIMES = ["2026-03-10T10:15:00+08:00", "2026-03-11T09:00:00+08:00"]
DISPOSITIONS = ["no_answer", "reached", "sold", "dnc", "teleported"]

calls = st.lists(
    st.fixed_dictionaries({
        "external_id": st.sampled_from(["a", "b", "c", "d"]),
        "lead": st.integers(0, 2),
        "started_at": st.sampled_from(TIMES),
        "duration_seconds": st.sampled_from([0, 45, 90]),
        "disposition": st.sampled_from(DISPOSITIONS),
        "notes": st.sampled_from(["", "回电 later"]),
    }),
    max_size=8,
)


def as_rows(batch, leads):
    rows = []
    for c in batch:
        row = {**c, "source": "asterisk", "lead_id": leads[c["lead"]].pk}
        del row["lead"]
        if c["disposition"] == "sold":
            row.update(premium="1200.50", margin_rate="0.2")
        rows.append(row)
    return rows


def state(leads) -> dict:
    phone = {lead.pk: lead.phone for lead in leads}
    return {
        "calls": sorted(
            (c["source"], c["external_id"], phone[c["lead_id"]], c["started_at"], c["duration_seconds"],
             c["disposition__code"], c["premium"], c["margin_rate"], c["notes"], c["updated_at"])
            for c in Call.objects.values("source", "external_id", "lead_id", "started_at", "duration_seconds",
                                         "disposition__code", "premium", "margin_rate", "notes", "updated_at")
        ),
        "leads": sorted(Lead.objects.filter(pk__in=phone).values_list(
            "phone", "status", "updated_at", *FACT_FIELDS)),
        "grade_changes": sorted(GradeChange.objects.values_list("lead__phone", "to_status", "changed_at")),
        "dirty": sorted(DirtyRepDay.objects.values_list("rep__username", "day")),
        "follow_ups_done": sorted(FollowUp.objects.filter(done_at__isnull=False).values_list("lead__phone", "done_at")),
        "dnc": sorted(DoNotCallNumber.objects.values_list("phone", flat=True)),
    }


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(before=calls, batch=calls)
def test_the_dialer_upsert_gives_the_same_results_and_rows_on_both_paths(both_paths, admin_user, rep, dispo,
                                                                         before, batch):
    with transaction.atomic(), time_machine.travel(NOW, tick=False):
        leads = [LeadFactory(owner=rep) for _ in range(3)]
        for lead in leads:
            FollowUp.objects.create(lead=lead, assigned_to=rep, due_at="2026-03-09T09:00:00+08:00")
        sync_calls(actor=admin_user, rows=as_rows(before, leads))
        existing = dict(Call.objects.values_list("id", "external_id"))

        def sync(portable):
            results = sync_calls(actor=admin_user, rows=as_rows(batch, leads), portable=portable)
            # A new call's id differs between the runs; an existing one's must not.
            answered = [(r["external_id"], r["status"], r["reason"], existing.get(r["id"], r["id"] is not None))
                        for r in results]
            return answered, state(leads)

        fast, portable = both_paths(sync)
        transaction.set_rollback(True)  # the next example starts from no data
    assert fast == portable
