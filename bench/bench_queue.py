"""The rep's calling loop on PostgreSQL with 1,000,000 calls in the database: server time of each
step (goal < 50 ms each) and of the lead call panel with 300 past calls (goal < 50 ms).

Steps, each timed in-process through Django's test client (server time, no network):
- queue page: GET /calls/queue/ (finds the rep's place, renders the customer);
- queue next: choosing the next customer alone (calls.queue.current_item);
- log call: POST /calls/queue/<lead>/log/ “No answer”, save & next (the call, the lead's facts,
  the next customer and its fragment, in one request);
- swapped fragment: POST /calls/queue/next/ (the current customer's fragment, no write);
- lead call panel, 300 past calls: GET /calls/lead/<id>/panel/.

Each figure is printed by `_common.record()` next to its raw PostgreSQL twin: the same SQL
statements the request sent, replayed through a bare cursor (writes inside a rolled-back
transaction), so the ratio is what Django, the templates and Python add.

    .venv/bin/python bench/bench_queue.py
    BENCH_TOTAL_CALLS=100000 .venv/bin/python bench/bench_queue.py      # smaller
    BENCH_REUSE=1 .venv/bin/python bench/bench_queue.py                  # time again, same data

Own database: postgres://postgres@127.0.0.1:5432/ts_bench_queue (recreated; BENCH_DATABASE_URL
overrides). BENCH_RUNS timings per figure (median)."""

import datetime as dt
import os
import re
import statistics
import time

from _common import configure, record, recreate_database  # noqa: E402 (bench/ is on sys.path)

DB_URL = configure("ts_bench_queue")
os.environ["DEBUG"] = "false"
TOTAL_CALLS = int(os.environ.get("BENCH_TOTAL_CALLS", 1_000_000))
N_LEADS = int(os.environ.get("BENCH_LEADS", 20_000))
N_REPS = int(os.environ.get("BENCH_REPS", 50))
RUNS = int(os.environ.get("BENCH_RUNS", 20))
GOAL = "< 50 ms"


def setup():
    """Reps, leads, a million calls (set-based), 200 due follow-ups and a 300-call lead for rep 0."""
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Role, Team, User
    from calls.models import Call, Disposition, FollowUp
    from leads.models import Lead

    call_command("migrate", verbosity=0)
    team = Team.objects.create(name="Bench queue team", calling_hours_start=dt.time(0, 0),
                               calling_hours_end=dt.time(23, 59, 59))
    reps = User.objects.bulk_create([User(username=f"bench-rep{i:02d}", role=Role.REP, team=team)
                                     for i in range(N_REPS)])
    now = dt.datetime.now(dt.UTC)
    Lead.objects.bulk_create(
        [Lead(name=f"Lead {g}", phone=f"+86139{g:08d}", owner_id=reps[g % N_REPS].pk,
              claimed_at=now - dt.timedelta(days=1)) for g in range(1, N_LEADS + 1)], batch_size=5000)
    dispo = Disposition.objects.get(code="no_answer").pk
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO calls_call (lead_id, rep_id, channel, started_at, duration_seconds, disposition_id, notes,
                   recording_url, source, created_at, updated_at)
               SELECT l.id, l.owner_id, 'phone', now() - (1 + g %% 700) * interval '1 hour', g %% 200, %s, '', '',
                      'gen', now(), now()
               FROM generate_series(1, %s) g JOIN leads_lead l ON l.id = (SELECT min(id) FROM leads_lead) + g %% %s""",
            [dispo, TOTAL_CALLS, N_LEADS])
        cur.execute("UPDATE leads_lead SET last_contacted_at = now() - interval '2 days'")
    rep = reps[0]
    mine = list(Lead.objects.filter(owner=rep).order_by("id")[:250])
    FollowUp.objects.bulk_create([
        FollowUp(lead=lead, assigned_to=rep, team=team, due_at=now - dt.timedelta(minutes=5 + i), purpose="bench",
                 created_by=rep) for i, lead in enumerate(mine[:200])])
    busy = mine[-1]
    reached = Disposition.objects.get(code="reached")
    Call.objects.bulk_create([Call(lead=busy, rep=rep, started_at=now - dt.timedelta(hours=i), duration_seconds=90,
                                   disposition=reached, notes=f"call {i}") for i in range(300)])
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # the UPDATE above left every lead row twice, as autovacuum would clean
    return rep, busy


def _replay(statements) -> float:
    """The same SQL through a bare cursor, in a transaction rolled back afterwards (ms)."""
    from django.db import connection, transaction

    t0 = time.perf_counter()
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                for sql in statements:
                    cur.execute(sql)
            transaction.set_rollback(True)
    except Exception:  # noqa: BLE001 - a statement that cannot be replayed (a savepoint name): no twin
        return float("nan")
    return (time.perf_counter() - t0) * 1000


def measure(work: str, request, *, replay: bool = True) -> None:
    """Median server time of `request()` over RUNS runs, recorded with its raw twin and the median
    CPU time of this process (the Python side; PostgreSQL's own CPU is in the raw twin)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request()  # warm
    times, cpus, raws, queries = [], [], [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), time.process_time()
            request()
            cpus.append((time.process_time() - c0) * 1000)
            times.append((time.perf_counter() - t0) * 1000)
        statements = [q["sql"] for q in ctx.captured_queries
                      if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))]
        queries = len(ctx.captured_queries)
        if replay:
            raws.append(_replay(statements))
    raw = statistics.median(r for r in raws if r == r) if any(r == r for r in raws) else None
    record(f"{work} ({queries} queries)", statistics.median(times), raw, "ms", GOAL, cpu_ms=statistics.median(cpus))


def main():
    if not os.environ.get("BENCH_REUSE"):  # BENCH_REUSE=1: time again on the data a previous run left
        recreate_database(DB_URL)
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User
    from calls import queue
    from calls.models import Call, Disposition, QueueState

    t0 = time.perf_counter()
    if os.environ.get("BENCH_REUSE"):
        rep = User.objects.get(username="bench-rep00")
        # Start today's run afresh, so every run times the same queue (200 due follow-ups first).
        QueueState.objects.filter(rep=rep).update(handled=[], current_lead=None, current_kind="", paused=False)
        busy = Call.objects.filter(disposition__code="reached").select_related("lead").first().lead
    else:
        rep, busy = setup()
    print(f"{Call.objects.count():,} calls in the database ({time.perf_counter() - t0:.0f} s to set up)")
    client = Client()
    client.force_login(rep)
    no_answer = Disposition.objects.get(code="no_answer").pk
    hx = {"HTTP_HX_REQUEST": "true"}

    def queue_page():
        assert client.get("/calls/queue/").status_code == 200

    current = [0]

    def log_call():
        response = client.post(f"/calls/queue/{current[0]}/log/", {"disposition": no_answer}, **hx)
        current[0] = int(re.search(r'data-lead="(\d+)"', response.content.decode())[1])

    def fragment():
        assert client.post("/calls/queue/next/", **hx).status_code == 200

    measure("queue page (GET /calls/queue/), 1M calls", queue_page)
    measure("queue next (choose the customer), 1M calls", lambda: queue.current_item(actor=rep))
    current[0] = QueueState.objects.get(rep=rep).current_lead_id
    measure("log call, save & next (POST), 1M calls", log_call)
    measure("swapped fragment (POST /calls/queue/next/), 1M calls", fragment)
    measure("lead call panel, 300 past calls, 1M calls", lambda: client.get(f"/calls/lead/{busy.pk}/panel/"))


if __name__ == "__main__":
    main()
