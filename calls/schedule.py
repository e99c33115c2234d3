"""Periodic jobs of the calls app (no model imports: loaded from settings)."""

from celery.schedules import crontab


def beat(env) -> dict:
    return {
        "calls-recycle-exhausted-daily": {
            "task": "calls.recycle_exhausted_leads",
            "schedule": crontab(hour=env.int("CALLS_RECYCLE_HOUR", default=2), minute=40),
        },
    }
