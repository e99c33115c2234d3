"""Beat entries for targets: alert rules run after the nightly KPI job (TARGET_ALERTS_HOUR, default 2)."""

from celery.schedules import crontab


def beat(env) -> dict:
    hour = env.int("TARGET_ALERTS_HOUR", default=2)
    return {
        "targets-evaluate-alert-rules": {
            "task": "targets.evaluate_alert_rules",
            "schedule": crontab(hour=hour, minute=30),
        }
    }
