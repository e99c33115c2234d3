"""Celery tasks of the funnel: thin wrappers around funnel.services (safe to run twice)."""

from celery import shared_task

from funnel import services


@shared_task(name="funnel.tasks.take_funnel_snapshots")
def take_funnel_snapshots() -> int:
    """Snapshot the funnel at the end of each recent day without one; returns how many."""
    return len(services.take_snapshots())
