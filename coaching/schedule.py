"""Celery beat entries for coaching (no model imports: loaded from settings)."""

from celery.schedules import crontab


def beat(env) -> dict:
    """Every Monday morning each active sampling plan draws last week's calls for review."""
    return {
        "coaching-weekly-sampling": {
            "task": "coaching.tasks.run_weekly_sampling",
            "schedule": crontab(minute=env.int("COACHING_SAMPLING_MINUTE", default=30),
                                hour=env.int("COACHING_SAMPLING_HOUR", default=6), day_of_week="mon"),
        },
    }
