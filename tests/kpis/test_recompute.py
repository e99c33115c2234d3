"""The KPI job: hand-computed facts, local-day bucketing, incremental = full, late calls, idempotency."""

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from calls.models import DirtyRepDay
from kpis import services
from kpis.domain import Counts, decompose
from kpis.models import DailyRepKpi, KpiRun
from tests.factories import LeadFactory, UserFactory, facts_table, local, random_calls

D = dt.date(2025, 3, 3)
@pytest.fixture
def hand_team(rep, teammate, log_call):
    """王芳's day D, with every awkward case; 李娜 sells once."""
    l1, l2, l3, l4, l5, l6, l7 = LeadFactory.create_batch(7)
    # L1: called three times, reached on the third: one customer dialled and reached.
    log_call(rep, l1, "no_answer", local(D, 9), duration=5)
    log_call(rep, l1, "no_answer", local(D, 11), duration=5)
    log_call(rep, l1, "reached", local(D, 15), duration=120)
    # L2: two quotes the same day: one customer quoted.
    log_call(rep, l2, "reached", local(D, 9, 30), duration=60)
    log_call(rep, l2, "quoted", local(D, 10, 30), duration=300)
    log_call(rep, l2, "quoted", local(D, 16), duration=200)
    # L3: sold without a prior quote logged: counts as reached, quoted and sold.
    log_call(rep, l3, "sold", local(D, 14), duration=400, premium="1000.00", margin_rate="0.2000")
    # L4: someone else answered: dialled, not reached.
    log_call(rep, l4, "wrong_person", local(D, 10), duration=20)
    # L5: quoted then sold.
    log_call(rep, l5, "quoted", local(D, 10), duration=100)
    log_call(rep, l5, "sold", local(D, 17), duration=500, premium="2500.50", margin_rate="0.1234")
    # L6: 00:10 local on D (16:10 UTC the day before) belongs to D; 23:50 local on D-1 does not.
    log_call(rep, l6, "no_answer", local(D, 0, 10), duration=0)
    log_call(rep, l6, "no_answer", local(D - dt.timedelta(days=1), 23, 50), duration=0)
    # A note is not a call attempt.
    log_call(rep, l6, "note", local(D, 18), duration=0)
    log_call(teammate, l7, "sold", local(D, 12), duration=90, premium="800.00", margin_rate="0.5000")
    return rep, teammate


def test_hand_computed_team_reproduces_every_driver(hand_team):
    rep, teammate = hand_team
    run = services.recompute_full()
    fact = DailyRepKpi.objects.get(rep=rep, day=D)
    assert fact.team_id == rep.team_id
    assert fact.calls_made == 11
    assert (fact.customers_dialled, fact.customers_reached, fact.customers_quoted, fact.customers_sold) == (6, 4, 3, 2)
    assert fact.premium == Decimal("3500.50")
    assert fact.margin_amount == Decimal("508.56")  # 200.00 + round(2500.50 × 0.1234 = 308.5617)
    assert fact.talk_seconds == 1710
    previous = DailyRepKpi.objects.get(rep=rep, day=D - dt.timedelta(days=1))
    assert (previous.calls_made, previous.customers_dialled, previous.customers_reached) == (1, 1, 0)

    d = decompose(Counts.from_mapping(fact.__dict__))
    assert d.outbound_customers == 6
    assert d.effective_connect_rate == Fraction(4, 6)
    assert d.quote_success_rate == Fraction(3, 4)
    assert d.sales_success_rate == Fraction(2, 3)
    assert d.avg_premium == Fraction("1750.25")
    assert d.avg_margin_rate == Fraction("508.56") / Fraction("3500.50")
    assert d.result == Decimal("508.56") and d.identity_holds

    mate = DailyRepKpi.objects.get(rep=teammate, day=D)
    assert (mate.customers_dialled, mate.customers_sold, mate.margin_amount) == (1, 1, Decimal("400.00"))
    assert run.succeeded and run.rows == 3
    assert not DirtyRepDay.objects.exists()


