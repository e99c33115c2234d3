"""An import job that stops says which rows it imported: by its own failure (leads/imports.py),
or, when its worker died, by the sweeper, which fails a running job whose heartbeat is older
than JOB_STALE_AFTER_SECONDS and hands back pending jobs no worker took.

Rows land in chunks of `imports.CHUNK`, each with the job's progress in one transaction, so the
committed progress is exactly the rows imported: rows 2 … processed_rows + 1 (row 1 is the
header). Nothing past them was written."""

from __future__ import annotations

import datetime as dt
import logging
import os

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from leads.import_table import read_table
from leads.models import ImportJob, ImportStatus
from telesales import logs
from telesales.errors import DomainError

logger = logging.getLogger(__name__)
WORKER_STOPPED = "the worker running it stopped"


def read_file(job: ImportJob) -> tuple[list[str], list[list[str]]]:
    """The job's file as (header, rows); a file that is no readable table is a DomainError."""
    with job.file.open("rb") as fh:
        data = fh.read()
    try:
        return read_table(data, os.path.splitext(job.file.name)[1].lower())
    except DomainError:
        raise
    except Exception as exc:
        raise DomainError(_("The file could not be read as a .csv or .xlsx table (%(kind)s).") % {
            "kind": type(exc).__name__}) from exc


def failure_reason(exc: BaseException) -> str:
    """What the user is told about an unexpected failure: never the raw exception (that is in
    the log, under the reference given)."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return _("it ran longer than the time limit of %(minutes)s minutes") % {
            "minutes": settings.LONG_TASK_SOFT_TIME_LIMIT // 60}
    ref = logs.current("task_id") or logs.current("request_id") or "-"
    return _("an unexpected error (reference %(ref)s)") % {"ref": ref}


def stopped_message(job: ImportJob, reason: str) -> str:
    """Which rows were imported, which were not, and what to do."""
    done, total = job.processed_rows, job.total_rows
    if done == 0:
        return _("The import stopped: %(reason)s. No row was imported; start the import again.") % {
            "reason": reason}
    return _(
        "The import stopped: %(reason)s. Rows 2–%(last)s were imported completely (in whole chunks); "
        "rows %(next)s–%(end)s were not. Import the file again: the rows already imported will be "
        "reported as existing numbers."
    ) % {"reason": reason, "last": done + 1, "next": done + 2, "end": total + 1}


def fail(job_id: int, reason: str, *, refused: bool = False) -> None:
    """Mark a job failed with the rows it kept. `refused`: the file itself was refused (a
    DomainError saying what to fix); before any row landed that message is shown as it is."""
    job = ImportJob.objects.get(pk=job_id)
    message = reason if refused and job.processed_rows == 0 else stopped_message(job, reason)
    ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.FAILED, error=message[:2000],
                                               finished_at=timezone.now())


def fail_stalled(*, now: dt.datetime | None = None) -> int:
    """Fail running jobs whose heartbeat stopped (their worker died); returns how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    failed = 0
    stale = ImportJob.objects.annotate(beat=Coalesce("heartbeat_at", "created_at")).filter(
        status=ImportStatus.RUNNING, beat__lt=cutoff)
    for job in stale:
        message = stopped_message(job, _(WORKER_STOPPED))
        # Conditional on the heartbeat still being stale: a worker that was only slow keeps its job.
        failed += ImportJob.objects.filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True), pk=job.pk, status=ImportStatus.RUNNING,
        ).update(status=ImportStatus.FAILED, error=message, finished_at=now)
        logger.warning("import job %s failed by the sweeper: no heartbeat since %s", job.pk, job.beat)
    return failed


def stale_pending(*, now: dt.datetime | None = None) -> list[int]:
    """Pending jobs no worker took within the stale time (the queue lost them): to queue again."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    return list(ImportJob.objects.filter(status=ImportStatus.PENDING, created_at__lt=cutoff)
                .values_list("pk", flat=True))
