"""Request cost: server CPU per request of the rep mix (next lead, log a call on it, the call
plan page) and the manager mix (team KPI dashboard, team funnel), through the Django test client
against PostgreSQL, with a profile of where the rep mix spends its time (goal ≤ 25 ms of CPU per
rep request). Each figure's raw PostgreSQL twin is the time the same requests spent in their SQL
statements, so the ratio says how much the Python around the SQL costs.

    .venv/bin/python bench/bench_requests.py
    BENCH_REQUESTS=60 BENCH_PROFILE_TOP=30 .venv/bin/python bench/bench_requests.py

Its own database (default postgres://postgres@127.0.0.1:5432/ts_requests_bench; BENCH_DATABASE_URL
overrides); the team, pool and 20,000 pool leads are created once and kept. It also creates the
users bench/locustfile.py signs in as (bench-req-rep00…, bench-req-manager, password BENCH_PASSWORD)."""

import cProfile
import io
import os
import pstats
import statistics
import time

from _common import (  # noqa: E402 (bench/ is on sys.path)
    configure,
    ensure_database,
    insert_select_sql,
    record,
)

DB_URL = configure("ts_requests_bench")
# Production settings for what a request costs (bench_queue.py does the same): DEBUG keeps every
# query's SQL in memory and answers errors with the technical page.
os.environ["DEBUG"] = "false"

N_REPS = int(os.environ.get("BENCH_REPS", 30))
N_POOL_LEADS = int(os.environ.get("BENCH_POOL_LEADS", 20_000))
N_REQUESTS = int(os.environ.get("BENCH_REQUESTS", 30))
PROFILE_TOP = int(os.environ.get("BENCH_PROFILE_TOP", 20))
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-pass-123")


def set_up():
    """The team, its manager and reps, a pool of unowned leads they work, created once."""
    from django.db import connection

    from accounts.models import Role, Team, User
    from leads.models import Lead, Pool

    team, _ = Team.objects.get_or_create(name="Bench requests team")
    manager, made = User.objects.get_or_create(username="bench-req-manager", defaults={"role": Role.MANAGER, "team": team})
    if made:
        manager.set_password(PASSWORD)
        manager.save()
    team.managers.add(manager)
    reps = []
    for i in range(N_REPS):
        rep, made = User.objects.get_or_create(username=f"bench-req-rep{i:02d}", defaults={"team": team, "role": Role.REP})
        if made:
            rep.set_password(PASSWORD)
            rep.save()
        reps.append(rep)
    pool, _ = Pool.objects.get_or_create(name="Bench requests pool", defaults={"team": team})
    Pool.objects.filter(pk=pool.pk).update(max_held=1_000_000, max_claims_per_day=1_000_000)
    pool.member_teams.add(team)
    free = Lead.objects.filter(pool=pool, owner__isnull=True).count()
    if free < N_POOL_LEADS // 2:
        with connection.cursor() as cur:
            cur.execute("SELECT COALESCE(MAX(id), 0) FROM leads_lead")
            base = cur.fetchone()[0]
            cur.execute(insert_select_sql(cur, "leads_lead", {
                "name": "'Pool lead ' || g", "phone": f"'+86137' || lpad((g + {base})::text, 8, '0')",
                "grade": "'E'", "status": "'active'", "pool_id": str(pool.pk),
                "created_at": "now() - interval '10 days'", "updated_at": "now()", "tags": "'[]'::jsonb",
            }, "1, %s"), [N_POOL_LEADS])
            cur.execute("ANALYZE leads_lead")
    return team, manager, reps, pool


class SqlTimer:
    """Django execute wrapper: the wall time spent in SQL statements."""

    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t0
            self.queries += 1


def measure(label, requests, goal=""):
    """Run the (client, method, url, data) requests; record CPU ms per request against SQL ms."""
    from django.db import connection

    timer = SqlTimer()
    cpu, wall = [], []
    with connection.execute_wrapper(timer):
        for client, method, url, data in requests:
            c0, w0 = time.process_time(), time.perf_counter()
            response = getattr(client, method)(url, data)
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
            assert response.status_code in (200, 302), (url, response.status_code)
    n = len(requests)
    print(f"  {label}: {n} requests, median CPU {statistics.median(cpu):.1f} ms, median wall {statistics.median(wall):.1f} ms, "
          f"{timer.queries / n:.1f} queries and {timer.seconds * 1000 / n:.1f} ms of SQL each")
    record(f"{label}: CPU per request vs its SQL time", statistics.mean(cpu), timer.seconds * 1000 / n, "ms", goal,
           cpu_ms=statistics.mean(cpu))


def rep_requests(clients, pool, disposition_id):
    """The rep loop, per rep: next lead (a claim), a call logged on it, the call plan page."""
    from leads.models import Lead

    nexts, plans = [], []
    for i in range(N_REQUESTS):
        client, rep = clients[i % len(clients)]
        nexts.append((client, "post", "/leads/next/", {"pool": pool.pk}))
        plans.append((client, "get", "/calls/", {}))
    return nexts, plans, lambda: [
        (client, "post", f"/calls/lead/{lead_id}/log/", {"disposition": disposition_id, "duration": "1:30"})
        for (client, rep) in clients for lead_id in Lead.objects.filter(owner=rep, pool=pool).order_by("-claimed_at")
        .values_list("id", flat=True)[:max(1, N_REQUESTS // len(clients))]
    ][:N_REQUESTS]


def profile(requests):
    """Where the rep mix spends its CPU: the top functions by their own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for client, method, url, data in requests:
        getattr(client, method)(url, data)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(PROFILE_TOP)
    print(out.getvalue())


def main():
    ensure_database(DB_URL)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from calls.models import Disposition

    call_command("migrate", verbosity=0)
    team, manager, reps, pool = set_up()
    disposition = Disposition.objects.get(code="reached")
    clients = []
    for rep in reps:
        client = Client()
        client.force_login(rep)
        clients.append((client, rep))
    boss = Client()
    boss.force_login(manager)
    nexts, plans, logs = rep_requests(clients, pool, disposition.pk)
    # Every client builds its middleware chain on its first request (WhiteNoise scans the static
    # files then), as each server process does once at start: warm them all, not only the first.
    measure("rep: warm-up (each client's first request)", [(client, "get", "/calls/", {}) for client, _ in clients])
    print(f"request cost over {N_REQUESTS} requests each ({N_REPS} reps, {N_POOL_LEADS:,} pool leads):")
    measure("rep: next lead (POST /leads/next/)", nexts, "≤ 25 ms CPU")
    measure("rep: log a call (POST /calls/lead/<id>/log/)", logs(), "≤ 25 ms CPU")
    measure("rep: call plan page (GET /calls/)", plans, "≤ 25 ms CPU")
    manager_mix = [(boss, "get", f"/kpis/team/{team.pk}/", {}), (boss, "get", "/funnel/team/", {"team": team.pk})]
    measure("manager: team KPI dashboard and team funnel", manager_mix * max(1, N_REQUESTS // 6))
    print("profile of the rep mix (own time):")
    nexts, plans, logs = rep_requests(clients, pool, disposition.pk)
    profile(nexts[:10] + logs()[:10] + plans[:10])


if __name__ == "__main__":
    main()
