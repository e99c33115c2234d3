"""Calls benchmark on PostgreSQL.

1. Sync of 200,000 calls through the HTTP API (POST /api/v1/calls/sync, batches of 1,000)
   against a real gunicorn process, on top of BENCH_SYNC_HISTORY older calls (default: the
   1,000,000 of part 2 less the synced ones), then a full re-send of the same data (changing
   nothing). Each is printed next to its raw twin in the same run: batched `INSERT … ON CONFLICT
   DO NOTHING` (1,000 rows a batch, one client) of the same rows into a table of the same shape
   holding the same history (goals: new calls ≥ 0.8, re-send — every row conflicts — ≥ 0.9).
2. The lead call panel with 300 past calls and 1,000,000 calls in the database: constant query
   count and server time (goal < 50 ms).

    .venv/bin/python bench/bench_calls.py
    BENCH_SYNC_CALLS=20000 BENCH_TOTAL_CALLS=100000 .venv/bin/python bench/bench_calls.py   # smaller

Uses its own database (default postgres://postgres@127.0.0.1:5432/ts_calls_bench, recreated each
run; override with BENCH_DATABASE_URL). BENCH_WORKERS gunicorn workers (default 3),
BENCH_CLIENTS parallel client connections (default 4). BENCH_PANEL_ONLY=1 re-times only the
lead panel on the database a previous full run left; BENCH_SYNC_ONLY=1 stops after the sync."""

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

from _common import ROOT, configure, record, recreate_database  # noqa: E402 (bench/ is on sys.path)

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
SYNC_HISTORY = int(os.environ.get("BENCH_SYNC_HISTORY", max(0, TOTAL_CALLS - SYNC_CALLS)))
SYNC_START = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)  # the synced calls start here; history is older


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
    start = SYNC_START
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
    for _ in range(600):  # up to two minutes: the shared machine may be loaded
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


def fill_to_total(total: int = TOTAL_CALLS):
    """Generated calls up to `total` (set-based), spread over the leads, in the 700 hours before
    the synced ones; every fourth reached the customer."""
    from django.db import connection

    from calls.models import Call, Disposition

    have = Call.objects.count()
    missing = max(0, total - have)
    dispo = Disposition.objects.get(code="no_answer").pk
    reached = Disposition.objects.get(code="reached").pk
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO calls_call (lead_id, rep_id, channel, started_at, duration_seconds, disposition_id, notes,
                   recording_url, source, created_at, updated_at)
               SELECT l.id, l.owner_id, 'phone', %s::timestamptz - (1 + g %% 700) * interval '1 hour', g %% 200,
                      CASE WHEN g %% 4 = 0 THEN %s ELSE %s END, '', '', 'gen', now(), now()
               FROM generate_series(1, %s) g JOIN leads_lead l ON l.id = (SELECT min(id) FROM leads_lead) + g %% %s""",
            [SYNC_START, reached, dispo, missing, N_LEADS],
        )
        cur.execute("ANALYZE calls_call")


def raw_twin_table() -> None:
    """bench_raw_call: the shape of calls_call (columns, defaults, indexes, the unique key) and its history."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_raw_call")
        cur.execute("CREATE TABLE bench_raw_call (LIKE calls_call INCLUDING ALL)")
        cur.execute("INSERT INTO bench_raw_call SELECT * FROM calls_call")
        cur.execute("SELECT setval(pg_get_serial_sequence('bench_raw_call', 'id'), COALESCE(MAX(id), 0) + 1) "
                    "FROM bench_raw_call")
        cur.execute("ANALYZE bench_raw_call")


def raw_insert(rows: list) -> float:
    """Raw PostgreSQL: the same rows as batched INSERT … ON CONFLICT DO NOTHING, 1,000 a batch, one
    client, one commit a batch; returns rows/s."""
    import psycopg2
    from psycopg2.extras import execute_values

    from calls.models import Disposition
    from leads.models import Lead

    owner = dict(Lead.objects.values_list("id", "owner_id"))
    dispo = dict(Disposition.objects.values_list("code", "id"))
    now = dt.datetime.now(dt.UTC)
    values = [(r["lead_id"], owner[r["lead_id"]], "phone", r["started_at"], r["duration_seconds"],
               dispo[r["disposition"]], None, None, None, r["notes"], "", r["source"], r["external_id"], now, now)
              for r in rows]
    sql = ("INSERT INTO bench_raw_call (lead_id, rep_id, channel, started_at, duration_seconds, disposition_id, "
           "premium, margin_rate, quote_amount, notes, recording_url, source, external_id, created_at, updated_at) "
           "VALUES %s ON CONFLICT (source, external_id) WHERE external_id IS NOT NULL DO NOTHING")
    conn = psycopg2.connect(DB_URL)
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        for i in range(0, len(values), BATCH):
            execute_values(cur, sql, values[i:i + BATCH], page_size=BATCH)
            conn.commit()
    elapsed = time.perf_counter() - t0
    conn.close()
    return len(rows) / elapsed


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
    fill_to_total(SYNC_HISTORY)
    raw_twin_table()
    proc = serve()
    try:
        print(f"PostgreSQL {connection.pg_version // 10000}, gunicorn {WORKERS} workers, {CLIENTS} client connections, "
              f"{os.cpu_count()} CPU cores, {Call.objects.count():,} calls before the sync")
        raw_new = raw_insert(rows)
        elapsed, totals = send_all(key, rows)
        print(f"sync {SYNC_CALLS:,} new calls in batches of {BATCH:,}: {elapsed:.1f} s  {totals}")
        record(f"call sync, {SYNC_CALLS:,} new calls over HTTP", SYNC_CALLS / elapsed, raw_new, "calls/s", "≥ 0.8",
               higher_is_better=True)
        stamp = Call.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
        count = Call.objects.count()
        raw_again = raw_insert(rows)
        elapsed2, totals2 = send_all(key, rows)
        unchanged = Call.objects.count() == count and \
            Call.objects.order_by("-updated_at").values_list("updated_at", flat=True).first() == stamp
        print(f"re-send the same {SYNC_CALLS:,} calls: {elapsed2:.1f} s  {totals2}  database unchanged: {unchanged}")
        record(f"call sync, re-send of the same {SYNC_CALLS:,} calls", SYNC_CALLS / elapsed2, raw_again, "calls/s",
               "≥ 0.9", higher_is_better=True)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    if os.environ.get("BENCH_SYNC_ONLY"):
        return
    t0 = time.perf_counter()
    fill_to_total()
    print(f"filled calls table to {Call.objects.count():,} rows in {time.perf_counter() - t0:.1f} s")
    for label, (queries, median, low, high) in panel_timing(admin).items():
        print(f"lead call panel, {label:15s}: {queries:2d} queries, {median:6.1f} ms median ({low:.1f} / {high:.1f})")


if __name__ == "__main__":
    main()
