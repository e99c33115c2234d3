"""Leads benchmark on PostgreSQL.

1. Import of a 100,000-row CSV end to end (read, phone normalization, collision checks against
   the database and inside the file, inserts with audit rows, report) — goal ≥ 10,000 rows/s.
2. Claims per second with 8 concurrent clients (separate processes, own connections), each
   claim a full service call (rep row lock, limits, cooldown, conditional update, audit row)
   — goal ≥ 1,000 claims/s.
3. Hand-over of a rep holding 20,000 leads (deactivate + round-robin across a team) — goal < 5 s.

    .venv/bin/python bench/bench_leads.py
    BENCH_IMPORT_ROWS=20000 .venv/bin/python bench/bench_leads.py   # smaller

Each figure is printed next to its raw PostgreSQL twin of the same run (bench/_common.py record()):
the import next to COPY of the same file into a temporary staging table plus one
`INSERT … ON CONFLICT (phone) DO NOTHING RETURNING` with an audit row per new lead (goal ≥ 0.25);
the claims next to pgbench, 8 clients, a conditional UPDATE + audit INSERT per transaction (goal ≥ 0.5).

Uses its own database (default postgres://postgres@127.0.0.1:5432/ts_leads_bench, recreated each
run; override with BENCH_DATABASE_URL). BENCH_SYNCHRONOUS_COMMIT=off runs the same with PostgreSQL's
asynchronous commit, to separate the disk's flush latency from the application's cost."""

import multiprocessing as mp
import os
import random
import re
import subprocess
import tempfile
import time

from _common import configure, record, recreate_database  # noqa: E402 (bench/ is on sys.path)

DB_URL = configure("ts_leads_bench")
os.environ["DEBUG"] = "false"
os.environ.setdefault("MEDIA_ROOT", "/tmp/ts_leads_bench_media")

IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 100_000))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 8))
CLAIMS_PER_CLIENT = int(os.environ.get("BENCH_CLAIMS_PER_CLIENT", 1000))
HANDOVER_LEADS = int(os.environ.get("BENCH_HANDOVER_LEADS", 20_000))


def phones(n, rng, prefix_pool=("138", "139", "186", "158", "135")):
    seen = set()
    out = []
    while len(out) < n:
        p = rng.choice(prefix_pool) + f"{rng.randrange(10**8):08d}"
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def bench_import(admin, pool):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leads import imports
    from leads.models import Lead, OwnershipEvent

    rng = random.Random(7)
    numbers = phones(IMPORT_ROWS + 1000, rng)
    existing = numbers[IMPORT_ROWS:]
    # 1,000 numbers already in the database, some rows repeat, some are junk.
    Lead.objects.bulk_create([Lead(name="old", phone="+86" + p, pool=pool) for p in existing])
    lines = ["姓名,手机,公司,地区"]
    for i in range(IMPORT_ROWS):
        r = rng.random()
        if r < 0.01:
            phone = "12345"
        elif r < 0.02:
            phone = rng.choice(existing)
        elif r < 0.03 and i:
            phone = numbers[i - 1]
        else:
            phone = numbers[i]
        lines.append(f"客户{i},{phone},公司{i % 997},上海")
    data = ("\n".join(lines) + "\n").encode()
    raw = raw_import(data, existing)
    t = time.perf_counter()
    job = imports.start_import(actor=admin, upload=SimpleUploadedFile("bench.csv", data), pool_id=pool.pk)
    job = imports.run_import(job_id=job.pk)
    elapsed = time.perf_counter() - t
    assert job.status == "done", job.error
    print(f"import: {IMPORT_ROWS:,} rows in {elapsed:.2f} s "
          f"(created {job.created_count:,}, collisions {job.collision_count:,}, errors {job.error_count:,}; "
          f"audit rows {OwnershipEvent.objects.filter(reason='import').count():,})")
    record(f"lead import, {IMPORT_ROWS:,} rows", IMPORT_ROWS / elapsed, raw, "rows/s", "≥ 0.25", higher_is_better=True)


