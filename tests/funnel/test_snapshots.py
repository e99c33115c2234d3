"""Funnel snapshots: the funnel as of a past moment read from the nearest snapshot plus the
leads changed since equals the funnel rebuilt from the whole history (the portable statement),
on PostgreSQL, over random histories, with rows that arrive late (dated before a snapshot); the
job deletes the snapshots late rows made stale and takes them again."""

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel import services
from funnel.models import FunnelSnapshot
from funnel.selectors import as_of_moment, funnel_counts_by_owner
from funnel.selectors import snapshots as snapshot_reads
from leads.models import GradeChange, Lead
from telesales.days import local_day
from tests.factories import T0, LeadFactory, UserFactory, build_owned, day, owned_histories

pytestmark = pytest.mark.django_db

NOW = T0 + dt.timedelta(days=30)
TWIN_SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SCOPES = st.sampled_from(["company", "one", "two"])


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("snapshots are read on PostgreSQL; SQLite rebuilds from the history")


def nonzero(counts):
    return {owner: c for owner, c in counts.items() if any(c.values())}


def snapshot_days(days):
    for n in sorted(set(days)):
        services.take_snapshots(days=1, until=local_day(day(n)))


@TWIN_SETTINGS
@given(histories=owned_histories, late=owned_histories, snaps=st.lists(st.integers(-2, 24), max_size=4),
       scope=SCOPES, as_of=st.integers(-1, 26), midnight=st.booleans())
def test_funnel_from_snapshots_equals_the_funnel_from_the_whole_history(histories, late, snaps, scope, as_of, midnight):
    with transaction.atomic(), time_machine.travel(NOW, tick=False):
        reps = UserFactory.create_batch(3)
        build_owned(histories, reps)
        snapshot_days(snaps)
        build_owned(late, reps)  # inserted after the snapshots, dated before some of them
        owner_ids = {"company": None, "one": [reps[0].pk], "two": [reps[0].pk, reps[1].pk]}[scope]
        moment = as_of_moment(local_day(day(as_of))) if midnight else day(as_of, hour=13)
        from_snapshots = funnel_counts_by_owner(owner_ids, moment)
        from_history = funnel_counts_by_owner(owner_ids, moment, portable=True)
        assert nonzero(from_snapshots) == nonzero(from_history)
        snapshot_days(snaps)  # the job again: drops the stale snapshots and takes them anew
        assert nonzero(funnel_counts_by_owner(owner_ids, moment)) == nonzero(from_history)
        transaction.set_rollback(True)


def _graded_lead(rep, *, created, changes):
    lead = LeadFactory(owner=rep)
    grade = "E"
    for to_grade, when in changes:
        GradeChange.objects.create(lead=lead, from_grade=grade, to_grade=to_grade, owner=rep, changed_at=when)
        grade = to_grade
    Lead.objects.filter(pk=lead.pk).update(created_at=created, grade=grade)
    return lead


@time_machine.travel(NOW, tick=False)
def test_a_past_day_is_read_from_its_snapshot_and_a_late_change_is_counted_after_the_job_retakes_it(
        django_assert_max_num_queries):
    rep = UserFactory()
    _graded_lead(rep, created=day(0), changes=[("D", day(1)), ("C", day(8))])
    assert services.take_snapshots(days=12, until=local_day(day(10)))[-1] == local_day(day(10))
    day5 = as_of_moment(local_day(day(5)))
    assert FunnelSnapshot.objects.filter(moment=day5).exists()
    assert snapshot_reads.nearest_snapshot(day5)[1] == day5
    with django_assert_max_num_queries(2):  # the snapshot's choice and its counts: no history read
        assert funnel_counts_by_owner([rep.pk], day5)[rep.pk]["D"] == 1

    # A dialer sync arrives late: a second lead, graded B on day 3, inserted now.
    _graded_lead(rep, created=day(2), changes=[("B", day(3))])
    assert snapshot_reads.nearest_snapshot(day5)[1] < day(2)  # the snapshots since day 2 are not used
    counts = funnel_counts_by_owner([rep.pk], day5)[rep.pk]
    assert (counts["D"], counts["B"]) == (1, 1)
    services.take_snapshots(days=12, until=local_day(day(10)))
    assert FunnelSnapshot.objects.filter(moment=day5).exists()  # taken anew, with the late lead
    assert snapshot_reads.nearest_snapshot(day5)[1] == day5
    counts = funnel_counts_by_owner([rep.pk], day5)[rep.pk]
    assert (counts["D"], counts["B"]) == (1, 1)


@time_machine.travel(NOW, tick=False)
def test_the_snapshot_job_is_safe_to_run_twice():
    rep = UserFactory()
    _graded_lead(rep, created=day(0), changes=[("D", day(1))])
    assert len(services.take_snapshots(days=5)) == 5
    assert services.take_snapshots(days=5) == []
    assert FunnelSnapshot.objects.count() == 5


@time_machine.travel(NOW, tick=False)
def test_the_beat_task_takes_the_snapshots_of_the_recent_days(settings):
    from funnel.tasks import take_funnel_snapshots

    settings.FUNNEL_SNAPSHOT_DAYS = 3
    rep = UserFactory()
    _graded_lead(rep, created=day(0), changes=[("D", day(1))])
    assert take_funnel_snapshots.delay().get() == 3
    yesterday = local_day(NOW) - dt.timedelta(days=1)
    assert FunnelSnapshot.objects.order_by("-moment").first().moment == as_of_moment(yesterday)
