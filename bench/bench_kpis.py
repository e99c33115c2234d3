"""KPI engine benchmark on PostgreSQL: full rebuild, incremental day, dashboards with exact
distinct customers, a segment cut, the live wallboard. Every product figure is printed next to
the raw PostgreSQL work that answers the same question in the same run, and the ratio (this
machine is shared: absolute times swing 2-3x with other load, ratios much less).

    .venv/bin/python bench/bench_kpis.py            # 10,000,000 calls, 1,000 reps, 365 days
    BENCH_CALLS=2000000 .venv/bin/python bench/bench_kpis.py   # smaller scale

Uses its own database (default postgres://postgres@127.0.0.1:5432/ts_kpis_bench, created if
missing; override with BENCH_DATABASE_URL). Calls are generated with generate_series in SQL.
Set BENCH_REUSE=1 to keep already generated calls and only time the runs."""

import datetime as dt
import os
import statistics
import time

from _common import configure, ensure_database, insert_select_sql  # noqa: E402 (bench/ is on sys.path)

DB_URL = configure("ts_kpis_bench")

N_CALLS = int(os.environ.get("BENCH_CALLS", 10_000_000))
N_REPS = int(os.environ.get("BENCH_REPS", 1_000))
N_DAYS = int(os.environ.get("BENCH_DAYS", 365))
LEADS_PER_REP = 100
REPS_PER_TEAM = 20
INCREMENTAL_CALLS = int(os.environ.get("BENCH_INCREMENTAL_CALLS", 200_000))
CHUNK = 1_000_000


def insert_calls_sql(cursor, known: dict[str, str]) -> str:
    return insert_select_sql(cursor, "calls_call", known, "%s::bigint, %s::bigint")