def test_running_twice_changes_nothing(hand_team):
    services.recompute_full()
    first = facts_table()
    services.recompute_full()
    services.recompute_incremental()
    assert facts_table() == first
    assert KpiRun.objects.count() == 3


def test_incremental_runs_give_the_same_table_as_a_full_rebuild(team, log_call):
    rng = random.Random(6)
    reps = UserFactory.create_batch(3, team=team)
    days = [D + dt.timedelta(days=i) for i in range(5)]
    for _ in range(3):
        random_calls(log_call, reps, days, 40, rng)
        services.recompute_incremental()
    incremental = facts_table()
    services.recompute_full()
    assert facts_table() == incremental
    assert len(incremental) > 5


def test_a_call_synced_late_for_an_old_day_is_picked_up_by_the_next_incremental_run(rep, log_call):
    lead = LeadFactory()
    log_call(rep, lead, "reached", local(D))
    services.recompute_incremental()
    old_day = D - dt.timedelta(days=40)
    log_call(rep, lead, "sold", local(old_day, 20), premium="500.00", margin_rate="0.1000")
    run = services.recompute_incremental()
    fact = DailyRepKpi.objects.get(rep=rep, day=old_day)
    assert (fact.customers_sold, fact.margin_amount) == (1, Decimal("50.00"))
    assert run.rep_days == 1
    assert DailyRepKpi.objects.get(rep=rep, day=D).customers_reached == 1


def test_a_day_whose_calls_all_moved_away_loses_its_fact_row(rep, log_call):
    call = log_call(rep, LeadFactory(), "reached", local(D))
    services.recompute_incremental()
    call.started_at = local(D + dt.timedelta(days=1))
    call.save()
    DirtyRepDay.objects.update_or_create(rep=rep, day=D)
    DirtyRepDay.objects.update_or_create(rep=rep, day=D + dt.timedelta(days=1))
    services.recompute_incremental()
    assert list(DailyRepKpi.objects.values_list("day", flat=True)) == [D + dt.timedelta(days=1)]


def test_rebuild_since_a_day_keeps_older_facts(rep, log_call):
    lead = LeadFactory()
    log_call(rep, lead, "reached", local(D - dt.timedelta(days=10)))
    log_call(rep, lead, "reached", local(D))
    services.recompute_full()
    DailyRepKpi.objects.filter(day=D - dt.timedelta(days=10)).update(calls_made=99)  # would be fixed by --full
    run = services.recompute_full(since=D)
    assert DailyRepKpi.objects.get(day=D - dt.timedelta(days=10)).calls_made == 99
    assert DailyRepKpi.objects.get(day=D).calls_made == 1
    assert run.kind == "since" and run.rows == 1


def test_a_failed_run_is_recorded_with_its_error_and_keeps_the_marks(rep, log_call, monkeypatch):
    log_call(rep, LeadFactory(), "reached", local(D))

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_rebuild_day", boom)
    with pytest.raises(RuntimeError):
        services.recompute_incremental()
    run = KpiRun.objects.get()
    assert "disk full" in run.error and run.finished_at is not None
    assert DirtyRepDay.objects.count() == 1


def test_management_command_and_nightly_task(rep, log_call, capsys):
    from django.conf import settings
    from django.core.management import call_command

    from kpis.tasks import recompute_kpis

    log_call(rep, LeadFactory(), "reached", local(D))
    call_command("recompute_kpis", "--full")
    assert "Full rebuild: 1 fact rows" in capsys.readouterr().out
    call_command("recompute_kpis", "--since", D.isoformat())
    run_id = recompute_kpis.delay().get()
    assert KpiRun.objects.get(id=run_id).kind == "incremental"
    entry = settings.CELERY_BEAT_SCHEDULE["kpis-nightly-recompute"]
    assert entry["task"] == "kpis.tasks.recompute_kpis" and entry["schedule"].hour == {1}
    with pytest.raises(Exception, match="--since must be a date"):
        call_command("recompute_kpis", "--since", "yesterday")
