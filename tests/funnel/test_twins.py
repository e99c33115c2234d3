"""The PostgreSQL-only funnel statements against the portable ones, on random grade histories:
funnel counts as of a past moment and the stage statistics of a period must be equal."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel.selectors import funnel_counts_by_owner, stage_stats_by_owner
from leads.models import GradeChange, Lead
from tests.factories import T0, LeadFactory, UserFactory, day

pytestmark = pytest.mark.django_db

STEPS = ["E", "D", "C", "B", "A", "won", "lost"]
# (created on day, current owner, [(step, hours after the previous change, owner at the change)])
histories = st.lists(
    st.tuples(
        st.integers(0, 6),
        st.sampled_from([0, 1, 2, None]),
        st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 60), st.sampled_from([0, 1, 2])), max_size=5),
    ),
    max_size=12,
)


def build(histories, reps, *, owner_kept=False):
    """Leads with random grade histories. `owner_kept`: a lead with history is still held by the
    owner on its last change (nobody took it over or released it since)."""
    for created_day, owner, steps in histories:
        lead = LeadFactory(owner=reps[owner] if owner is not None else None)
        when, grade, status, changes = day(created_day), "E", "active", []
        for step, hours, at_owner in steps:
            if status != "active":
                break
            when += dt.timedelta(hours=hours)
            new_grade, status = (grade, step) if step in ("won", "lost") else (step, "active")
            changes.append(GradeChange(lead=lead, from_grade=grade, to_grade=new_grade, to_status=status,
                                       owner=reps[at_owner], changed_at=when))
            grade = new_grade
        GradeChange.objects.bulk_create(changes)
        if owner_kept and changes:
            lead.owner = changes[-1].owner
        Lead.objects.filter(pk=lead.pk).update(created_at=day(created_day), grade=grade, status=status,
                                               owner=lead.owner)


TWIN_SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SCOPES = st.sampled_from(["company", "one", "two"])


def compare(both_paths, histories, scope, read, *, owner_kept=False):
    with transaction.atomic(), time_machine.travel(T0 + dt.timedelta(days=30), tick=False):
        reps = UserFactory.create_batch(3)
        build(histories, reps, owner_kept=owner_kept)
        owner_ids = {"company": None, "one": [reps[0].pk], "two": [reps[0].pk, reps[1].pk]}[scope]
        index = {r.pk: i for i, r in enumerate(reps)}
        fast, portable = both_paths(lambda p: {index[k]: v for k, v in read(owner_ids, p).items()})
        transaction.set_rollback(True)  # the next example starts from no data
    return fast, portable


@TWIN_SETTINGS
@given(histories=histories, scope=SCOPES, start=st.integers(0, 8), length=st.integers(1, 6))
def test_stage_statistics_agree_on_both_paths(both_paths, histories, scope, start, length):
    fast, portable = compare(both_paths, histories, scope, lambda owners, p: stage_stats_by_owner(
        owners, day(start), day(start + length), portable=p))
    assert fast == portable


@TWIN_SETTINGS
@given(histories=histories, scope=SCOPES, as_of=st.integers(0, 12))
def test_funnel_counts_as_of_a_past_day_agree_on_both_paths(both_paths, histories, scope, as_of):
    fast, portable = compare(both_paths, histories, scope, lambda owners, p: funnel_counts_by_owner(
        owners, day(as_of, hour=13), portable=p), owner_kept=True)
    assert fast == portable


@pytest.mark.xfail(strict=True, reason=(
    "Known disagreement, not fixed yet: as of a past day, the portable statement counts a lead for the "
    "owner on its last grade change, the PostgreSQL one (which corrects only leads graded since) for "
    "its current owner. Neither reads the ownership history, which is what the owner at that day is."))
def test_funnel_counts_of_a_lead_taken_over_after_its_last_change_agree_on_both_paths(both_paths):
    fast, portable = compare(both_paths, [(0, 1, [("D", 2, 0)])], "company", lambda owners, p: funnel_counts_by_owner(
        owners, day(3), portable=p))
    assert fast == portable
