"""Funnel benchmark on PostgreSQL: team funnel page with 50 reps, 200,000 leads and 1,000,000
grade changes (goal < 300 ms server time). The funnel as of a past day reads the nearest daily
snapshot (funnel.services.take_snapshots, run here for BENCH_SNAPSHOT_DAYS days first); its raw
PostgreSQL twin is the same counts rebuilt from the whole grade history in one plain statement.

    .venv/bin/python bench/bench_funnel.py
    BENCH_LEADS=20000 BENCH_CHANGES=100000 .venv/bin/python bench/bench_funnel.py   # smaller

Uses its own database (default postgres://postgres@127.0.0.1:5432/ts_funnel_bench, created if
missing; override with BENCH_DATABASE_URL). Leads and grade history are generated with
generate_series in SQL. BENCH_REUSE=1 keeps generated data and only times the runs."""

import datetime as dt
import os
import statistics
import time

from _common import (  # noqa: E402 (bench/ is on sys.path)
    configure,
    ensure_database,
    insert_select_sql,
    record,
)

DB_URL = configure("ts_funnel_bench")

N_REPS = int(os.environ.get("BENCH_REPS", 50))
N_LEADS = int(os.environ.get("BENCH_LEADS", 200_000))
N_CHANGES = int(os.environ.get("BENCH_CHANGES", 1_000_000))
RUNS = int(os.environ.get("BENCH_RUNS", 7))
SNAPSHOT_DAYS = int(os.environ.get("BENCH_SNAPSHOT_DAYS", 70))
RAW_RUNS = int(os.environ.get("BENCH_RAW_RUNS", 1))  # the raw rebuilds from the whole history take seconds


def generate(rep_ids: list[int]):
    from django.db import connection

    per_lead = max(1, N_CHANGES // N_LEADS)
    with connection.cursor() as cur:
        cur.execute("TRUNCATE leads_gradechange, leads_lead RESTART IDENTITY CASCADE")
        reps = "ARRAY[" + ",".join(map(str, rep_ids)) + "]"
        # Leads created over the last 400 days, spread round-robin over the reps.
        cur.execute(
            insert_select_sql(cur, "leads_lead", {
                "name": "'Lead ' || g", "phone": "'+86139' || lpad(g::text, 8, '0')",
                "grade": "'E'", "status": "'active'",
                "owner_id": f"({reps})[1 + (g % {len(rep_ids)})]",
                "created_at": "now() - ((g % 400) + 30) * interval '1 day'",
                "updated_at": "now()", "tags": "'[]'::jsonb",
            }, "1, %s"),
            [N_LEADS],
        )
        # Each lead climbs one grade per change up to its ceiling (D..A), then swings between the
        # ceiling and the grade below; one lead in ten is won and one in ten lost at its last change.
        rank = "(CASE WHEN k <= m THEN k WHEN (k - m) %% 2 = 1 THEN m - 1 ELSE m END)"
        prev = "(CASE WHEN k - 1 <= m THEN k - 1 WHEN (k - 1 - m) %% 2 = 1 THEN m - 1 ELSE m END)"
        grade = "(ARRAY['E','D','C','B','A'])[1 + {r}]"
        cur.execute(
            f"""
            INSERT INTO leads_gradechange (lead_id, from_grade, to_grade, to_status, changed_by_id, owner_id, changed_at)
            SELECT l.id, {grade.format(r=prev)}, {grade.format(r=rank)},
                   CASE WHEN k = %s AND l.id %% 10 = 0 THEN 'won' WHEN k = %s AND l.id %% 10 = 1 THEN 'lost'
                        ELSE 'active' END,
                   l.owner_id, l.owner_id,
                   LEAST(now() - interval '1 hour', l.created_at + k * ((l.id %% 7) + 1) * interval '1 day')
            FROM leads_lead l
            CROSS JOIN LATERAL (SELECT 1 + (l.id %% 4) AS m) ceiling
            CROSS JOIN generate_series(1, %s) AS k
            """,
            [per_lead, per_lead, per_lead],
        )
        # The leads' current grade is their last change, as the grade service keeps it.
        cur.execute(
            """
            UPDATE leads_lead l SET grade = last.to_grade, status = last.to_status, grade_changed_at = last.changed_at
            FROM (SELECT DISTINCT ON (lead_id) lead_id, to_grade, to_status, changed_at FROM leads_gradechange
                  ORDER BY lead_id, changed_at DESC, id DESC) last
            WHERE last.lead_id = l.id
            """
        )
        cur.execute("ANALYZE leads_lead")
        cur.execute("ANALYZE leads_gradechange")


def timed(client, url, params=None):
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        response = client.get(url, params or {})
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), min(times), max(times)


