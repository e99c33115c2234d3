"""The full rebuild fanned out over Celery workers, one task per month in a chord (kpis/fanout.py,
issue 16 §6), writes exactly what the single-process rebuild writes: facts with their items,
every lead set, the team-day sums and the stored segment cuts. Run here as an eager chord (the
tasks' own code, in this process); bench/bench_kpis.py runs it on real workers."""

import datetime as dt
import random

import pytest
from django.test import override_settings
from pyroaring import BitMap

from calls.models import DirtyRepDay
from kpis import services, tasks
from kpis.models import DailyRepKpi, KpiRun, LeadSet, SegmentCombo, SegmentDayKpi, SegmentLead, TeamDayKpi
from kpis.sql import FACT_COLUMNS
from leads.models import Lead
from tests.factories import LeadFactory, UserFactory, local, random_calls

DAYS = [dt.date(2025, 1, 3) + dt.timedelta(days=9 * i) for i in range(12)]  # January to April


def _ints(text):
    return sorted(int(i) for i in text.split(",") if i)


def snapshot() -> dict:
    """Everything a rebuild writes, comparable across runs (items as sorted lists, segment
    combinations by their fields rather than their ids)."""
    digest = dict(SegmentCombo.objects.values_list("id", "digest"))
    facts = sorted((*row[:-3], *(_ints(text) for text in row[-3:]))
                   for row in DailyRepKpi.objects.values_list(*FACT_COLUMNS))
    sets = sorted((*row[:5], *(sorted(BitMap.deserialize(bytes(blob))) for blob in row[5:])) for row in
                  LeadSet.objects.values_list("level", "key", "team_key", "grain", "start", "dialled", "reached",
                                              "quoted", "sold"))
    return {
        "facts": facts, "sets": sets,
        "team_days": sorted(TeamDayKpi.objects.values_list("team_key", "day", "calls_made", "premium", "talk_seconds")),
        "segment_days": sorted((digest[combo], *rest) for combo, *rest in SegmentDayKpi.objects.values_list(
            "combo_id", "day", "calls", "calls_made", "calls_reached", "policies_sold", "premium", "margin_amount",
            "talk_seconds")),
        "segment_leads": sorted((lead, digest[combo]) for lead, combo in SegmentLead.objects.values_list("lead_id", "combo_id")),
        "combos": sorted((d, sorted(BitMap.deserialize(bytes(leads)))) for d, leads in
                         SegmentCombo.objects.values_list("digest", "leads")),
    }


@override_settings(KPI_REBUILD_FAN_OUT=True)
@pytest.mark.parametrize("store_ready", [False, True])
def test_the_fanned_out_rebuild_equals_the_single_process_rebuild(team, other_team, log_call, store_ready):
    rng = random.Random(16)
    reps = [*UserFactory.create_batch(2, team=team), UserFactory(team=other_team), UserFactory(team=None)]
    random_calls(log_call, reps, DAYS[:8], 120, rng)
    if store_ready:  # stored cuts from an earlier rebuild, then leads change segment and new calls come
        services.recompute_full()
        Lead.objects.filter(id__in=Lead.objects.order_by("id").values("id")[:5]).update(source="moved")
    random_calls(log_call, reps, DAYS, 120, rng)
    before_runs = KpiRun.objects.count()

    run_id = tasks.recompute_kpis(full=True)  # an eager chord: one task per month, then finish

    run = KpiRun.objects.get(id=run_id)
    assert run.succeeded and run.rows == DailyRepKpi.objects.count() > 0
    assert KpiRun.objects.count() == before_runs + 1
    assert not DirtyRepDay.objects.exists()
    fanned_out = snapshot()
    services.recompute_full()
    assert snapshot() == fanned_out
    assert {row[2].month for row in fanned_out["facts"]} == {1, 2, 3, 4}


@override_settings(KPI_REBUILD_FAN_OUT=True)
def test_a_fanned_out_rebuild_drops_the_days_whose_calls_are_gone(team, log_call):
    rep = UserFactory(team=team)
    old = log_call(rep, LeadFactory(), "sold", local(dt.date(2024, 11, 5)), premium="10.00", margin_rate="0.5000")
    log_call(rep, LeadFactory(), "reached", local(dt.date(2025, 1, 5)))
    services.recompute_full()
    old.delete()
    tasks.recompute_kpis(full=True)
    assert sorted(DailyRepKpi.objects.values_list("day", flat=True)) == [dt.date(2025, 1, 5)]
    assert not LeadSet.objects.filter(start__lt=dt.date(2025, 1, 1)).exists()
    assert KpiRun.objects.first().succeeded
