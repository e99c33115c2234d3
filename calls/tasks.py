from calls import services
from telesales.celery import job


@job("calls.recycle_exhausted_leads", idempotent=True)
def recycle_exhausted_leads() -> int:
    """Daily: leads with too many unanswered attempts in a row go back to the public pool."""
    return services.recycle_exhausted_leads()


@job("calls.notify_due_follow_ups", idempotent=True)
def notify_due_follow_ups(minutes: int = 15) -> int:
    """Every few minutes: remind reps of follow-ups falling due (each once)."""
    from calls import reminders

    return reminders.notify_due_follow_ups(minutes=minutes)
