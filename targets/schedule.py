"""Beat entries for targets: alert rules run after the nightly KPI job (01:00), at
TARGET_ALERTS_HOUR:TARGET_ALERTS_MINUTE local time (default 02:00)."""

from celery.schedules import crontab


def beat(env) -> dict:
    hour = env.int("TARGET_ALERTS_HOUR", default=2)
    minute = env.int("TARGET_ALERTS_MINUTE", default=0)
    return {
        "targets-evaluate-alert-rules": {
            "task": "targets.evaluate_alert_rules",
            "schedule": crontab(hour=hour, minute=minute),
        }
    }
