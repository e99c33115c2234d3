"""Calls benchmark on PostgreSQL.

1. Sync of 200,000 calls through the HTTP API (POST /api/v1/calls/sync, batches of 1,000)
   against a real gunicorn process (goal ≥ 5,000 calls/s), then a full re-send of the same data
   (at least as fast, changing nothing).
2. The lead call panel with 300 past calls and 1,000,000 calls in the database: constant query
   count and server time (goal < 50 ms).

    .venv/bin/python bench/bench_calls.py
    BENCH_SYNC_CALLS=20000 BENCH_TOTAL_CALLS=100000 .venv/bin/python bench/bench_calls.py   # smaller

Uses its own database (default postgres://postgres@127.0.0.1:5432/ts_calls_bench, recreated each
run; override with BENCH_DATABASE_URL). BENCH_WORKERS gunicorn workers (default 3),
BENCH_CLIENTS parallel client connections (default 4). BENCH_PANEL_ONLY=1 re-times only the
lead panel on the database a previous full run left."""

import datetime as dt
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from _common import ROOT, configure, recreate_database  # noqa: E402 (bench/ is on sys.path)

DB_URL = configure("ts_calls_bench")
os.environ["CONN_MAX_AGE"] = "600"  # keep one connection, as a production worker does
os.environ["DEBUG"] = "false"

SYNC_CALLS = int(os.environ.get("BENCH_SYNC_CALLS", 200_000))
BATCH = int(os.environ.get("BENCH_BATCH", 1000))
TOTAL_CALLS = int(os.environ.get("BENCH_TOTAL_CALLS", 1_000_000))
N_LEADS = int(os.environ.get("BENCH_LEADS", 20_000))
N_REPS = int(os.environ.get("BENCH_REPS", 50))
WORKERS = int(os.environ.get("BENCH_WORKERS", 3))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 4))
PORT = int(os.environ.get("BENCH_PORT", 8791))
RUNS = int(os.environ.get("BENCH_RUNS", 20))


def setup():
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Role, Team, User
    from accounts.services import create_api_token

    call_command("migrate", verbosity=0)
    team = Team.objects.create(name="Bench calls team")
    admin = User.objects.create_superuser("bench-admin", "a@example.com", "x", role=Role.ADMIN)
    reps = User.objects.bulk_create([User(username=f"bench-rep{i:02d}", role=Role.REP, team=team) for i in range(N_REPS)])
    rep_ids = [r.pk for r in reps]
    from leads.models import Lead

    now = dt.datetime.now(dt.UTC)
    Lead.objects.bulk_create(
        [Lead(name=f"Lead {g}", phone=f"+86139{g:08d}", owner_id=rep_ids[g % N_REPS], claimed_at=now)
         for g in range(1, N_LEADS + 1)], batch_size=5000,
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE leads_lead")
    _, key = create_api_token(actor=admin, name="bench", user=admin)
    return admin, key


def make_rows(first_lead_id: int):
    codes = ["no_answer"] * 6 + ["busy", "wrong_person", "reached", "callback"]
    start = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)
    rows = []
    for i in range(SYNC_CALLS):
        code = codes[i % len(codes)]
        rows.append({
            "source": "bench-dialer", "external_id": f"c{i}", "lead_id": first_lead_id + (i * 7919) % N_LEADS,
            "started_at": (start + dt.timedelta(seconds=37 * i)).isoformat(), "duration_seconds": 20 + i % 300,
            "disposition": code, "notes": "" if i % 3 else "auto",
        })
    return rows


