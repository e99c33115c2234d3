"""Celery app, the task options every task declares through `job()`, and the worker's hooks.

- Time limits on every task (settings: the short ones by default, `long=True` for KPI rebuilds
  and imports); the broker's visibility timeout is longer than the longest (settings).
- `acks_late` with `reject_on_worker_lost` only for tasks declared `idempotent=True`: a task
  lost with its worker is delivered again only when running it twice is harmless.
- Retries with exponential backoff when the database is unavailable (OperationalError).
- Without a broker (no REDIS_URL) a queued task runs on the in-process job threads
  (telesales/jobs.py), never in the request that queued it.
- Log lines of a task carry its id; the worker writes a heartbeat for /healthz."""

import logging
import os
import threading
import time

from celery import Celery, shared_task, signals
from celery.contrib.django.task import DjangoTask
from django.db.utils import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as KombuOperationalError

from telesales.errors import ServiceUnavailable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telesales.settings")
logger = logging.getLogger(__name__)
HEARTBEAT_KEY = "health:worker-heartbeat"
HEARTBEAT_SECONDS = 30


class AppTask(DjangoTask):
    def apply_async(self, args=None, kwargs=None, task_id=None, **options):
        from telesales import jobs

        if jobs.in_background():
            return jobs.submit(self, args, kwargs)
        try:
            return super().apply_async(args, kwargs, task_id=task_id, **options)
        except KombuOperationalError as exc:
            logger.exception("could not queue %s: the broker is not reachable", self.name)
            raise ServiceUnavailable(_("The job queue is not reachable right now. Try again in a minute."),
                                     code="queue_unavailable") from exc


app = Celery("telesales", task_cls=AppTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def job(name: str, *, idempotent: bool, long: bool = False, **options):
    """`@shared_task` with the house options (see the module docstring)."""
    from django.conf import settings

    opts = {
        "name": name,
        "autoretry_for": (OperationalError, InterfaceError),
        "retry_backoff": 5,
        "retry_backoff_max": 300,
        "retry_jitter": True,
        "max_retries": 5,
        "acks_late": idempotent,
        "reject_on_worker_lost": idempotent,
    }
    if long:
        opts.update(soft_time_limit=settings.LONG_TASK_SOFT_TIME_LIMIT, time_limit=settings.LONG_TASK_TIME_LIMIT)
    return shared_task(**(opts | options))


@shared_task(name="telesales.sweep_jobs", acks_late=True, reject_on_worker_lost=True)
def sweep_jobs() -> dict:
    """Every minute: fail (or re-queue) jobs whose worker stopped (telesales/jobs.py)."""
    from telesales import jobs

    return jobs.sweep()


# ---- worker hooks -----------------------------------------------------------------------------
@signals.setup_logging.connect
def _keep_django_logging(**kwargs) -> None:
    """Celery leaves the logging configuration to Django's LOGGING (one format, one line)."""


@signals.worker_init.connect
def _worker_is_a_job_process(**kwargs) -> None:
    from telesales import db

    db.set_process_role(db.JOB)


@signals.task_prerun.connect
def _bind_task(task_id=None, task=None, **kwargs) -> None:
    from telesales import logs

    logs.clear()
    logs.bind(task_id=task_id, task=getattr(task, "name", None))


@signals.task_postrun.connect
def _unbind_task(**kwargs) -> None:
    from telesales import logs

    logs.clear()


def beat_heartbeat() -> None:
    """Record that a worker is alive (read by /healthz)."""
    from django.core.cache import cache

    cache.set(HEARTBEAT_KEY, time.time(), timeout=HEARTBEAT_SECONDS * 20)


@signals.worker_ready.connect
def _start_heartbeat(**kwargs) -> None:
    def loop() -> None:
        while True:
            try:
                beat_heartbeat()
            except Exception:
                logger.exception("worker heartbeat could not be written")
            time.sleep(HEARTBEAT_SECONDS)

    threading.Thread(target=loop, name="worker-heartbeat", daemon=True).start()
