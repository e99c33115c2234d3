"""Celery tasks for the KPI job: thin wrappers around kpis.services (safe to run twice)."""

import datetime as dt

from celery import shared_task

from kpis import services


@shared_task(name="kpis.tasks.recompute_kpis")
def recompute_kpis(full: bool = False, since: str | None = None) -> int:
    """Incremental by default; `full=True` or `since="YYYY-MM-DD"` rebuilds. Returns the KpiRun id."""
    if full or since:
        run = services.recompute_full(since=dt.date.fromisoformat(since) if since else None)
    else:
        run = services.recompute_incremental()
    return run.id