def median_ms(fn, runs=None):
    times = []
    for _ in range(runs or RUNS):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def cpu_ms(client, url, params):
    """Median CPU time of the benchmark process (the web process's share) for one request."""
    times = []
    for _ in range(RUNS):
        t0 = time.process_time()
        client.get(url, params)
        times.append((time.process_time() - t0) * 1000)
    return statistics.median(times)


RAW_COUNTS = """
    SELECT owner_id, grade, status, COUNT(*) FROM (
        SELECT DISTINCT ON (l.id) l.owner_id, COALESCE(g.to_grade, 'E') AS grade, COALESCE(g.to_status, 'active') AS status
        FROM leads_lead l LEFT JOIN leads_gradechange g ON g.lead_id = l.id AND g.changed_at <= %s
        WHERE l.created_at <= %s AND l.owner_id = ANY(%s)
        ORDER BY l.id, g.changed_at DESC NULLS LAST, g.id DESC
    ) st GROUP BY owner_id, grade, status
"""


# The stage conversion of the 30 days up to the same past moment, from scratch in one plain
# statement (funnel.selectors.stages_past's definition; the bench has no ownership events, so
# a lead not graded in the period is its owner's): every lead's grade at the end from the whole
# history, and the period's changes grouped per lead.
_VISITED = ", ".join(f"bool_or(to_status = 'active' AND to_grade = '{g}') AS v_{g}" for g in "EDCBA")
_RANK = ("CASE WHEN to_status = 'won' THEN 5 WHEN to_status <> 'active' THEN -1 ELSE "
         "array_position(ARRAY['E','D','C','B','A'], to_grade) - 1 END")
_AT = {g: f"(CASE WHEN w.lead_id IS NULL THEN s.status = 'active' AND s.grade = '{g}' "
          f"ELSE w.start_grade = '{g}' OR w.v_{g} END)" for g in "EDCBA"}
_TOP = "COALESCE(w.max_rank, array_position(ARRAY['E','D','C','B','A'], s.grade) - 1)"
RAW_STAGES = f"""
    WITH w AS (
        SELECT g.lead_id, CASE WHEN MIN(l.created_at) >= %(start)s THEN 'E'
                               ELSE (array_agg(g.from_grade ORDER BY g.changed_at, g.id))[1] END AS start_grade,
               (array_agg(g.owner_id ORDER BY g.changed_at DESC, g.id DESC))[1] AS last_owner,
               MAX({_RANK}) AS max_rank, {_VISITED}
        FROM leads_gradechange g JOIN leads_lead l ON l.id = g.lead_id
        WHERE g.changed_at >= %(start)s AND g.changed_at <= %(end)s GROUP BY g.lead_id
    ), s AS (
        SELECT DISTINCT ON (l.id) l.id, l.owner_id, COALESCE(g.to_grade, 'E') AS grade,
               COALESCE(g.to_status, 'active') AS status
        FROM leads_lead l LEFT JOIN leads_gradechange g ON g.lead_id = l.id AND g.changed_at <= %(end)s
        WHERE l.created_at <= %(end)s
        ORDER BY l.id, g.changed_at DESC NULLS LAST, g.id DESC
    )
    SELECT COALESCE(w.last_owner, s.owner_id) AS owner,
           {", ".join(f"COUNT(*) FILTER (WHERE {_AT[g]}), COUNT(*) FILTER (WHERE {_AT[g]} AND {_TOP} > {i})"
                      for i, g in enumerate("EDCBA"))}
    FROM s LEFT JOIN w ON w.lead_id = s.id
    WHERE COALESCE(w.last_owner, s.owner_id) = ANY(%(reps)s)
    GROUP BY 1
"""
# The least any exact answer reads: the period's grade changes, grouped per lead.
RAW_PERIOD_CHANGES = """
    SELECT COUNT(*) FROM (SELECT lead_id, MIN(from_grade), MAX(to_grade), MAX(owner_id) FROM leads_gradechange
                          WHERE changed_at >= %(start)s AND changed_at <= %(end)s GROUP BY lead_id) per_lead
"""


def snapshots():
    """The snapshot job: fill in the days back, then time one nightly run (one new day)."""
    from funnel import services
    from funnel.models import FunnelSnapshot

    t0 = time.perf_counter()
    taken = services.take_snapshots(days=SNAPSHOT_DAYS)
    print(f"snapshot job: {len(taken)} days filled in, {time.perf_counter() - t0:.1f} s")
    FunnelSnapshot.objects.order_by("-moment").first().delete()
    t0 = time.perf_counter()
    services.take_snapshots(days=SNAPSHOT_DAYS)
    record("funnel snapshot job, one night (one new day)", (time.perf_counter() - t0) * 1000, None, "ms")


