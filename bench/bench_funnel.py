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


def median_ms(fn):
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


RAW_COUNTS = """
    SELECT owner_id, grade, status, COUNT(*) FROM (
        SELECT DISTINCT ON (l.id) l.owner_id, COALESCE(g.to_grade, 'E') AS grade, COALESCE(g.to_status, 'active') AS status
        FROM leads_lead l LEFT JOIN leads_gradechange g ON g.lead_id = l.id AND g.changed_at <= %s
        WHERE l.created_at <= %s AND l.owner_id = ANY(%s)
        ORDER BY l.id, g.changed_at DESC NULLS LAST, g.id DESC
    ) st GROUP BY owner_id, grade, status
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
    from django.utils import timezone

    from accounts.models import Role, Team, User
    from funnel import selectors
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

    past_day = timezone.localdate() - dt.timedelta(days=60)
    moment = selectors.as_of_moment(past_day)

    def raw_counts():
        with connection.cursor() as cur:
            cur.execute(RAW_COUNTS, [moment, moment, rep_ids])
            return cur.fetchall()

    record("funnel counts of 50 reps as of 60 days ago (snapshot + changes since)",
           median_ms(lambda: selectors.funnel_counts_by_owner(rep_ids, moment)), median_ms(raw_counts), "ms")

    client = Client()
    client.force_login(manager)
    past = past_day.isoformat()
    cases = [
        ("team funnel page (now, conversion over 30 days)", "/funnel/team/", {}),
        ("team funnel page as of 60 days ago", "/funnel/team/", {"as_of": past}),
        ("team funnel page, conversion over 90 days", "/funnel/team/", {"days": 90}),
        ("team funnel API as of 60 days ago", "/api/v1/funnel/", {"team": team.pk, "as_of": past}),
        ("one rep's funnel page", "/funnel/", {"rep": rep_ids[0]}),
    ]
    print(f"server time over {RUNS} runs (median / min / max), PostgreSQL {connection.pg_version // 10000}:")
    for label, url, params in cases:
        timed(client, url, params)  # warm
        median, low, high = timed(client, url, params)
        print(f"  {label:60s} {median:7.1f} ms  ({low:.1f} / {high:.1f})")
        record(label, median, None, "ms", "< 300 ms" if "as of" in label else "")


if __name__ == "__main__":
    main()
