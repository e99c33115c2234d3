"""Celery beat entries for the KPI job (loaded from settings: no model imports here)."""

from celery.schedules import crontab


def beat(env) -> dict:
    """Nightly incremental recompute at KPI_NIGHTLY_HOUR (local time, default 01:00)."""
    hour = env.int("KPI_NIGHTLY_HOUR", default=1)
    minute = env.int("KPI_NIGHTLY_MINUTE", default=0)
    return {
        "kpis-nightly-recompute": {
            "task": "kpis.tasks.recompute_kpis",
            "schedule": crontab(hour=hour, minute=minute),
        }
    }
