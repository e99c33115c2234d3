"""The PostgreSQL-only funnel statements against the portable ones, on random grade histories:
funnel counts as of a past moment and the stage statistics of a period must be equal; and the
lists of leads behind the counts (the drill-down) are as long as the counts."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel.selectors import (
    FUNNEL_KEYS,
    STAGE_GRADES,
    Scope,
    funnel_counts_by_owner,
    funnel_leads,
    stage_leads,
    stage_stats_by_owner,
    sum_counts,
    sum_stats,
)
from leads.models import GradeChange, Lead
from tests.factories import STEPS, T0, LeadFactory, UserFactory, build_owned, day, owned_histories

pytestmark = pytest.mark.django_db

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


def compare(both_paths, histories, scope, read, *, builder=build):
    with transaction.atomic(), time_machine.travel(T0 + dt.timedelta(days=30), tick=False):
        reps = UserFactory.create_batch(3)
        builder(histories, reps)
        owner_ids = {"company": None, "one": [reps[0].pk], "two": [reps[0].pk, reps[1].pk]}[scope]
        index = {r.pk: i for i, r in enumerate(reps)}
        fast, portable = both_paths(lambda p: {index[k]: v for k, v in read(owner_ids, p).items()})
        transaction.set_rollback(True)  # the next example starts from no data
    return fast, portable


@TWIN_SETTINGS
@given(histories=owned_histories, scope=SCOPES, start=st.integers(0, 8), length=st.integers(1, 6))
def test_stage_statistics_agree_on_both_paths(both_paths, histories, scope, start, length):
    """A past period starts from the funnel as of its end, whose owner rules need the histories
    the services write (build_owned: the owner on each change and every hand-over recorded)."""
    fast, portable = compare(both_paths, histories, scope, lambda owners, p: stage_stats_by_owner(
        owners, day(start), day(start + length), portable=p), builder=build_owned)
    assert fast == portable


def kept(histories, reps):
    """Leads without ownership history, still held by the owner on their last grade change."""
    build(histories, reps, owner_kept=True)


@TWIN_SETTINGS
@given(histories=histories, scope=SCOPES, as_of=st.integers(0, 12))
def test_funnel_counts_as_of_a_past_day_agree_on_both_paths(both_paths, histories, scope, as_of):
    fast, portable = compare(both_paths, histories, scope, lambda owners, p: funnel_counts_by_owner(
        owners, day(as_of, hour=13), portable=p), builder=kept)
    assert fast == portable


@TWIN_SETTINGS
@given(histories=owned_histories, scope=SCOPES, as_of=st.integers(0, 12))
def test_funnel_counts_of_leads_taken_over_or_released_agree_on_both_paths(both_paths, histories, scope, as_of):
    fast, portable = compare(both_paths, histories, scope, lambda owners, p: funnel_counts_by_owner(
        owners, day(as_of, hour=13), portable=p), builder=build_owned)
    assert fast == portable


@pytest.mark.parametrize("move_day, to, counted_for", [
    (5, "to 1", 0),  # taken over after the day: still the grader's that day
    (2, "to 1", 1),  # taken over before the day: the new holder's
    (5, "release", 0),  # released after the day: still the grader's that day
    (2, "release", None),  # released before the day: nobody's
])
def test_as_of_a_past_day_a_lead_counts_for_whoever_held_it_that_day(both_paths, move_day, to, counted_for):
    """Graded D on day 0 by its creator (rep 0), then taken over or released after that last
    grade change; as of day 3 both statements count it where it was on day 3."""
    history = [(0, 0, True, [("D", 2), (to, move_day * 24 - 2)])]
    fast, portable = compare(both_paths, history, "company", lambda owners, p: funnel_counts_by_owner(
        owners, day(3), portable=p), builder=build_owned)
    expected = {counted_for: 1} if counted_for is not None else {}
    assert {rep: c["D"] for rep, c in fast.items() if c["D"]} == expected
    assert {rep: c["D"] for rep, c in portable.items() if c["D"]} == expected


@TWIN_SETTINGS
@given(histories=owned_histories, scope=st.sampled_from(["company", "one", "two"]), as_of=st.integers(0, 12))
def test_the_leads_listed_are_as_many_as_each_count_on_random_histories(histories, scope, as_of):
    """Random grade histories with take-overs and releases: for every count of the funnel as of a
    past moment (PostgreSQL: the backwards statement), the list (the portable one) is as long."""
    with transaction.atomic(), time_machine.travel(T0 + dt.timedelta(days=30), tick=False):
        reps = UserFactory.create_batch(3)
        build_owned(histories, reps)
        owner_ids = {"company": None, "one": [reps[0].pk], "two": [reps[0].pk, reps[1].pk]}[scope]
        moment = day(as_of, hour=13)
        for when in (moment, None):
            counts = sum_counts(funnel_counts_by_owner(owner_ids, when).values())
            for key in FUNNEL_KEYS:
                listed = funnel_leads(Scope(kind=scope, label="", owner_ids=owner_ids), key, when)
                assert listed.count() == counts[key], (key, when)
        transaction.set_rollback(True)


@TWIN_SETTINGS
@given(histories=owned_histories, scope=st.sampled_from(["company", "one", "two"]), start=st.integers(0, 8),
       length=st.integers(1, 6))
def test_the_stage_lists_are_as_long_as_the_stage_numbers_on_random_histories(histories, scope, start, length):
    with transaction.atomic(), time_machine.travel(T0 + dt.timedelta(days=30), tick=False):
        reps = UserFactory.create_batch(3)
        build_owned(histories, reps)
        owner_ids = {"company": None, "one": [reps[0].pk], "two": [reps[0].pk, reps[1].pk]}[scope]
        first, last = day(start), day(start + length)
        stats = sum_stats(stage_stats_by_owner(owner_ids, first, last).values())
        subject = Scope(kind=scope, label="", owner_ids=owner_ids)
        for grade in STAGE_GRADES:
            at = stage_leads(subject, grade, first, last).count()
            reached = stage_leads(subject, grade, first, last, reached=True).count()
            if grade == "BC":
                assert (at, reached) == (stats.bc_at, stats.bc_to_a)
            else:
                assert (at, reached) == (stats.at[grade], stats.reached[grade]), grade
        transaction.set_rollback(True)