def serve():
    env = {**os.environ, "DEBUG": "false", "CONN_MAX_AGE": "600", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen(
        [gunicorn, "telesales.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{PORT}", "--timeout", "120",
         "--log-level", "warning"], cwd=ROOT, env=env,
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/login/")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def send_all(key: str, rows: list) -> tuple[float, dict]:
    batches = [rows[i:i + BATCH] for i in range(0, len(rows), BATCH)]
    totals = {"created": 0, "updated": 0, "unchanged": 0, "error": 0}
    lock = threading.Lock()
    cursor = iter(range(len(batches)))
    failures = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                return
            body = json.dumps({"calls": batches[i]})
            conn.request("POST", "/api/v1/calls/sync", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            if response.status != 200:
                failures.append((response.status, data[:300]))
                continue
            counts = json.loads(data)["counts"]
            with lock:
                for k, v in counts.items():
                    totals[k] += v

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if failures:
        print("  failures:", failures[:3])
    return elapsed, totals


def fill_to_total(rep_ids_sql: str):
    """Generated calls up to TOTAL_CALLS (set-based), spread over the leads."""
    from django.db import connection

    from calls.models import Call, Disposition

    have = Call.objects.count()
    missing = max(0, TOTAL_CALLS - have)
    dispo = Disposition.objects.get(code="no_answer").pk
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO calls_call (lead_id, rep_id, channel, started_at, duration_seconds, disposition_id, notes,
                   recording_url, source, created_at, updated_at)
               SELECT l.id, l.owner_id, 'phone', now() - (g %% 700) * interval '1 hour', g %% 200, %s, '', '', 'gen',
                      now(), now()
               FROM generate_series(1, %s) g JOIN leads_lead l ON l.id = (SELECT min(id) FROM leads_lead) + g %% %s""",
            [dispo, missing, N_LEADS],
        )
        cur.execute("ANALYZE calls_call")


def panel_timing(admin):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from calls.models import Call, Disposition
    from leads.models import Lead

    dispo = Disposition.objects.get(code="reached")
    busy, _ = Lead.objects.get_or_create(phone="+8613799990000", defaults={"name": "Busy lead", "owner_id": admin.pk})
    quiet, _ = Lead.objects.get_or_create(phone="+8613799990001", defaults={"name": "Quiet lead", "owner_id": admin.pk})
    now = dt.datetime.now(dt.UTC)
    if not Call.objects.filter(lead=busy).exists():
        Call.objects.bulk_create(
            [Call(lead=busy, rep=admin, started_at=now - dt.timedelta(hours=i), duration_seconds=90,
                  disposition=dispo, notes=f"call {i}") for i in range(300)]
            + [Call(lead=quiet, rep=admin, started_at=now - dt.timedelta(hours=i), duration_seconds=90,
                    disposition=dispo) for i in range(3)]
        )
    client = Client()
    client.force_login(admin)
    out = {}
    for label, lead in (("3 past calls", quiet), ("300 past calls", busy)):
        url = f"/calls/lead/{lead.pk}/panel/"
        client.get(url)
        connection.queries_log.clear()  # a full log (9,000 entries) would hide the new ones
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        queries = len(ctx.captured_queries)
        times = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append((time.perf_counter() - t0) * 1000)
        out[label] = (queries, statistics.median(times), min(times), max(times))
    return out


def main():
    if os.environ.get("BENCH_PANEL_ONLY"):  # reuse the database of a previous full run
        import django

        django.setup()
        from accounts.models import User
        from calls.models import Call
        from leads.models import Lead

        print(f"calls table: {Call.objects.count():,} rows")
        for label, (queries, median, low, high) in panel_timing(User.objects.get(username="bench-admin")).items():
            print(f"lead call panel, {label:15s}: {queries:2d} queries, {median:6.1f} ms median ({low:.1f} / {high:.1f})")
        return
    recreate_database(DB_URL)
    import django

    django.setup()
    from django.db import connection

    from calls.models import Call
    from leads.models import Lead

    admin, key = setup()
    first = Lead.objects.order_by("id").values_list("id", flat=True).first()
    rows = make_rows(first)
    proc = serve()
    try:
        print(f"PostgreSQL {connection.pg_version // 10000}, gunicorn {WORKERS} workers, {CLIENTS} client connections, "
              f"{os.cpu_count()} CPU cores")
        elapsed, totals = send_all(key, rows)
        print(f"sync {SYNC_CALLS:,} new calls in batches of {BATCH:,}: {elapsed:.1f} s = "
              f"{SYNC_CALLS / elapsed:,.0f} calls/s  {totals}")
        stamp = Call.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
        count = Call.objects.count()
        elapsed2, totals2 = send_all(key, rows)
        unchanged = Call.objects.count() == count and \
            Call.objects.order_by("-updated_at").values_list("updated_at", flat=True).first() == stamp
        print(f"re-send the same {SYNC_CALLS:,} calls: {elapsed2:.1f} s = {SYNC_CALLS / elapsed2:,.0f} calls/s  "
              f"{totals2}  database unchanged: {unchanged}")
    finally:
        proc.terminate()
        proc.wait(10)
    t0 = time.perf_counter()
    fill_to_total("")
    print(f"filled calls table to {Call.objects.count():,} rows in {time.perf_counter() - t0:.1f} s")
    for label, (queries, median, low, high) in panel_timing(admin).items():
        print(f"lead call panel, {label:15s}: {queries:2d} queries, {median:6.1f} ms median ({low:.1f} / {high:.1f})")


if __name__ == "__main__":
    main()
