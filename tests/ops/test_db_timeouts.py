"""A web request waiting on a row lock answers 503 with Retry-After, never hangs (PostgreSQL,
two real connections: one holds the lock)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from accounts.models import User
from telesales import db
from tests.factories import LeadFactory, PoolFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]
needs_pg = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks and lock_timeout are PostgreSQL's")


class RowLock:
    """Hold `SELECT … FOR UPDATE` on a user's row from another connection until released."""

    def __init__(self, user_id: int):
        self.user_id = user_id
        self.taken, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self) -> None:
        try:
            with transaction.atomic():
                User.objects.select_for_update().get(pk=self.user_id)
                self.taken.set()
                self.release.wait(30)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.taken.wait(10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(10)


@pytest.fixture
def web_connection(settings):
    """This test's connection as a web process opens it, with a short lock timeout."""
    settings.DB_WEB_LOCK_TIMEOUT_MS = 300
    db.apply_timeouts(connection, db.WEB)
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET statement_timeout; RESET lock_timeout")


@needs_pg
def test_api_request_waiting_on_a_lock_answers_503_json_with_retry_after(api, rep, web_connection):
    lead = LeadFactory(pool=PoolFactory())
    api.as_user(rep).get("/api/v1/me/")  # warm up: the timing below is the lock wait alone
    with RowLock(rep.pk):  # held for 30 s unless released
        started = time.monotonic()
        response = api.as_user(rep).post(f"/api/v1/leads/{lead.pk}/claim/")
        waited = time.monotonic() - started
    assert response.status_code == 503 and response["Retry-After"] == "5"
    error = response.json()["error"]
    assert error["code"] == "database_busy" and "Try again" in error["message"]
    assert error["request_id"] == response["X-Request-ID"]
    assert waited < 10
    lead.refresh_from_db()
    assert lead.owner is None  # nothing half-done


@needs_pg
def test_page_waiting_on_a_lock_answers_a_short_503_page(client, rep, web_connection):
    lead = LeadFactory(pool=PoolFactory())
    client.force_login(rep)
    with RowLock(rep.pk):
        response = client.post(f"/leads/{lead.pk}/claim/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert b"Try again shortly" in response.content


@needs_pg
def test_connections_of_a_web_process_get_the_web_timeouts_and_jobs_longer_ones(settings):
    settings.DB_WEB_LOCK_TIMEOUT_MS, settings.DB_JOB_LOCK_TIMEOUT_MS = 1234, 98765
    seen = {}

    def fresh_connection(role):
        db.set_process_role(role)
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SHOW lock_timeout")
                seen[role] = cursor.fetchone()[0]
        finally:
            db.set_process_role(None)
            connections.close_all()

    for role in (db.WEB, db.JOB, None):
        thread = threading.Thread(target=fresh_connection, args=(role,))
        thread.start()
        thread.join(10)
    assert seen == {db.WEB: "1234ms", db.JOB: "98765ms", None: "0"}


def test_database_going_away_is_a_503_with_the_error_body(api, rep, monkeypatch):
    from django.db.utils import OperationalError

    from leads import api as leads_api

    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(leads_api.services, "claim_lead", gone)
    response = api.as_user(rep).post(f"/api/v1/leads/{LeadFactory(pool=PoolFactory()).pk}/claim/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json()["error"]["code"] == "database_unavailable"
