"""Celery tasks: thin wrappers that take ids and call a service; safe to run twice."""

from celery import shared_task

from leads import imports, services


@shared_task(name="leads.auto_return_neglected")
def auto_return_neglected_task() -> int:
    return services.auto_return_neglected()


@shared_task(name="leads.run_import")
def run_import_task(job_id: int) -> None:
    """Queued by the callers of `imports.start_import` once the job row is committed."""
    imports.run_import(job_id=job_id)
