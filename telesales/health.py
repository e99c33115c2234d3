"""GET /healthz: is every part of the service working? GET /healthz/live: is this web process up?

/healthz checks the database, Redis (when configured), a Celery worker's heartbeat (the job
threads of this process without a broker) and what apps register (`register_check`: the age of
the last successful KPI run). It answers 200 when all pass, 503 when any fails, as JSON naming
each check with `ok` and ages; it is public, so it shows no names, hosts, versions or errors'
text. /healthz/live answers 200 as long as the process serves (the container healthcheck)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from telesales import jobs
from telesales.celery import HEARTBEAT_KEY
from telesales.errors import error_body

logger = logging.getLogger(__name__)
CHECKS: dict[str, Callable[[], dict]] = {}


def register_check(name: str, check: Callable[[], dict]) -> None:
    """`check()` returns {"ok": bool, …numbers}; an exception counts as failing."""
    CHECKS[name] = check


def database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def redis() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "configured": False}
    import redis as redis_client

    redis_client.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
    return {"ok": True, "configured": True}


def worker() -> dict:
    if jobs.in_background():
        return {"ok": True, "in_process": True}
    beat = cache.get(HEARTBEAT_KEY)
    limit = settings.HEALTH_WORKER_MAX_AGE_SECONDS
    if beat is None:
        return {"ok": False, "age_seconds": None, "max_age_seconds": limit}
    age = int(time.time() - beat)
    return {"ok": age <= limit, "age_seconds": age, "max_age_seconds": limit}


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in {"database": database, "redis": redis, "worker": worker, **CHECKS}.items():
        try:
            results[name] = check()
        except Exception:
            logger.warning("health check %s failed", name, exc_info=True)
            results[name] = {"ok": False}
    return results


def _refuse_query(request) -> JsonResponse | None:
    if request.GET:
        return JsonResponse(error_body("invalid", "Unknown query parameter.",
                                       details={name: ["Unknown query parameter."] for name in sorted(request.GET)}),
                            status=400)
    return None


@never_cache
@require_GET
def healthz(request):
    refused = _refuse_query(request)
    if refused:
        return refused
    checks = run_checks()
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ok else "failing", "checks": checks}, status=200 if ok else 503)


@never_cache
@require_GET
def live(request):
    return _refuse_query(request) or JsonResponse({"status": "ok"})
