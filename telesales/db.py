"""Database timeouts by kind of work, and the answer when the database cannot serve a request.

A web request must never hang on a row lock or a runaway statement: web processes (gunicorn and
runserver mark themselves in telesales/wsgi.py) open their PostgreSQL connections with
`DB_WEB_STATEMENT_TIMEOUT_MS` and `DB_WEB_LOCK_TIMEOUT_MS`. Jobs (Celery workers, the in-process
job threads of telesales/jobs.py) get the longer `DB_JOB_*` timeouts. Management commands,
migrations and tests set none. The limits are session settings made once when a connection
opens (`connection_created`), so they cost no query per request.

A request the database could not serve (a lock or statement timeout, a deadlock, the server
restarting) answers 503 with `Retry-After`: the API's error body, or a short page."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.utils import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from telesales.errors import error_body

logger = logging.getLogger(__name__)
WEB, JOB = "web", "job"
_process = {"role": None}
_thread = threading.local()

# SQLSTATEs of a wait that was cut short: lock_not_available, query_canceled, deadlock_detected,
# serialization_failure. Anything else an OperationalError carries is the server going away.
BUSY_CODES = {"55P03", "57014", "40P01", "40001"}


def set_process_role(role: str | None) -> None:
    """Mark this process as a web server (WEB) or a job worker (JOB)."""
    _process["role"] = role


def current_role() -> str | None:
    return getattr(_thread, "role", None) or _process["role"]


def timeouts(role: str | None) -> tuple[int, int] | None:
    """(statement_timeout, lock_timeout) in milliseconds for a kind of work (0 = none)."""
    if role == WEB:
        return settings.DB_WEB_STATEMENT_TIMEOUT_MS, settings.DB_WEB_LOCK_TIMEOUT_MS
    if role == JOB:
        return settings.DB_JOB_STATEMENT_TIMEOUT_MS, settings.DB_JOB_LOCK_TIMEOUT_MS
    return None


def apply_timeouts(conn, role: str | None) -> None:
    """Set the session's timeouts on an open PostgreSQL connection."""
    limits = timeouts(role)
    if limits is None or conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, false), set_config('lock_timeout', %s, false)",
                       [f"{limits[0]}ms", f"{limits[1]}ms"])


@receiver(connection_created)
def _on_connect(sender, connection, **kwargs) -> None:
    apply_timeouts(connection, current_role())


@contextmanager
def job_thread():
    """Run the body as a job in this thread: its connection (opened fresh) has the job timeouts,
    and is closed at the end."""
    _thread.role = JOB
    try:
        if connection.connection is not None:
            apply_timeouts(connection, JOB)
        yield
    finally:
        _thread.role = None
        connection.close()


def is_unavailable(exc: BaseException | None) -> bool:
    """Whether an exception means the database could not serve now (retry later)."""
    return isinstance(exc, OperationalError | InterfaceError)


def retry_after(exc: BaseException) -> int:
    code = getattr(getattr(exc, "__cause__", None), "pgcode", None)
    return 5 if code in BUSY_CODES else 30


def unavailable_response(request, exc: BaseException):
    """503 with Retry-After: the API's error body under /api/, a short page elsewhere."""
    seconds = retry_after(exc)
    busy = seconds == 5
    logger.warning("database %s on %s %s", "busy" if busy else "unavailable", request.method, request.path,
                   exc_info=exc)
    message = (_("The records are busy with another change. Try again in a few seconds.") if busy
               else _("The database is not reachable right now. Try again shortly."))
    if request.path.startswith("/api/") or request.path.startswith("/healthz"):
        response = JsonResponse(error_body("database_busy" if busy else "database_unavailable", message), status=503)
        response["Retry-After"] = str(seconds)
        return response
    return unavailable_page(message, seconds)


def unavailable_page(message, seconds: int) -> HttpResponse:
    """The short 503 page (no base template: it must not need the database)."""
    response = HttpResponse(render_to_string("busy.html", {"message": message}), status=503)
    response["Retry-After"] = str(seconds)
    return response
