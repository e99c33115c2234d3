"""Celery tasks for the KPI job: thin wrappers around kpis.services (safe to run twice)."""

import datetime as dt
import logging

from celery import current_app

from kpis import services
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
    if full or since:
        run = services.recompute_full(since=dt.date.fromisoformat(since) if since else None)
    else:
        run = services.recompute_incremental()
    if nightly:
        for name in AFTER_NIGHTLY_RUN:
            logger.info("KPI run %s done: queuing %s", run.id, name)
            current_app.tasks[name].delay()
    return run.id


def sweep_runs() -> int:
    """The KPI sweeper (telesales/jobs.py)."""
    return services.fail_stalled_runs()
