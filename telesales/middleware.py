"""Project middleware: the request id and its log line; 503 when the database cannot serve."""

import logging
import re
import time
import uuid

from telesales import db, logs
from telesales.errors import ServiceUnavailable

logger = logging.getLogger("telesales.requests")
# An id a proxy or client sent is kept when it is short and plain; otherwise we make one.
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdMiddleware:
    """Outermost: names every request (`X-Request-ID`, kept from the client or a proxy when
    plain, else a new one), binds it to every log line of the request and to error bodies, and
    logs one line per request with its status and duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex
        logs.clear()
        logs.bind(request_id=request.request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            level = logging.WARNING if response.status_code >= 500 else logging.INFO
            logger.log(level, "%s %s %s", request.method, request.path, response.status_code,
                       extra={"status": response.status_code, "method": request.method,
                              "duration_ms": round((time.monotonic() - started) * 1000, 1)})
            return response
        finally:
            logs.clear()


class DatabaseUnavailableMiddleware:
    """A view whose database work was cut short (lock or statement timeout, deadlock, the server
    restarting) answers 503 with Retry-After instead of a 500 (telesales.db)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if db.is_unavailable(exception):
            return db.unavailable_response(request, exception)
        if isinstance(exception, ServiceUnavailable) and not request.path.startswith("/api/"):
            return db.unavailable_page(exception.message, exception.retry_after)
        return None
