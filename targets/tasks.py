"""Celery tasks for targets: thin wrappers over services, safe to run twice."""

import datetime as dt

from targets import mail  # noqa: F401 - registers targets.send_alert_mail with the worker
from telesales.celery import job


@job("targets.evaluate_alert_rules", idempotent=True)
def evaluate_alert_rules(as_of: str | None = None) -> dict:
    """Nightly, chained after the KPI run succeeded (kpis.tasks.run_after_nightly): open/extend
    alerts for below-pace streaks (idempotent)."""
    from targets import services

    day = dt.date.fromisoformat(as_of) if as_of else None
    return services.evaluate_alert_rules(as_of=day)
