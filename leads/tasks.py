"""Celery tasks: thin wrappers that take ids and call a service; safe to run twice."""

from celery import shared_task


@shared_task(name="leads.auto_return_neglected")
def auto_return_neglected_task() -> int:
    from leads.services import auto_return_neglected

    return auto_return_neglected()


@shared_task(name="leads.run_import")
def run_import_task(job_id: int) -> None:
    from leads.imports import run_import

    run_import(job_id=job_id)
