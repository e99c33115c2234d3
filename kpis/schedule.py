"""Celery beat entries for the KPI job (loaded from settings: no model imports here)."""

import datetime as dt

from celery.schedules import crontab


def beat(env) -> dict:
    """Nightly incremental recompute at KPI_NIGHTLY_HOUR (local time, default 01:00), and the same
    incremental run every KPI_REFRESH_MINUTES (default 10; 0 turns it off), so the dashboards are
    never more than about that much behind the calls. The nightly run queues the tasks registered
    with `kpis.tasks.run_after_nightly` once it succeeded. A refresh the workers could not start
    within its interval expires: the next one does the same work."""
    hour = env.int("KPI_NIGHTLY_HOUR", default=1)
    minute = env.int("KPI_NIGHTLY_MINUTE", default=0)
    entries = {
        "kpis-nightly-recompute": {
            "task": "kpis.tasks.recompute_kpis",
            "schedule": crontab(hour=hour, minute=minute),
            # Chains the tasks that need the night's KPIs (targets' alert rules) after it succeeds.
            "kwargs": {"nightly": True},
        }
    }
    refresh = env.int("KPI_REFRESH_MINUTES", default=10)
    if refresh > 0:
        entries["kpis-refresh"] = {
            "task": "kpis.tasks.recompute_kpis",
            "schedule": dt.timedelta(minutes=refresh),
            "options": {"expires": refresh * 60},
        }
    return entries