def main():
    ensure_database(DB_URL)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Role, Team, User
    from calls.models import Call, DirtyRepDay, Disposition
    from kpis import services
    from kpis.models import DailyRepKpi, LeadSet
    from leads.models import Lead, Pool

    call_command("migrate", verbosity=0)
    import logging
    import sys

    phases = logging.getLogger("kpis.services")  # where a rebuild's time goes
    phases.setLevel(logging.INFO)
    phases.addHandler(logging.StreamHandler(sys.stdout))
    reuse = os.environ.get("BENCH_REUSE") == "1" and Call.objects.exists()
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=N_DAYS)  # last generated day is yesterday

    if not reuse:
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("TRUNCATE calls_call, calls_dirtyrepday, kpis_dailyrepkpi, kpis_leadset, kpis_teamdaykpi, kpis_kpirun, "
                        "kpis_segmentdaykpi, kpis_segmentlead, kpis_segmentcombo, kpis_segmentleadmark CASCADE")
        reps = list(User.objects.filter(username__startswith="bench0").order_by("id"))
        leads = list(Lead.objects.filter(phone__startswith="+8613").order_by("id").only("id"))
        if len(reps) != N_REPS or len(leads) != N_REPS * LEADS_PER_REP:
            Lead.objects.all().delete()
            User.objects.filter(username__startswith="bench").delete()
            Team.objects.filter(name__startswith="Bench").delete()
            pool = Pool.objects.get_or_create(name="Bench pool")[0]
            teams = Team.objects.bulk_create(
                [Team(name=f"Bench team {i:03d}") for i in range(N_REPS // REPS_PER_TEAM)])
            reps = User.objects.bulk_create([
                User(username=f"bench{i:05d}", full_name=f"座席{i:05d}", role=Role.REP,
                     team=teams[i // REPS_PER_TEAM], password="!") for i in range(N_REPS)])
            manager = User.objects.create_user("benchmanager", password="bench-pass-123", role=Role.MANAGER,
                                                team=teams[0], full_name="Bench manager")
            teams[0].managers.add(manager)
            leads = Lead.objects.bulk_create(
                [Lead(name=f"客户{i}", phone=f"+8613{i:09d}", pool=pool) for i in range(N_REPS * LEADS_PER_REP)],
                batch_size=10_000)
        teams = Team.objects.filter(name__startswith="Bench")
        dispositions = {}
        for code, flags in {"bench-no-answer": {}, "bench-other": {}, "bench-reached": {"reached": True},
                            "bench-quoted": {"reached": True, "quoted": True}, "bench-sold": {"sold": True}}.items():
            dispositions[code] = Disposition.objects.update_or_create(
                code=code, defaults={"name": code, "attempted": True, **flags})[0].id
        print(f"setup: {N_REPS} reps, {len(teams)} teams, {len(leads):,} leads in {time.perf_counter() - t0:.1f} s")

        rep0, lead0 = reps[0].id, leads[0].id
        d = dispositions
        pick = "((g * 7919) % 100)"
        known = {
            "lead_id": f"{lead0} + (g % {N_REPS}) * {LEADS_PER_REP} + ((g / {N_REPS}) * 37 + g * 13) % {LEADS_PER_REP}",
            "rep_id": f"{rep0} + (g % {N_REPS})",
            "channel": "'phone'",
            # Chronological like real call logs (day index = g × days / calls), every rep every day,
            # 08:00–20:00 local (UTC+8 → 00:00–12:00 UTC).
            "started_at": f"(%s::date + ((g * {N_DAYS}) / {N_CALLS}) * interval '1 day') AT TIME ZONE 'UTC' "
                          f"+ ((g * 17) % 43200) * interval '1 second'",
            "duration_seconds": "(g * 31) % 400",
            "disposition_id": f"CASE WHEN {pick} < 45 THEN {d['bench-no-answer']} WHEN {pick} < 58 THEN {d['bench-other']} "
                              f"WHEN {pick} < 80 THEN {d['bench-reached']} WHEN {pick} < 94 THEN {d['bench-quoted']} "
                              f"ELSE {d['bench-sold']} END",
            "premium": f"CASE WHEN {pick} >= 94 THEN 500 + (g % 5000) ELSE NULL END",
            "margin_rate": f"CASE WHEN {pick} >= 94 THEN 0.05 + (g % 20) / 100.0 ELSE NULL END",
            "source": "'bench'",
            "created_at": "now()",
            "updated_at": "now()",
        }
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            sql = insert_calls_sql(cur, known)
            # Bulk load: the rows are valid by construction, so skip the per-row FK triggers and
            # build the secondary indexes once at the end instead of row by row.
            cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'calls_call' "
                        "AND indexname NOT IN (SELECT conname FROM pg_constraint)")
            indexes = cur.fetchall()
            for name, _ in indexes:
                cur.execute(f'DROP INDEX IF EXISTS "{name}"')
            cur.execute("SET session_replication_role = replica")
            for start in range(0, N_CALLS, CHUNK):
                cur.execute(sql, [first_day, start, min(start + CHUNK, N_CALLS) - 1])
                print(f"  {min(start + CHUNK, N_CALLS):,} calls ({time.perf_counter() - t0:.0f} s)", flush=True)
            cur.execute("SET session_replication_role = DEFAULT")
            for _, definition in indexes:
                cur.execute(definition)
            print(f"  indexes rebuilt ({time.perf_counter() - t0:.0f} s)", flush=True)
            cur.execute("VACUUM ANALYZE calls_call")
        print(f"generated {N_CALLS:,} calls in {time.perf_counter() - t0:.1f} s")
    if os.environ.get("BENCH_SEED_ONLY") == "1":
        return

    with connection.cursor() as cur:
        cur.execute("DELETE FROM calls_call WHERE source = 'bench-today'")  # left by an earlier run
        # Seven lead sources (for the segment cut), set before the rebuild counts the leads.
        cur.execute("UPDATE leads_lead SET source = 'source ' || (id % 7) WHERE source NOT LIKE 'source %%'")
    vacuum(connection)
    total_calls = Call.objects.count()
    print(f"\nmachine: {os.cpu_count()} cores; calls: {total_calls:,}; reps: {N_REPS}; days: {N_DAYS}")

    # Wall time and CPU time (this process + its PostgreSQL backend): on a shared machine the
    # CPU ratio is the steadier one. The raw statement runs right after, in the same window.
    cpu0, t0 = cpu_seconds(connection), time.perf_counter()
    run = services.recompute_full()
    full_s, full_cpu = time.perf_counter() - t0, cpu_seconds(connection) - cpu0
    raw = [timed_cpu_sql(f"SET jit = {jit}; {RAW_REBUILD_SQL.format(tz=settings.TIME_ZONE)} RESET jit;")
           for jit in ("on", "off")]
    raw_s, raw_cpu = min(r[0] for r in raw), min(r[1] for r in raw)
    report("full rebuild (facts + lead sets + segment sums, every day)", full_s, raw_s,
           f"raw: CREATE TABLE AS of one GROUP BY (rep, local day) with the same sums and distinct counts (no "
           f"lead sets, no team, nothing kept), the faster of JIT on and off; {run.rows:,} fact rows; goal ≤ 1.3x")
    print(f"full rebuild CPU: product {full_cpu:.1f} s (Python + its PostgreSQL backend), raw {raw_cpu:.1f} s, "
          f"ratio {full_cpu / raw_cpu:.2f}, load {os.getloadavg()[0]:.1f}", flush=True)
    for workers in [int(n) for n in os.environ.get("BENCH_FANOUT_WORKERS", "1,2").split(",") if n]:
        from _fanout import timed_fan_out

        try:
            fan_s = timed_fan_out(workers)
        except SystemExit as exc:  # no Redis or no workers here: the other figures still count
            print(f"fanned-out rebuild on {workers} worker(s) not measured: {exc}", flush=True)
            continue
        report(f"full rebuild fanned out, one task per month, {workers} Celery worker(s)", fan_s, raw_s,
               f"raw: the CREATE TABLE AS above; single-process rebuild {full_s:.1f} s")

    # One more day of calls for every rep: 200,000 new calls, marked dirty like call writes do.
    with connection.cursor() as cur:
        cur.execute("SELECT MAX(id) FROM calls_call")
        offset = cur.fetchone()[0] or 0
        lead0 = Lead.objects.order_by("id").values_list("id", flat=True).first()
        rep0 = User.objects.filter(username="bench00000").values_list("id", flat=True).first()
        sold = Disposition.objects.get(code="bench-sold").id
        reached = Disposition.objects.get(code="bench-reached").id
        known = {
            "lead_id": f"{lead0} + (g % {N_REPS}) * {LEADS_PER_REP} + (g / {N_REPS}) % {LEADS_PER_REP}",
            "rep_id": f"{rep0} + (g % {N_REPS})",
            "channel": "'phone'",
            "started_at": f"(%s::timestamp AT TIME ZONE '{settings.TIME_ZONE}') + interval '9 hours' "
                          "+ (g % 30000) * interval '1 second'",
            "duration_seconds": "(g * 31) % 400",
            "disposition_id": f"CASE WHEN g % 10 = 0 THEN {sold} ELSE {reached} END",
            "premium": "CASE WHEN g % 10 = 0 THEN 1000 ELSE NULL END",
            "margin_rate": "CASE WHEN g % 10 = 0 THEN 0.2 ELSE NULL END",
            "source": "'bench-today'",
            "created_at": "now()",
            "updated_at": "now()",
        }
        cur.execute("DELETE FROM calls_call WHERE source = 'bench-today'")
        cur.execute(insert_calls_sql(cur, known), [today, offset + 1, offset + INCREMENTAL_CALLS])
    DirtyRepDay.objects.bulk_create(
        [DirtyRepDay(rep_id=rep_id, day=today) for rep_id in
         User.objects.filter(username__startswith="bench0").values_list("id", flat=True)],
        ignore_conflicts=True)
    t0 = time.perf_counter()
    run = services.recompute_incremental()
    inc_s = time.perf_counter() - t0
    print(f"incremental after {INCREMENTAL_CALLS:,} new calls on one day: {inc_s:.2f} s for {run.rep_days} (rep, day) "
          f"pairs (goal ≤ 5 s), load {os.getloadavg()[0]:.1f}")

    manager = User.objects.get(username="benchmanager")
    team_id = manager.team_id
    admin = User.objects.filter(username="benchadmin").first() or User.objects.create_user(
        "benchadmin", password="bench-pass-123", role=Role.ADMIN, full_name="Bench admin")
    print(f"facts: {DailyRepKpi.objects.count():,} rows; lead sets: {LeadSet.objects.count():,} rows")
    team_reps = ",".join(str(i) for i in User.objects.filter(team_id=team_id).values_list("id", flat=True))
    year_ago = today - dt.timedelta(days=364)
    month_ago = today - dt.timedelta(days=29)
    for label, params, start in (("30 days", {}, month_ago), ("12 months", {"range": "12m"}, year_ago)):
        product = timed_page(manager, f"/kpis/team/{team_id}/", params)
        raw = timed_sql(raw_distinct_sql(start, today, f"AND c.rep_id IN ({team_reps})"))
        report(f"team dashboard, {REPS_PER_TEAM} reps, {label}", product, raw,
               "raw: the team's distinct customers per stage from its calls; goal < 300 ms")
    product = timed_page(admin, "/kpis/company/", {"range": "12m"})
    raw = timed_sql(raw_distinct_sql(year_ago, today, ""), repeat=1)
    report("company dashboard, 12 months", product, raw,
           "raw: the company's distinct customers per stage from all calls; goal < 500 ms")
    for label, extra, scope in (("one team", f"AND c.rep_id IN ({team_reps})", {"team": team_id}), ("company", "", {})):
        product = timed_api(admin, "/api/v1/kpis/", {"segment": "source", "range": None, "from": year_ago.isoformat(),
                                                     "to": today.isoformat(), **scope}, repeat=3 if extra else 1)
        raw = timed_sql(raw_distinct_sql(year_ago, today, extra, by_source=True), repeat=3 if extra else 1)
        report(f"segment cut by source, {label}, 12 months", product, raw,
               "raw: the same GROUP BY source with distinct customers per stage; goal < 500 ms; the company's "
               "cut reads the stored cuts as of the last run, a team's is computed from its calls")
    # 1,000 leads change source (one bulk UPDATE; the trigger marks them): the next incremental
    # run moves only their own items between segment combinations.
    with connection.cursor() as cur:
        cur.execute("UPDATE leads_lead SET source = source || ' (moved)' WHERE id IN "
                    "(SELECT id FROM leads_lead WHERE phone LIKE '+8613%%' ORDER BY id LIMIT 1000)")
    t0 = time.perf_counter()
    services.recompute_incremental()
    moved_s = time.perf_counter() - t0
    print(f"incremental after 1,000 leads changed source: {moved_s:.2f} s, load {os.getloadavg()[0]:.1f}")
    product = timed_api(admin, "/api/v1/kpis/", {"segment": "source", "from": year_ago.isoformat(),
                                                 "to": today.isoformat()}, repeat=1)
    print(f"segment cut by source, company, after the move: {product * 1000:,.0f} ms")
    with connection.cursor() as cur:
        cur.execute("UPDATE leads_lead SET source = replace(source, ' (moved)', '') WHERE source LIKE '%% (moved)'")
    services.recompute_incremental()
    live = reverse("kpis:team_live_board", args=[team_id])
    product = timed_page(manager, live, {})
    raw = timed_sql(raw_distinct_sql(today, today, f"AND c.rep_id IN ({team_reps})", by_rep=True))
    report(f"live wallboard refresh ({live}), today", product, raw,
           "raw: today's calls and distinct customers per rep of the team; goal < 100 ms")
    print(f"load average during the run: {os.getloadavg()}")


RAW_REBUILD_SQL = """
    CREATE TEMP TABLE raw_facts AS
    SELECT c.rep_id, (c.started_at AT TIME ZONE '{tz}')::date AS day,
           COUNT(*) FILTER (WHERE d.attempted OR d.reached OR d.quoted OR d.sold) AS calls_made,
           COUNT(*) FILTER (WHERE d.reached OR d.quoted OR d.sold) AS calls_reached,
           COUNT(*) FILTER (WHERE d.sold) AS policies_sold,
           COUNT(DISTINCT c.lead_id) FILTER (WHERE d.attempted OR d.reached OR d.quoted OR d.sold) AS dialled,
           COUNT(DISTINCT c.lead_id) FILTER (WHERE d.reached OR d.quoted OR d.sold) AS reached,
           COUNT(DISTINCT c.lead_id) FILTER (WHERE d.quoted OR d.sold) AS quoted,
           COUNT(DISTINCT c.lead_id) FILTER (WHERE d.sold) AS sold,
           SUM(c.premium) FILTER (WHERE d.sold) AS premium,
           SUM(ROUND(c.premium * c.margin_rate, 2)) FILTER (WHERE d.sold) AS margin,
           SUM(c.duration_seconds) AS talk
    FROM calls_call c JOIN calls_disposition d ON d.id = c.disposition_id
    GROUP BY 1, 2;
    DROP TABLE raw_facts;
"""


def vacuum(connection) -> None:
    """VACUUM ANALYZE the tables the runs read and write. This server runs without autovacuum, so
    the rows earlier runs deleted would stay behind (and index-only scans would read the heap);
    a production server's autovacuum does this on its own."""
    with connection.cursor() as cur:
        for table in ("calls_call", "leads_lead", "kpis_dailyrepkpi", "kpis_leadset", "kpis_teamdaykpi",
                      "kpis_segmentdaykpi", "kpis_segmentlead", "kpis_segmentcombo"):
            cur.execute(f"VACUUM ANALYZE {table}")


def raw_distinct_sql(start, end, extra: str, by_source: bool = False, by_rep: bool = False) -> str:
    from telesales.days import day_bounds

    lo, hi = day_bounds(start, (end - start).days + 1)
    group = ("1", "", "")
    if by_source:
        group = ("l.source", "JOIN leads_lead l ON l.id = c.lead_id", "GROUP BY l.source")
    elif by_rep:
        group = ("c.rep_id", "", "GROUP BY c.rep_id")
    return f"""
        SELECT {group[0]}, COUNT(*), COUNT(DISTINCT c.lead_id),
               COUNT(DISTINCT c.lead_id) FILTER (WHERE d.reached OR d.quoted OR d.sold),
               COUNT(DISTINCT c.lead_id) FILTER (WHERE d.quoted OR d.sold),
               COUNT(DISTINCT c.lead_id) FILTER (WHERE d.sold), SUM(c.premium) FILTER (WHERE d.sold)
        FROM calls_call c JOIN calls_disposition d ON d.id = c.disposition_id {group[1]}
        WHERE c.started_at >= '{lo.isoformat()}' AND c.started_at < '{hi.isoformat()}' {extra} {group[2]}
    """


def cpu_seconds(connection) -> float:
    """CPU seconds used so far by this process and by its connection's PostgreSQL backend
    (/proc: the server runs on this machine)."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return time.process_time() + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_cpu_sql(sql: str) -> tuple[float, float]:
    """(wall seconds, backend CPU seconds) of one run of `sql`."""
    from django.db import connection

    cpu0, t0 = cpu_seconds(connection), time.perf_counter()
    timed_sql(sql, repeat=1)
    return time.perf_counter() - t0, cpu_seconds(connection) - cpu0


def timed_sql(sql: str, repeat: int = 3) -> float:
    from django.db import connection

    times = []
    with connection.cursor() as cur:
        for _ in range(repeat):
            t0 = time.perf_counter()
            cur.execute(sql)
            if cur.description:
                cur.fetchall()
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def timed_page(user, url: str, params: dict, repeat: int = 5) -> float:
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get(url, params).status_code == 200  # warm
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = client.get(url, params)
        times.append(time.perf_counter() - t0)
        assert res.status_code == 200, res.status_code
    return statistics.median(times)


def timed_api(user, url: str, params: dict, repeat: int = 3) -> float:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    params = {k: v for k, v in params.items() if v is not None}
    assert client.get(url, params).status_code == 200, client.get(url, params).content[:300]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        client.get(url, params)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def report(label: str, product_s: float, raw_s: float, note: str) -> None:
    print(f"{label}: product {product_s * 1000:,.0f} ms, raw PostgreSQL {raw_s * 1000:,.0f} ms, "
          f"ratio {product_s / raw_s:.2f}, load {os.getloadavg()[0]:.1f} ({note})", flush=True)


if __name__ == "__main__":
    main()
