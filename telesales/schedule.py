"""Celery beat schedule: each app may define `<app>/schedule.py` with `def beat(env) -> dict`."""

import importlib

APPS = ["accounts", "leads", "calls", "kpis", "funnel", "targets", "coaching"]


def beat_schedule(env) -> dict:
    """Collect every app's periodic tasks (hours come from the environment)."""
    schedule: dict = {}
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.schedule")
        except ModuleNotFoundError:
            continue
        schedule.update(module.beat(env))
    return schedule
