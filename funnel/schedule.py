"""Celery beat entries for the funnel (loaded from settings: no model imports here)."""

from celery.schedules import crontab


def beat(env) -> dict:
    """The funnel snapshot of the day that just ended, shortly after local midnight
    (FUNNEL_SNAPSHOT_HOUR / _MINUTE, default 00:20), so a funnel as of a past day starts from it."""
    return {
        "funnel-snapshots": {
            "task": "funnel.tasks.take_funnel_snapshots",
            "schedule": crontab(hour=env.int("FUNNEL_SNAPSHOT_HOUR", default=0),
                                minute=env.int("FUNNEL_SNAPSHOT_MINUTE", default=20)),
        }
    }
