"""GET /healthz: database, Redis, a worker heartbeat, the age of the last good KPI run; 503 (JSON)
when any fails; public, so it names no host, version or error text. Request ids."""

import datetime as dt
import json
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from kpis.models import KpiRun
from telesales.celery import HEARTBEAT_KEY, beat_heartbeat

pytestmark = pytest.mark.django_db


def good_kpi_run(minutes_ago: int = 1) -> KpiRun:
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return KpiRun.objects.create(kind="incremental", started_at=at, finished_at=at)


def test_healthz_is_ok_when_every_part_works(client):
    beat_heartbeat()
    good_kpi_run()
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "worker", "kpi_run"}
    assert body["checks"]["kpi_run"]["age_seconds"] < 120


def test_healthz_answers_503_without_a_worker_heartbeat(client):
    good_kpi_run()
    cache.delete(HEARTBEAT_KEY)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "age_seconds": None, "max_age_seconds": 120}


def test_healthz_answers_503_when_the_last_good_kpi_run_is_too_old(client, settings):
    beat_heartbeat()
    settings.HEALTH_KPI_MAX_AGE_MINUTES = 30
    good_kpi_run(minutes_ago=45)
    failed = KpiRun.objects.create(kind="incremental", started_at=timezone.now(), finished_at=timezone.now(),
                                   error="OperationalError: boom")
    response = client.get("/healthz")
    assert response.status_code == 503
    kpi = response.json()["checks"]["kpi_run"]
    assert kpi["ok"] is False and kpi["age_seconds"] >= 45 * 60
    assert "boom" not in response.content.decode() and failed.pk


def test_healthz_answers_503_when_a_check_raises_and_shows_no_error_text(client, monkeypatch):
    beat_heartbeat()
    good_kpi_run()
    from telesales import health

    def broken():
        raise RuntimeError("password=hunter2 host=db.internal")

    monkeypatch.setitem(health.CHECKS, "kpi_run", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["kpi_run"] == {"ok": False}
    assert "hunter2" not in response.content.decode() and "internal" not in response.content.decode()


def test_stale_worker_heartbeat_fails(client):
    good_kpi_run()
    cache.set(HEARTBEAT_KEY, time.time() - 600)
    assert client.get("/healthz").json()["checks"]["worker"]["ok"] is False


def test_healthz_refuses_query_parameters_by_name(client):
    response = client.get("/healthz?verbose=1")
    assert response.status_code == 400 and "verbose" in response.json()["error"]["details"]


def test_liveness_answers_while_the_process_serves(client):
    assert client.get("/healthz/live").json() == {"status": "ok"}


def test_every_response_names_its_request_and_keeps_a_plain_given_id(client):
    first = client.get("/healthz/live")
    assert len(first["X-Request-ID"]) == 32
    assert client.get("/healthz/live", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    odd = client.get("/healthz/live", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert odd != "<script>" and len(odd) == 32


def test_api_error_bodies_carry_the_request_id(api, rep):
    response = api.as_user(rep).get("/api/v1/leads/999999999/")
    assert response.status_code == 404
    assert response.json()["error"]["request_id"] == response["X-Request-ID"]
    unrouted = api.get("/api/v1/no-such-thing/")
    assert unrouted.json()["error"]["request_id"] == unrouted["X-Request-ID"]


def test_production_log_lines_are_json_with_the_request_id_once(capsys, settings):
    import logging
    import logging.config

    from telesales import logs

    logging.config.dictConfig(logs.logging_config(json=True, level="INFO"))
    try:
        logs.bind(request_id="abc12345")
        logging.getLogger("django.request").warning("Not Found: /x", extra={"status_code": 404})
        logging.getLogger("leads.imports").warning("import job %s refused", 7)
        logs.clear()
    finally:
        logging.config.dictConfig(settings.LOGGING)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1  # the 404 is the request line's business: no second copy
    line = json.loads(lines[0])
    assert line["event"] == "import job 7 refused" and line["request_id"] == "abc12345"
    assert line["logger"] == "leads.imports" and line["level"] == "warning"
