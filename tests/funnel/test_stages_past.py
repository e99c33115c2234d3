"""Stage conversion of a period that ended in the past (funnel.selectors.stages_past): read from
the funnel as of the period's end (on PostgreSQL the nearest snapshot plus the leads changed since)
and the period's own grade changes, it equals a from-scratch computation of the definition over
every lead's whole history, on random histories with take-overs, releases, snapshots and rows
that arrive after the snapshots dated before them. On PostgreSQL the fast path and the portable
statement are both checked; on SQLite the portable one."""

import datetime as dt
from collections import defaultdict

import pytest
import time_machine
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel import services
from funnel.domain import GRADES
from funnel.selectors import Scope, as_of_moment, stage_leads, stage_stats_by_owner, sum_stats
from funnel.selectors.sql import RANK, WON_RANK
from leads.models import GradeChange, Lead, OwnershipEvent
from telesales.days import local_day
from tests.factories import T0, UserFactory, build_owned, day, owned_histories

pytestmark = pytest.mark.django_db

NOW = T0 + dt.timedelta(days=30)
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _rank(change) -> int:
    if change.to_status == "won":
        return WON_RANK
    return RANK.get(change.to_grade, -1) if change.to_status == "active" else -1


def _owner_at(lead, changes, events, moment):
    """Whoever held the lead at `moment`: its last ownership event up to then, else the owner on
    its last grade change up to then, else the previous owner on its next event, else its owner."""
    before = [e for e in events if e.at <= moment]
    if before:
        return before[-1].to_owner_id
    graded = [c for c in changes if c.changed_at <= moment]
    if graded:
        return graded[-1].owner_id
    after = [e for e in events if e.at > moment]
    return after[0].from_owner_id if after else lead.owner_id


def from_scratch(owner_ids, start, end):
    """The definition, lead by lead over the whole history: {owner: (at, reached, bc_at, bc_to_a)}."""
    changes, events = defaultdict(list), defaultdict(list)
    for c in GradeChange.objects.order_by("changed_at", "id"):
        changes[c.lead_id].append(c)
    for e in OwnershipEvent.objects.order_by("at", "id"):
        events[e.lead_id].append(e)
    out = defaultdict(lambda: [dict.fromkeys(GRADES, 0), dict.fromkeys(GRADES, 0), 0, 0])
    for lead in Lead.objects.filter(created_at__lte=end):
        history = changes[lead.pk]
        inside = [c for c in history if start <= c.changed_at <= end]
        if inside:  # graded in the period: for the owner of its last change in it
            owner = inside[-1].owner_id
            first = "E" if lead.created_at >= start else inside[0].from_grade
            was_at = {first} | {c.to_grade for c in inside if c.to_status == "active"}
            top = max(_rank(c) for c in inside)
        else:  # at its grade at the end all period, for whoever held it then
            last = [c for c in history if c.changed_at <= end]
            grade, status = (last[-1].to_grade, last[-1].to_status) if last else ("E", "active")
            if status != "active":
                continue
            owner, was_at, top = _owner_at(lead, history, events[lead.pk], end), {grade}, RANK[grade]
        if owner is None or (owner_ids is not None and owner not in owner_ids):
            continue
        row = out[owner]
        for g in GRADES:
            if g in was_at:
                row[0][g] += 1
                row[1][g] += top > RANK[g]
        if was_at & {"B", "C"}:
            row[2] += 1
            row[3] += top >= RANK["A"]
    return {o: tuple(v) for o, v in out.items() if v[0] != dict.fromkeys(GRADES, 0) or v[2]}


def as_tuples(stats):
    return {o: (s.at, s.reached, s.bc_at, s.bc_to_a) for o, s in stats.items()
            if s.at != dict.fromkeys(GRADES, 0) or s.bc_at}


@SETTINGS
@given(histories=owned_histories, late=owned_histories, snaps=st.lists(st.integers(-2, 24), max_size=4),
       scope=st.sampled_from(["company", "one", "two"]), end_day=st.integers(0, 26), length=st.integers(1, 12),
       midnight=st.booleans())
