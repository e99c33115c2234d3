"""The incremental lead-facts update (calls.lead_facts.add_calls_to_lead_facts, run by the dialer
sync and by logging a call) leaves every lead with the same call facts as a full recompute from
all its calls, whatever the order the calls arrive in: late calls, ties, re-sent and edited calls,
on the PostgreSQL statement and on its portable twin."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calls.lead_facts import FACT_FIELDS, add_calls_to_lead_facts, refresh_lead_call_facts
from calls.models import Call, FollowUp
from calls.sync import sync_calls
from leads.models import Lead
from tests.factories import LeadFactory, PoolFactory

pytestmark = pytest.mark.django_db

NOW = "2026-03-12T02:00:00+00:00"
BASE = dt.datetime(2026, 3, 10, 1, 0, tzinfo=dt.UTC)
DISPOSITIONS = ["no_answer", "busy", "wrong_person", "reached", "quoted", "sold", "refused", "callback"]

call = st.fixed_dictionaries({
    "external_id": st.sampled_from([f"x{i}" for i in range(10)]),
    "lead": st.integers(0, 1),
    "minute": st.integers(0, 12),  # few distinct times: late calls and ties are common
    "channel": st.sampled_from(["phone", "phone", "sms", "visit"]),
    "duration_seconds": st.sampled_from([0, 50, 90]),
    "disposition": st.sampled_from(DISPOSITIONS),
})
# A step sends new calls, or (an integer) sends an earlier step's calls again.
steps = st.lists(st.one_of(st.lists(call, min_size=1, max_size=6), st.integers(0, 4)), min_size=1, max_size=5)


def rows_for(batch, leads):
    rows = []
    for c in batch:
        row = {"source": "dialer", "external_id": c["external_id"], "lead_id": leads[c["lead"]].pk,
               "started_at": (BASE + dt.timedelta(minutes=c["minute"])).isoformat(), "channel": c["channel"],
               "duration_seconds": c["duration_seconds"], "disposition": c["disposition"]}
        if c["disposition"] == "sold":
            row.update(premium="800", margin_rate="0.2")
        rows.append(row)
    return rows


def facts(leads):
    return {lead.pk: list(Lead.objects.filter(pk=lead.pk).values_list(*FACT_FIELDS).get()) for lead in leads}


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=steps, portable=st.booleans())
def test_incremental_facts_equal_a_full_recompute(admin_user, rep, dispo, plan, portable):
    with transaction.atomic(), time_machine.travel(NOW, tick=False):
        # One lead in a pool with its own real-contact threshold, one in none (the default 60 s).
        leads = [LeadFactory(owner=rep, pool=PoolFactory(real_contact_min_seconds=45)), LeadFactory(owner=rep)]
        for lead in leads:
            FollowUp.objects.create(lead=lead, assigned_to=rep, due_at=BASE + dt.timedelta(minutes=5))
        refresh_lead_call_facts([lead.pk for lead in leads])
        sent = []
        for step in plan:
            batch = sent[step % len(sent)] if isinstance(step, int) and sent else step
            if isinstance(batch, int):
                continue
            sent.append(batch)
            sync_calls(actor=admin_user, rows=rows_for(batch, leads), portable=portable)
            incremental = facts(leads)
            refresh_lead_call_facts([lead.pk for lead in leads])
            assert incremental == facts(leads), (plan, batch)
        transaction.set_rollback(True)


def test_a_late_reach_recounts_the_unanswered_attempts_after_it(rep, dispo, both_paths):
    """Three unanswered calls, then a reach that happened between the first and the second:
    two attempts remain unanswered, and the last contact stays the latest call."""
    lead = LeadFactory(owner=rep)

    def run(portable):
        for minute in (0, 10, 20):
            call = Call.objects.create(lead=lead, rep=rep, started_at=BASE + dt.timedelta(minutes=minute),
                                       disposition=dispo["no_answer"])
            add_calls_to_lead_facts([call.pk], portable=portable)
        late = Call.objects.create(lead=lead, rep=rep, started_at=BASE + dt.timedelta(minutes=5), duration_seconds=30,
                                   disposition=dispo["quoted"])
        add_calls_to_lead_facts([late.pk], portable=portable)
        lead.refresh_from_db()
        return lead.unanswered_attempts, lead.last_contacted_at, lead.last_real_contact_at, lead.has_open_quote

    fast, slow = both_paths(run)
    assert fast == slow == (2, BASE + dt.timedelta(minutes=20), BASE + dt.timedelta(minutes=5), True)
