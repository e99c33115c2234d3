"""Celery tasks of the funnel: thin wrappers around funnel.services (safe to run twice)."""

from funnel import services
from telesales.celery import job


@job("funnel.tasks.take_funnel_snapshots", idempotent=True, long=True)
def take_funnel_snapshots() -> int:
    """Snapshot the funnel at the end of each recent day without one; returns how many."""
    return len(services.take_snapshots())
