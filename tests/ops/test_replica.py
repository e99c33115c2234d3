"""Dashboards read from a real PostgreSQL streaming replica; writes, the calling loop and a client
that just wrote stay on the primary (telesales/replica.py).

The replica is `tools/start_replica.sh` (pg_basebackup -R of the test server), named by
TEST_DATABASE_REPLICA_URL; `.ci/run` starts it, so these tests run in CI. The test database is
created on the primary and reaches the replica by streaming, like every other write."""

import datetime as dt
import os
import time
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from kpis.models import DailyRepKpi
from telesales.replica import REPLICA, ReplicaRouter, _reads_from_replica
from tests.factories import DailyRepKpiFactory, LeadFactory

REPLICA_URL = os.environ.get("TEST_DATABASE_REPLICA_URL", "")
pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="streaming replication is PostgreSQL's"),
    pytest.mark.skipif(not REPLICA_URL and not os.environ.get("CI"),
                       reason="no replica: run tools/start_replica.sh and set TEST_DATABASE_REPLICA_URL"),
]
DAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """The `replica` database alias on the real replica's copy of the test database. Marked as a
    test mirror of `default`, so the test case neither creates nor flushes it (it is read-only)."""
    assert REPLICA_URL, "CI must start a replica (tools/start_replica.sh) and set TEST_DATABASE_REPLICA_URL"
    url = urlsplit(REPLICA_URL)
    connections.settings[REPLICA] = {**connection.settings_dict, "HOST": url.hostname, "PORT": str(url.port or 5432),
                                     "TEST": {**connection.settings_dict["TEST"], "MIRROR": "default"}}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica(settings):
    """The replica's connection, with reads routed by telesales.replica."""
    settings.DATABASE_ROUTERS = ["telesales.replica.ReplicaRouter"]
    yield connections[REPLICA]
    with_replay(True)


def with_replay(on: bool) -> None:
    with connections[REPLICA].cursor() as cur:
        cur.execute("SELECT pg_wal_replay_resume()" if on else "SELECT pg_wal_replay_pause()")


def caught_up() -> None:
    """Wait until the replica has replayed everything the primary has committed."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()")
        (target,) = cur.fetchone()
    deadline = time.monotonic() + 30
    with connections[REPLICA].cursor() as cur:
        while True:
            cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cur.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "the replica did not catch up within 30 s"
            time.sleep(0.05)


def team_premium(client: Client) -> Decimal:
    res = client.get("/api/v1/kpis/", {"scope": "team", "from": DAY.isoformat(), "to": DAY.isoformat()})
    assert res.status_code == 200, res.content
    return Decimal(res.json()["results"][0]["counts"]["premium"])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_is_a_real_replica(replica):
    with replica.cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        assert cur.fetchone() == (True,)


def test_dashboard_reads_the_replica_and_a_client_that_wrote_reads_the_primary(replica, manager, rep):
    DailyRepKpiFactory(rep=rep, day=DAY, premium=Decimal("1000.00"))
    reader, writer = signed_in(manager), signed_in(manager)
    caught_up()
    with_replay(False)  # the replica stops here: it knows only the first 1,000
    DailyRepKpi.objects.filter(rep=rep, day=DAY).update(premium=Decimal("5000.00"))

    with CaptureQueriesContext(replica) as on_replica:
        assert team_premium(reader) == Decimal("1000.00")  # the replica's (paused) view
    assert any("kpis_" in q["sql"] for q in on_replica.captured_queries)

    assert writer.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302  # any write
    with CaptureQueriesContext(replica) as on_replica:
        assert team_premium(writer) == Decimal("5000.00")  # read-your-writes: the primary
    assert on_replica.captured_queries == []

    with_replay(True)
    caught_up()
    assert team_premium(reader) == Decimal("5000.00")


def test_calling_loop_writes_and_pages_outside_the_list_never_touch_the_replica(replica, rep):
    lead = LeadFactory(owner=rep)
    client = signed_in(rep)
    caught_up()
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(f"/leads/{lead.pk}/").status_code == 200
        assert client.get("/calls/").status_code == 200
        assert client.get("/calls/queue/").status_code == 200
    assert on_replica.captured_queries == []


def test_reads_inside_a_transaction_and_of_who_is_signed_in_stay_on_the_primary(replica):
    token = _reads_from_replica.set(True)
    try:
        router = ReplicaRouter()
        assert router.db_for_read(DailyRepKpi) == REPLICA
        with transaction.atomic():
            assert router.db_for_read(DailyRepKpi) == "default"  # a lock or a read-then-write
        assert router.db_for_write(DailyRepKpi) == "default"
        assert router.db_for_read(User) == "default"  # users, tokens, sessions: always the primary
    finally:
        _reads_from_replica.reset(token)
