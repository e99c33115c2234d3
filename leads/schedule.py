"""Periodic jobs of the leads app (no model imports: loaded from settings)."""

from celery.schedules import crontab


def beat(env) -> dict:
    minute = env.int("LEADS_AUTO_RETURN_MINUTE", default=7)
    return {
        "leads-auto-return-hourly": {"task": "leads.auto_return_neglected", "schedule": crontab(minute=minute)},
    }
