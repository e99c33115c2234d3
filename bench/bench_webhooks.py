"""Webhooks benchmark on PostgreSQL.

1. Deliveries per second from one worker to a local receiver (http.server in its own process,
   keep-alive): BENCH_DELIVERIES committed claims of distinct leads, fanned out (the lead read
   as the API shows it, an event and a delivery row each) and sent (webhooks/fanout.py, then
   webhooks.delivery.deliver_endpoint, what the worker's tasks run; goal ≥ 200/s). Raw twin: the
   same signed bodies POSTed over one keep-alive connection with no database at all.
2. The extra cost webhooks add to syncing 1,000 calls (calls.sync.sync_calls in-process): the
   same kind of batch with one endpoint subscribed to every event type (the sync's transaction
   writes one pending-event row per publish) against no endpoint; median of BENCH_RUNS pairs
   (goal: at most 10 % more). Fan-out and sending are part 1's, on a worker, after the commit.

    .venv/bin/python bench/bench_webhooks.py
    BENCH_DELIVERIES=1000 BENCH_RUNS=3 .venv/bin/python bench/bench_webhooks.py   # shorter

Uses its own database (default postgres://postgres@127.0.0.1:5432/ts_bench_hooks, recreated each
run; BENCH_DATABASE_URL overrides)."""

import datetime as dt
import json
import multiprocessing
import os
import statistics
import time

from _common import configure, record, recreate_database  # noqa: E402 (bench/ is on sys.path)

DB_URL = configure("ts_bench_hooks")
os.environ["CONN_MAX_AGE"] = "600"
os.environ["DEBUG"] = "false"
os.environ["WEBHOOKS_ALLOW_PRIVATE_TARGETS"] = "true"  # the receiver listens on loopback

DELIVERIES = int(os.environ.get("BENCH_DELIVERIES", 3000))
SYNC_CALLS = 1000
RUNS = int(os.environ.get("BENCH_RUNS", 5))
N_LEADS, N_REPS = 20_000, 50


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = int(os.environ.get("BENCH_PORT") or _free_port())


def receive(port: int) -> None:
    """The receiver: answers 200 to every POST, over keep-alive connections."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def setup():
    from django.core.management import call_command

    from accounts.models import Role, Team, User
    from calls.dispositions import ensure_standard
    from leads.models import Lead

    call_command("migrate", verbosity=0)
    ensure_standard()
    team = Team.objects.create(name="Bench hooks team")
    admin = User.objects.create_superuser("bench-admin", "a@example.com", "x", role=Role.ADMIN)
    reps = User.objects.bulk_create([User(username=f"bench-rep{i:02d}", role=Role.REP, team=team)
                                     for i in range(N_REPS)])
    now = dt.datetime.now(dt.UTC)
    leads = Lead.objects.bulk_create(
        [Lead(name=f"Lead {g}", phone=f"+86139{g:08d}", owner_id=reps[g % N_REPS].pk, claimed_at=now)
         for g in range(N_LEADS)], batch_size=5000)
    return admin, [lead.pk for lead in leads]


def rows(run: int, lead_ids: list[int]) -> list[dict]:
    codes = ["no_answer"] * 6 + ["busy", "wrong_person", "reached", "callback"]
    start = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC) + dt.timedelta(days=run)
    return [{"source": "bench-dialer", "external_id": f"r{run}-{i}", "lead_id": lead_ids[(run * SYNC_CALLS + i) % N_LEADS],
             "started_at": (start + dt.timedelta(seconds=37 * i)).isoformat(), "duration_seconds": 20 + i % 300,
             "disposition": codes[i % len(codes)]} for i in range(SYNC_CALLS)]


def sync_overhead(admin, lead_ids, endpoint) -> tuple[float, float]:
    """Median ms of a 1,000-call sync with the endpoint active and with it switched off."""
    from calls.sync import sync_calls
    from webhooks import publishing
    from webhooks.models import Endpoint

    publishing.queue_fan_out = lambda: None  # fan-out and sending are part 1's, measured on their own
    with_hooks, without = [], []
    run = 0
    for _ in range(RUNS):
        for active, out in ((True, with_hooks), (False, without)):
            Endpoint.objects.filter(pk=endpoint.pk).update(active=active)
            publishing.forget_subscriptions()
            batch = rows(run, lead_ids)
            run += 1
            t0 = time.perf_counter()
            results = sync_calls(actor=admin, rows=batch)
            out.append((time.perf_counter() - t0) * 1000)
            assert all(r["status"] == "created" for r in results), results[:3]
    return statistics.median(with_hooks), statistics.median(without)


def publish_claims(endpoint, lead_ids) -> None:
    """What BENCH_DELIVERIES committed claims leave: pending events for the endpoint."""
    from django.utils import timezone

    from webhooks.models import PendingEvent

    PendingEvent.objects.bulk_create([
        PendingEvent(type="lead.claimed", object_ids=[lead_id], endpoint_ids=[endpoint.pk], occurred_at=timezone.now())
        for lead_id in lead_ids[:DELIVERIES]])


def raw_posts(endpoint) -> float:
    """Deliveries per second of the same signed bodies over one keep-alive connection, no database."""
    import urllib3

    from webhooks.delivery import body_for, sign
    from webhooks.models import Event

    bodies = [body_for(e) for e in Event.objects.filter(type="lead.claimed").order_by("occurred_at")[:DELIVERIES]]
    pool = urllib3.HTTPConnectionPool("127.0.0.1", PORT, maxsize=1, retries=False)
    t0 = time.perf_counter()
    for body in bodies:
        headers = {"Content-Type": "application/json", "X-Telesales-Signature": sign(endpoint.secret, int(time.time()), body)}
        assert pool.urlopen("POST", "/hook", body=body, headers=headers).status == 200
    return len(bodies) / (time.perf_counter() - t0)


def main():
    recreate_database(DB_URL)
    import django

    django.setup()
    from telesales.events import EVENT_TYPES
    from webhooks import delivery, fanout, services
    from webhooks.models import Delivery, DeliveryStatus, PendingEvent

    receiver = multiprocessing.Process(target=receive, args=(PORT,), daemon=True)
    receiver.start()
    time.sleep(0.5)
    try:
        admin, lead_ids = setup()
        endpoint = services.create_endpoint(actor=admin, name="bench", url=f"http://127.0.0.1:{PORT}/hook",
                                            event_types=list(EVENT_TYPES))
        with_ms, without_ms = sync_overhead(admin, lead_ids, endpoint)
        print(json.dumps({"sync_ms_with_webhooks": round(with_ms, 1), "sync_ms_without": round(without_ms, 1)}))
        record(f"sync of {SYNC_CALLS:,} new calls with a webhook endpoint (raw: no endpoint)", with_ms, without_ms,
               "ms", "≤ 1.10 (< 10 % extra)")

        PendingEvent.objects.all().delete()
        services.update_endpoint(actor=admin, endpoint_id=endpoint.pk, active=True)
        publish_claims(endpoint, lead_ids)
        t0 = time.perf_counter()
        fanout.fan_out()  # the worker's whole job after the commits: events, deliveries, sending
        sent = delivery.deliver_endpoint(endpoint.pk, max_seconds=600)
        rate = sent / (time.perf_counter() - t0)
        assert sent == DELIVERIES == Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count()
        record(f"webhook deliveries from one worker to a local receiver ({DELIVERIES:,} events)", rate,
               raw_posts(endpoint), "deliveries/s", "≥ 200/s", higher_is_better=True)
    finally:
        receiver.terminate()


if __name__ == "__main__":
    main()
