"""The full rebuild fanned out over Celery workers (issue 16 §6): one task per calendar month
in a chord, so several workers divide the time; the result equals the single-process rebuild
(kpis.services.recompute_full) row for row.

- prepare (one short transaction under the KPI lock): the KpiRun row, every lead mapped to the
  segment combination of its fields now (kpis.segment_store.prepare_fan_out), the months the
  calls span;
- one task per month (kpis.services.rebuild_month), each its own transaction holding the KPI
  lock *shared*: months run side by side, while an incremental run waits for them (and they for
  it). A month's facts, sets and sums are deleted and rewritten in one transaction, so a reader
  sees either the month's previous numbers or its new ones, never an empty month (DELETE, never
  TRUNCATE);
- finish (the chord's body, under the KPI lock): whatever lies outside the calls' months is
  deleted (days whose calls are gone), combinations no lead has any more are dropped, the run is
  closed with the rows written.

Unlike the single-process run, the whole rebuild is not one transaction: while it runs, a page
over several months may show some months already rebuilt and others not yet (each exact as of
its own commit). A month task that fails leaves its month as it was; the run stays unfinished
and the sweeper (services.fail_stalled_runs) marks it failed; the next run repairs.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kpis import segment_store, services
from kpis.leadsets import month_of, next_month
from kpis.models import DailyRepKpi, KpiRun, KpiRunKind, LeadSet, SegmentDayKpi, TeamDayKpi


def prepare() -> tuple[KpiRun, list[dt.date]]:
    """Start a fanned-out full rebuild: its KpiRun and the first days of the months to rebuild."""
    run = services._start_run(KpiRunKind.FULL, None)
    with transaction.atomic():
        services._take_lock()
        segment_store.prepare_fan_out()
    span = services._calls_day_range()
    months = []
    if span:
        month = month_of(span[0])
        while month <= span[1]:
            months.append(month)
            month = next_month(month)
    return run, months


def finish(run: KpiRun, rows: int) -> KpiRun:
    """Close a fanned-out rebuild whose month tasks all succeeded: delete the facts, sets and
    sums outside the months they rebuilt and the combinations no lead has, record the run."""
    with transaction.atomic():
        services._take_lock()
        span = services._calls_day_range()
        if span is None:
            for model in (DailyRepKpi, SegmentDayKpi, TeamDayKpi):
                model.objects.all().delete()
            LeadSet.objects.all().delete()
        else:
            first, after = month_of(span[0]), next_month(month_of(span[1]))
            for model in (DailyRepKpi, SegmentDayKpi, TeamDayKpi):
                model.objects.filter(day__lt=first).delete()
                model.objects.filter(day__gte=after).delete()
            LeadSet.objects.filter(start__lt=first).delete()
            LeadSet.objects.filter(start__gte=after).delete()
        segment_store.drop_unused()
    run.finished_at = timezone.now()
    run.duration_ms = int((run.finished_at - run.started_at).total_seconds() * 1000)
    run.rows = rows
    run.save(update_fields=["finished_at", "duration_ms", "rows"])
    return run
