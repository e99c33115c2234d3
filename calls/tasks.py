from celery import shared_task

from calls import services


@shared_task(name="calls.recycle_exhausted_leads")
def recycle_exhausted_leads() -> int:
    """Daily: leads with too many unanswered attempts in a row go back to the public pool."""
    return services.recycle_exhausted_leads()
