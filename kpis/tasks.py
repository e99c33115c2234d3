"""Celery tasks for the KPI job: thin wrappers around kpis.services (safe to run twice)."""

import datetime as dt
import logging

from celery import chord, current_app
from django.conf import settings

from kpis import fanout, services
from kpis.models import KpiRun
from telesales.celery import job

logger = logging.getLogger(__name__)
# Tasks queued once a nightly run has succeeded, by name (higher apps register theirs from
# their AppConfig.ready: targets' alert rules), so they never read unfinished KPIs.
AFTER_NIGHTLY_RUN: list[str] = []


def run_after_nightly(task_name: str) -> None:
    if task_name not in AFTER_NIGHTLY_RUN:
        AFTER_NIGHTLY_RUN.append(task_name)


@job("kpis.tasks.recompute_kpis", idempotent=True, long=True)
def recompute_kpis(full: bool = False, since: str | None = None, nightly: bool = False) -> int:
    """Incremental by default; `full=True` or `since="YYYY-MM-DD"` rebuilds. Returns the KpiRun id.
    `nightly=True` (beat's nightly entry) chains the AFTER_NIGHTLY_RUN tasks after a success."""
    if full and not since and settings.KPI_REBUILD_FAN_OUT:
        return rebuild_fanned_out(nightly=nightly)
    if full or since:
        run = services.recompute_full(since=dt.date.fromisoformat(since) if since else None)
    else:
        run = services.recompute_incremental()
    if nightly:
        _after_nightly(run)
    return run.id


def _after_nightly(run: KpiRun) -> None:
    for name in AFTER_NIGHTLY_RUN:
        logger.info("KPI run %s done: queuing %s", run.id, name)
        current_app.tasks[name].delay()


def rebuild_fanned_out(*, nightly: bool = False) -> int:
    """The full rebuild as a chord (kpis/fanout.py): one rebuild_month task per month the calls
    span, then finish_rebuild. Returns the KpiRun id (finished when the chord's body ran)."""
    run, months = fanout.prepare()
    marked_before = run.started_at.isoformat()
    if not months:  # no calls: nothing to divide
        return finish_rebuild([], run.id, nightly)
    chord([rebuild_month.s(month.isoformat(), marked_before) for month in months])(finish_rebuild.s(run.id, nightly))
    return run.id


@job("kpis.tasks.rebuild_month", idempotent=True, long=True)
def rebuild_month(month: str, marked_before: str) -> int:
    """One month of a fanned-out full rebuild (safe to run twice: it rewrites the month)."""
    return services.rebuild_month(dt.date.fromisoformat(month), marked_before=dt.datetime.fromisoformat(marked_before))


@job("kpis.tasks.finish_rebuild", idempotent=True, long=True)
def finish_rebuild(rows: list[int], run_id: int, nightly: bool = False) -> int:
    """The chord's body: close the fanned-out rebuild once every month is rebuilt."""
    run = fanout.finish(KpiRun.objects.get(id=run_id), sum(rows))
    if nightly:
        _after_nightly(run)
    return run.id


def sweep_runs() -> int:
    """The KPI sweeper (telesales/jobs.py)."""
    return services.fail_stalled_runs()