def test_stage_conversion_of_a_past_period_equals_the_definition_from_scratch(histories, late, snaps, scope,
                                                                             end_day, length, midnight):
    with transaction.atomic(), time_machine.travel(NOW, tick=False):
        reps = UserFactory.create_batch(3)
        build_owned(histories, reps)
        if connection.vendor == "postgresql":
            for n in sorted(set(snaps)):
                services.take_snapshots(days=1, until=local_day(day(n)))
        build_owned(late, reps)  # inserted after the snapshots, dated before some of them
        owner_ids = {"company": None, "one": [reps[0].pk], "two": [reps[0].pk, reps[1].pk]}[scope]
        end = as_of_moment(local_day(day(end_day))) if midnight else day(end_day, hour=13)
        start = end - dt.timedelta(days=length)
        expected = from_scratch(owner_ids, start, end)
        assert as_tuples(stage_stats_by_owner(owner_ids, start, end)) == expected
        if connection.vendor == "postgresql":
            assert as_tuples(stage_stats_by_owner(owner_ids, start, end, portable=True)) == expected
        transaction.set_rollback(True)


@SETTINGS
@given(histories=owned_histories, scope=st.sampled_from(["company", "one", "two"]), end_day=st.integers(0, 14),
       length=st.integers(1, 8))
def test_the_leads_behind_a_past_periods_stage_numbers_are_as_many_as_the_numbers(histories, scope, end_day, length):
    with transaction.atomic(), time_machine.travel(NOW, tick=False):
        reps = UserFactory.create_batch(3)
        build_owned(histories, reps)
        owner_ids = {"company": None, "one": [reps[0].pk], "two": [reps[0].pk, reps[1].pk]}[scope]
        end = as_of_moment(local_day(day(end_day)))
        start = end - dt.timedelta(days=length)
        stats = sum_stats(stage_stats_by_owner(owner_ids, start, end).values())
        subject = Scope(kind=scope, label="", owner_ids=owner_ids)
        for grade in (*GRADES, "BC"):
            at = stage_leads(subject, grade, start, end).count()
            reached = stage_leads(subject, grade, start, end, reached=True).count()
            want = (stats.bc_at, stats.bc_to_a) if grade == "BC" else (stats.at[grade], stats.reached[grade])
            assert (at, reached) == want, grade
        transaction.set_rollback(True)


@time_machine.travel(NOW, tick=False)
def test_a_past_periods_conversion_ignores_what_happened_after_it():
    """D on day 1, C on day 3; then after the period ends (day 5) it is taken over and reaches B.
    Over days 0–5 it was at E (new), D and C, reached D and C, and counts for its grader."""
    rep, other = UserFactory.create_batch(2)
    build_owned([(0, 0, True, [("D", 24), ("C", 48), ("to 1", 72), ("B", 24)])], [rep, other])
    end = as_of_moment(local_day(day(5)))
    stats = stage_stats_by_owner(None, end - dt.timedelta(days=6), end)
    assert set(stats) == {rep.pk}
    assert stats[rep.pk].at == {"E": 1, "D": 1, "C": 1, "B": 0, "A": 0}
    assert stats[rep.pk].reached == {"E": 1, "D": 1, "C": 0, "B": 0, "A": 0}


@time_machine.travel(NOW, tick=False)
def test_a_lead_graded_in_a_past_period_counts_for_its_grader_though_taken_over_later_in_it():
    """Graded D by rep 0 on day 1, taken over by rep 1 on day 2: over days 0–5 it is rep 0's
    (at E and D, reached D); rep 1, who holds it at the end, had nothing at D in the period."""
    rep, other = UserFactory.create_batch(2)
    build_owned([(0, 0, True, [("D", 24), ("to 1", 24)])], [rep, other])
    end = as_of_moment(local_day(day(5)))
    for portable in (False, True):
        stats = stage_stats_by_owner([rep.pk, other.pk], end - dt.timedelta(days=6), end, portable=portable)
        assert (stats[rep.pk].at["D"], stats[rep.pk].reached["E"]) == (1, 1)
        assert stats[other.pk].at["D"] == 0