def main():
    ensure_database(DB_URL)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import Role, Team, User
    from leads.models import GradeChange, Lead

    call_command("migrate", verbosity=0)
    team, _ = Team.objects.get_or_create(name="Bench funnel team")
    manager, _ = User.objects.get_or_create(username="bench-funnel-manager", defaults={"role": Role.MANAGER, "team": team})
    team.managers.add(manager)
    reps = []
    for i in range(N_REPS):
        rep, _ = User.objects.get_or_create(username=f"bench-funnel-rep{i:02d}", defaults={"team": team, "role": Role.REP})
        reps.append(rep)
    rep_ids = [r.pk for r in reps]
    have = GradeChange.objects.count()
    if os.environ.get("BENCH_REUSE") and have:
        print(f"reusing {Lead.objects.count():,} leads and {have:,} grade changes")
    else:
        t0 = time.perf_counter()
        generate(rep_ids)
        print(
            f"generated {Lead.objects.count():,} leads and {GradeChange.objects.count():,} grade changes "
            f"for {N_REPS} reps in {time.perf_counter() - t0:.1f} s"
        )
    snapshots()

    client = Client()
    client.force_login(manager)
    print(f"server time over {RUNS} runs (median / min / max), PostgreSQL {connection.pg_version // 10000}:")
    for label, url, params in [
        ("team funnel page (now, conversion over 30 days)", "/funnel/team/", {}),
        ("team funnel page, conversion over 90 days", "/funnel/team/", {"days": 90}),
        ("one rep's funnel page", "/funnel/", {"rep": rep_ids[0]}),
    ]:
        timed(client, url, params)  # warm
        median, low, high = timed(client, url, params)
        print(f"  {label:60s} {median:7.1f} ms  ({low:.1f} / {high:.1f})")
        record(label, median, None, "ms")
    for days_ago in [int(d) for d in os.environ.get("BENCH_AS_OF_DAYS", "1,60,365").split(",")]:
        as_of_past(client, team, rep_ids, days_ago)


def as_of_past(client, team, rep_ids, days_ago):
    """The team page and the funnel API as of a past day, next to the raw statements answering the
    same from the whole history in the same run (the page: the funnel and its 30-day stage
    conversion), and the floor: the period's grade changes grouped per lead."""
    from django.db import connection, transaction
    from django.utils import timezone

    from funnel import selectors

    past_day = timezone.localdate() - dt.timedelta(days=days_ago)
    moment = selectors.as_of_moment(past_day)
    args = {"start": moment - dt.timedelta(days=30), "end": moment, "reps": rep_ids}

    def raw(sql, params):
        def run():
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SET LOCAL jit = off")  # as the product reads: a fair twin
                cur.execute(sql, params)
                return cur.fetchall()
        return run

    raw_counts = median_ms(raw(RAW_COUNTS, [moment, moment, rep_ids]), runs=RAW_RUNS)
    raw_stages = median_ms(raw(RAW_STAGES, args), runs=RAW_RUNS)
    floor = median_ms(raw(RAW_PERIOD_CHANGES, args))
    record(f"funnel counts of 50 reps as of {days_ago} days ago (snapshot + changes since)",
           median_ms(lambda: selectors.funnel_counts_by_owner(rep_ids, moment)), raw_counts, "ms")
    page = {"as_of": past_day.isoformat()}
    timed(client, "/funnel/team/", page)  # warm
    median, low, high = timed(client, "/funnel/team/", page)
    cpu = cpu_ms(client, "/funnel/team/", page)
    print(f"  team page as of {days_ago} days ago: {median:.1f} ms ({low:.1f} / {high:.1f}), CPU {cpu:.1f} ms; "
          f"raw: counts {raw_counts:.1f} ms + stages {raw_stages:.1f} ms; floor (period's changes per lead) {floor:.1f} ms")
    record(f"team funnel page as of {days_ago} days ago (raw: counts + 30-day stages from the history)",
           median, raw_counts + raw_stages, "ms", "< 300 ms")
    record(f"team funnel page as of {days_ago} days ago (raw: the period's changes per lead)", median, floor, "ms")
    record(f"team funnel page as of {days_ago} days ago, CPU of the web process", cpu, None, "ms")
    api = {"team": team.pk, "as_of": past_day.isoformat()}
    timed(client, "/api/v1/funnel/", api)
    median, low, high = timed(client, "/api/v1/funnel/", api)
    record(f"team funnel API as of {days_ago} days ago (raw: counts from the history)", median, raw_counts, "ms",
           "< 300 ms")


if __name__ == "__main__":
    main()