def raw_import(data: bytes, existing: list[str]) -> float:
    """Raw PostgreSQL: COPY the same file into a temporary staging table, then one INSERT … ON CONFLICT
    (phone) DO NOTHING RETURNING into a table shaped like leads_lead (holding the same existing
    numbers) with one audit row per new lead; returns rows/s."""
    import io

    import psycopg2

    conn = psycopg2.connect(DB_URL)
    with conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_raw_lead, bench_raw_event")
        cur.execute("CREATE TABLE bench_raw_lead (LIKE leads_lead INCLUDING ALL)")
        cur.execute("CREATE TABLE bench_raw_event (LIKE leads_ownershipevent INCLUDING ALL)")
        cur.execute("INSERT INTO bench_raw_lead SELECT * FROM leads_lead")
        cur.execute("SELECT setval(pg_get_serial_sequence('bench_raw_lead', 'id'), COALESCE(MAX(id), 0) + 1) "
                    "FROM bench_raw_lead")
        conn.commit()
        t = time.perf_counter()
        cur.execute("CREATE TEMP TABLE staging (name text, phone text, company text, region text) ON COMMIT DROP")
        cur.copy_expert("COPY staging FROM STDIN WITH (FORMAT csv, HEADER true)", io.BytesIO(data))
        cur.execute("""
            WITH ins AS (
                INSERT INTO bench_raw_lead (name, phone, phone2, company, region, source, tags, product_interest, grade,
                    status, attributes, locked, unanswered_attempts, has_open_quote, created_at, updated_at)
                SELECT DISTINCT ON (phone) name, '+86' || phone, '', company, region, '', '[]', '', 'E', 'active', '{}',
                       false, 0, false, now(), now()
                FROM staging WHERE phone ~ '^1[3-9][0-9]{9}$'
                ON CONFLICT (phone) DO NOTHING RETURNING id)
            INSERT INTO bench_raw_event (lead_id, reason, note, at) SELECT id, 'import', 'raw', now() FROM ins""")
        conn.commit()
        elapsed = time.perf_counter() - t
    conn.close()
    return IMPORT_ROWS / elapsed


def _claimer(args):
    rep_id, lead_ids, barrier = args
    import django

    django.setup()
    from django.db import connection

    from accounts.models import User
    from leads import services

    rep = User.objects.get(pk=rep_id)
    connection.ensure_connection()
    barrier.wait()
    t = time.perf_counter()
    ok = lost = 0
    for lid in lead_ids:
        try:
            services.claim_lead(actor=rep, lead_id=lid)
            ok += 1
        except services.LeadAlreadyClaimed:
            lost += 1
    return ok, lost, time.perf_counter() - t


def bench_claims(team):
    from accounts.models import User
    from leads.models import Lead, Pool

    pool = Pool.objects.create(name="bench-claims", max_held=10**6, max_claims_per_day=10**6, reclaim_cooldown_days=0)
    reps = [User.objects.create_user(f"claimer{i}", full_name=f"抢单{i}", team=team) for i in range(CLIENTS)]
    total = CLIENTS * CLAIMS_PER_CLIENT
    rng = random.Random(11)
    Lead.objects.bulk_create(
        [Lead(name=f"pool{i}", phone="+86" + p, pool=pool) for i, p in enumerate(phones(total, rng, ("150", "151")))],
        batch_size=5000,
    )
    ids = list(Lead.objects.filter(pool=pool).order_by("pk").values_list("pk", flat=True))
    # Interleave so neighbouring clients also race for the same rows now and then.
    slices = [ids[i::CLIENTS] for i in range(CLIENTS)]
    for i in range(0, CLIENTS, 2):
        if i + 1 < CLIENTS:
            slices[i + 1] = slices[i + 1][:50] + slices[i][:50] + slices[i + 1][50:]
    from django.db import connections

    raw = raw_claims(pool.pk, reps[0].pk)
    connections.close_all()
    ctx = mp.get_context("fork")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(CLIENTS)
        t = time.perf_counter()
        with ctx.Pool(CLIENTS) as workers:
            results = workers.map(_claimer, [(r.pk, s, barrier) for r, s in zip(reps, slices, strict=True)])
        wall = time.perf_counter() - t
    ok = sum(r[0] for r in results)
    lost = sum(r[1] for r in results)
    longest = max(r[2] for r in results)
    owned = Lead.objects.filter(pool=pool, owner__isnull=False).count()
    print(f"claims: {CLIENTS} concurrent clients made {ok:,} claims ({lost} lost races answered) in {longest:.2f} s "
          f"(wall incl. process start {wall:.2f} s); owned rows {owned:,}")
    record(f"claims, {CLIENTS} clients", ok / longest, raw, "claims/s", "≥ 0.5", higher_is_better=True)


