"""Long work never runs in a request, and a job whose worker died does not stay "running".

**Without a broker** (no REDIS_URL: `make run`), a task queued by a request (`.delay()`,
`.delay_on_commit()`) runs in a small pool of background threads of the web process, started
on first use, each job with its own database connection and the job timeouts (telesales/db.py).
The request answers at once; the page polls the job as it would with a Celery worker.

**Sweepers**: each app registers a function that fails (or re-queues) its jobs whose heartbeat
stopped, with a message that says what was kept. Beat runs them every minute
(`telesales.sweep_jobs`); without a broker a timer thread of the web process does.

**Health checks** for /healthz are registered the same way (telesales/health.py)."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from celery import current_app
from celery.result import AsyncResult
from django.conf import settings

from telesales import db, logs

logger = logging.getLogger(__name__)
SWEEPERS: dict[str, Callable[[], int]] = {}
_pool: dict[str, ThreadPoolExecutor] = {}
_lock = threading.Lock()
WORKERS = 2
SWEEP_SECONDS = 60


def register_sweeper(name: str, sweep: Callable[[], int]) -> None:
    """`sweep()` fails or re-queues this app's stalled jobs and returns how many it touched."""
    SWEEPERS[name] = sweep


def sweep() -> dict[str, int]:
    """Run every sweeper; one failing sweeper does not stop the others."""
    done = {}
    for name, fn in SWEEPERS.items():
        try:
            done[name] = fn()
        except Exception:
            logger.exception("job sweeper %s failed", name)
    return done


# ---- the in-process worker ------------------------------------------------------------------
def in_background() -> bool:
    """Whether queued tasks run in this process's job threads (no broker to send them to)."""
    return bool(getattr(settings, "TASKS_IN_BACKGROUND_THREADS", False)) and bool(current_app.conf.task_always_eager)


def _executor() -> ThreadPoolExecutor:
    with _lock:
        if "pool" not in _pool:
            _pool["pool"] = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="job")
        return _pool["pool"]


def submit(task, args, kwargs) -> AsyncResult:
    """Queue a Celery task on the job threads; returns a result handle with its id."""
    task_id = uuid.uuid4().hex
    _executor().submit(_run, task, tuple(args or ()), dict(kwargs or {}), task_id)
    logger.info("queued %s on the in-process job threads", task.name, extra={"queued_task_id": task_id})
    return AsyncResult(task_id)


def _run(task, args: tuple, kwargs: dict, task_id: str) -> None:
    logs.clear()
    logs.bind(task_id=task_id, task=task.name)
    try:
        with db.job_thread():
            result = task.apply(args, kwargs, task_id=task_id, throw=False)
            if result.failed():
                logger.error("task %s failed", task.name, exc_info=result.result)
    except Exception:
        logger.exception("task %s failed", task.name)
    finally:
        logs.clear()


def wait_idle(timeout: float = 30) -> None:
    """Block until the job threads have finished what was queued (tests, shutdown)."""
    with _lock:
        pool = _pool.pop("pool", None)
    if pool is not None:
        pool.shutdown(wait=True)


def start_sweeper_thread() -> None:
    """Without beat (no broker), sweep every minute from a timer thread of this process."""
    if not in_background() or "sweeper" in _pool:
        return
    _pool["sweeper"] = True  # type: ignore[assignment]

    def loop() -> None:
        stop = threading.Event()
        while not stop.wait(SWEEP_SECONDS):
            with db.job_thread():
                sweep()

    threading.Thread(target=loop, name="job-sweeper", daemon=True).start()
