from calls import services
from telesales.celery import job


@job("calls.recycle_exhausted_leads", idempotent=True)
def recycle_exhausted_leads() -> int:
    """Daily: leads with too many unanswered attempts in a row go back to the public pool."""
    return services.recycle_exhausted_leads()