def raw_claims(pool_id: int, rep_id: int) -> float:
    """pgbench, CLIENTS clients: per transaction a conditional UPDATE … WHERE owner_id IS NULL of one
    lead of a table shaped like leads_lead (a copy of the claim pool, ten times over so few draws
    repeat) and its audit INSERT; returns transactions/s."""
    import psycopg2

    conn = psycopg2.connect(DB_URL)
    with conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_raw_claim, bench_raw_claim_event")
        cur.execute("CREATE TABLE bench_raw_claim (LIKE leads_lead INCLUDING ALL)")
        cur.execute("CREATE TABLE bench_raw_claim_event (LIKE leads_ownershipevent INCLUDING ALL)")
        cur.execute("""INSERT INTO bench_raw_claim (name, phone, phone2, company, region, source, tags, product_interest,
                           grade, status, attributes, locked, unanswered_attempts, has_open_quote, pool_id, created_at,
                           updated_at)
                       SELECT l.name, l.phone || '-' || g, '', '', '', '', '[]', '', 'E', 'active', '{}', false, 0, false,
                              l.pool_id, now(), now()
                       FROM leads_lead l, generate_series(1, 10) g WHERE l.pool_id = %s""", [pool_id])
        cur.execute("SELECT min(id), count(*) FROM bench_raw_claim")
        first, n = cur.fetchone()
        conn.commit()
    conn.close()
    script = (
        f"\\set id random({first}, {first + n - 1})\n"
        "BEGIN;\n"
        f"WITH u AS (UPDATE bench_raw_claim SET owner_id = {rep_id}, claimed_at = now(), locked = false, updated_at = now() "
        "WHERE id = :id AND owner_id IS NULL AND status = 'active' RETURNING id) "
        "INSERT INTO bench_raw_claim_event (lead_id, from_owner_id, to_owner_id, actor_id, reason, note, at) "
        f"SELECT id, NULL, {rep_id}, {rep_id}, 'claim', '', now() FROM u;\n"
        "END;\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as fh:
        fh.write(script)
    host, port, dbname = re.match(r"postgres://[^@]*@([^:/]+):?(\d*)/(.+)$", DB_URL).groups()
    out = subprocess.run(["pgbench", "-n", "-h", host, "-p", port or "5432", "-U", "postgres", "-c", str(CLIENTS),
                          "-j", str(min(CLIENTS, 2)), "-t", str(CLAIMS_PER_CLIENT), "-f", fh.name, dbname],
                         capture_output=True, text=True, check=True).stdout
    os.unlink(fh.name)
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def bench_handover(admin, team):
    from accounts.models import User
    from leads import services
    from leads.models import Lead, OwnershipEvent, Pool

    pool = Pool.objects.create(name="bench-handover", max_held=10**6)
    leaving = User.objects.create_user("leaving", full_name="离职", team=team)
    for i in range(10):
        User.objects.create_user(f"heir{i}", full_name=f"接手{i}", team=team)
    rng = random.Random(13)
    from django.utils import timezone

    now = timezone.now()
    Lead.objects.bulk_create(
        [Lead(name=f"h{i}", phone="+86" + p, pool=pool, owner=leaving, claimed_at=now)
         for i, p in enumerate(phones(HANDOVER_LEADS, rng, ("187", "188")))],
        batch_size=5000,
    )
    t = time.perf_counter()
    summary = services.deactivate_user(actor=admin, user_id=leaving.pk, mode="team", team_id=team.pk)
    elapsed = time.perf_counter() - t
    left = Lead.objects.filter(owner=leaving).count()
    events = OwnershipEvent.objects.filter(reason="handover", from_owner=leaving).count()
    print(f"hand-over: {summary['handed_over']:,} leads round-robin across {len(summary['per_rep'])} reps in "
          f"{elapsed:.2f} s (left with the leaver: {left}, audit rows: {events:,})  goal < 5 s")


def main():
    recreate_database(DB_URL)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import Role, Team, User
    from leads.models import Pool

    admin = User.objects.create_superuser("admin", "a@example.com", "x", role=Role.ADMIN)
    team = Team.objects.create(name="bench")
    pool = Pool.objects.create(name="bench-import")
    print(f"PostgreSQL {DB_URL.rsplit('/', 1)[1]}, {os.cpu_count()} cores")
    bench_import(admin, pool)
    bench_claims(team)
    bench_handover(admin, Team.objects.create(name="heirs"))


if __name__ == "__main__":
    main()
