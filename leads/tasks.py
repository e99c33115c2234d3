"""Celery tasks: thin wrappers that take ids and call a service; safe to run twice (each is
declared idempotent, so a task lost with its worker is delivered again)."""

from leads import import_jobs, imports, services
from telesales.celery import job


@job("leads.auto_return_neglected", idempotent=True)
def auto_return_neglected_task() -> int:
    return services.auto_return_neglected()


@job("leads.run_import", idempotent=True, long=True)
def run_import_task(job_id: int) -> None:
    """Queued by the callers of `imports.start_import` once the job row is committed. Delivered
    twice, the second does nothing: only a pending job is started."""
    imports.run_import(job_id=job_id)


def sweep_imports() -> int:
    """The leads sweeper (telesales/jobs.py): fail running imports whose worker died, queue
    again the pending ones no worker took. Returns how many jobs it touched."""
    failed = import_jobs.fail_stalled()
    pending = import_jobs.stale_pending()
    for job_id in pending:
        run_import_task.delay(job_id)
    return failed + len(pending)


@job("leads.notify_returning_leads", idempotent=True)
def notify_returning_leads_task(hours: int = 24) -> int:
    """Hourly: warn holders of leads returning to their pool within the hours (each once)."""
    from leads.services import reminders

    return reminders.notify_returning_leads(hours=hours)
