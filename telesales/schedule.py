"""Celery beat schedule: each app may define `<app>/schedule.py` with `def beat(env) -> dict`."""

import importlib

APPS = ["accounts", "notifications", "leads", "calls", "kpis", "funnel", "targets", "coaching", "scoring", "webhooks"]


def beat_schedule(env) -> dict:
    """Collect every app's periodic tasks (hours come from the environment)."""
    # Every minute: jobs whose worker died are failed or queued again (telesales/jobs.py).
    schedule: dict = {"jobs-sweep": {"task": "telesales.sweep_jobs", "schedule": 60.0, "options": {"expires": 60}}}
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.schedule")
        except ModuleNotFoundError:
            continue
        schedule.update(module.beat(env))
    return schedule
