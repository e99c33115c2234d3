"""Celery tasks for targets: thin wrappers over services, safe to run twice."""

import datetime as dt

from celery import shared_task


@shared_task(name="targets.evaluate_alert_rules")
def evaluate_alert_rules(as_of: str | None = None) -> dict:
    """Nightly, after the KPI run: open/extend alerts for below-pace streaks (idempotent)."""
    from targets import services

    day = dt.date.fromisoformat(as_of) if as_of else None
    return services.evaluate_alert_rules(as_of=day)
