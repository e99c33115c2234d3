"""Fault tests on real servers: a private PostgreSQL cluster and a private redis-server started for
these tests (below), the app in real processes (gunicorn, Celery beat and worker)
pointed at them. Restarting or stopping them touches nothing else on the machine.

They skip only when the PostgreSQL server binaries or redis-server are missing (CI installs both)."""


import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

# ---- private servers and app processes ------------------------------------------------------
# Private servers for the fault tests: a PostgreSQL cluster and a redis-server of this test run
# alone (a tmp directory, a free port), so a test may restart or stop them without touching the
# shared servers; and the app's own processes (gunicorn, Celery beat and worker) pointed at them.
#
# The PostgreSQL binaries come from /usr/lib/postgresql/<version>/bin (Debian's packages) or
# PG_BIN; the tests that need them skip only when they are absent. As root (CI containers),
# PostgreSQL runs as the `postgres` user, which initdb requires.
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def pg_bin() -> Path | None:
    candidates = [os.environ.get("PG_BIN", "")] + sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if folder and all(os.access(Path(folder) / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


REDIS_SERVER = shutil.which("redis-server")
needs_servers = pytest.mark.skipif(pg_bin() is None or REDIS_SERVER is None,
                                   reason="needs the PostgreSQL server binaries and redis-server to start private ones")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not come up within {timeout:.0f} s")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class PrivatePostgres:
    """initdb into a tmp directory, pg_ctl start/stop/restart on a free port; trust auth for
    `postgres` on 127.0.0.1 only; fsync off (nothing here must survive a power cut)."""

    def __init__(self):
        self.bin = pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="ts-pg-"))
        self.data, self.log = self.dir / "data", self.dir / "server.log"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / tool), *args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{self.dir}' "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB "
                   "-c max_connections=60")
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log), "-o", options)

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-m", mode, "-D", str(self.data), check=False)

    def restart(self, *, down_for: float = 0) -> None:
        """Stop (every session is cut), stay down `down_for` seconds, start again."""
        self.stop()
        time.sleep(down_for)
        self.start()

    def sql(self, statement: str, db: str = "postgres") -> str:
        out = subprocess.run([str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                              "-d", db, "-XAtqc", statement], check=True, capture_output=True, text=True, timeout=60)
        return out.stdout.strip()

    def url(self, db: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--loglevel", "warning"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: port_open(self.port), 30, "redis-server")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)
        self.proc = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


def app_env(database_url: str, redis_url: str = "", **extra: str) -> dict:
    """The environment of an app process on the private servers (the test settings)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_CORE"))}
    env.update({"DJANGO_SETTINGS_MODULE": "telesales.settings_test", "DATABASE_URL": database_url,
                "REDIS_URL": redis_url, "PYTHONPATH": str(ROOT), **extra})
    return env


def django_script(env: dict, code: str) -> dict:
    """Run `code` in a Django process with `env`; it sets `out` (a dict), which is returned."""
    script = f"import django, json\ndjango.setup()\nout = {{}}\n{code}\nprint('OUT=' + json.dumps(out))"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    if done.returncode:
        raise RuntimeError(f"django script failed:\n{done.stderr[-3000:]}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("OUT="))
    return json.loads(line[4:])


class Process:
    """An app process (gunicorn, celery) in its own process group, stopped with it."""

    def __init__(self, args: list[str], env: dict, log: Path):
        self.log = log
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


def gunicorn(env: dict, log: Path, *, workers: int = 2) -> tuple[Process, str]:
    """gunicorn serving the app as in production (the web process role, persistent connections
    with health checks); returns the process and its base URL."""
    port = free_port()
    server = Process([str(BIN / "gunicorn"), "telesales.wsgi:application", "--bind", f"127.0.0.1:{port}",
                      "--workers", str(workers), "--timeout", "60"], env, log)
    try:
        wait_for(lambda: port_open(port) or server.proc.poll() is not None, 90, "gunicorn")
    except TimeoutError:
        server.stop()
        raise
    if server.proc.poll() is not None:
        raise RuntimeError(f"gunicorn exited:\n{server.output()[-3000:]}")
    base = f"http://127.0.0.1:{port}"
    for _ in range(workers * 2):  # each worker loads the app on its first request: not what is timed
        requests.get(f"{base}/healthz/live", timeout=120)
    return server, base


class Cluster:
    """The session's private PostgreSQL with a migrated template database; `database()` copies it
    (CREATE DATABASE … TEMPLATE, a file copy: fast) so each test has its own."""

    def __init__(self):
        self.pg = PrivatePostgres()
        self.pg.start()
        self.pg.sql("CREATE DATABASE template_app")
        done = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                              env=app_env(self.pg.url("template_app")), capture_output=True, text=True, timeout=600)
        if done.returncode:
            raise RuntimeError(f"migrate failed:\n{done.stderr[-3000:]}")
        self.count = 0

    def database(self) -> str:
        self.count += 1
        name = f"app_{self.count}"
        self.pg.sql(f"CREATE DATABASE {name} TEMPLATE template_app")
        return self.pg.url(name)


pytestmark = [needs_servers, pytest.mark.concurrency, pytest.mark.xdist_group("private-servers")]
# A request not answered within this is a hang (gunicorn's own worker timeout is 60 s); generous,
# since the machine running the suite may be shared and busy.
TIMEOUT = 90

# An admin signs in with the factories' password; a dialer syncs with an API token.
SETUP = """
from tests.factories import PASSWORD, AdminFactory, LeadFactory, TeamFactory, UserFactory, api_token_for
admin = AdminFactory(username="boss")
rep = UserFactory(username="rep1", team=TeamFactory())
out.update(token=api_token_for(admin, actor=admin), password=PASSWORD,
           leads=[LeadFactory(owner=rep).pk for _ in range(10)], pool=LeadFactory(owner=None).pool_id)
"""


@pytest.fixture(scope="session")
def cluster():
    cluster = Cluster()
    yield cluster
    cluster.pg.close()


@pytest.fixture
def redis_server():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def sign_in(base: str, username: str, password: str) -> requests.Session:
    s = requests.Session()
    s.get(f"{base}/login/", timeout=TIMEOUT)
    r = s.post(f"{base}/login/", data={"username": username, "password": password,
                                       "csrfmiddlewaretoken": s.cookies["csrftoken"]},
               headers={"Referer": f"{base}/login/"}, allow_redirects=False, timeout=TIMEOUT)
    assert r.status_code == 302, r.text[:500]
    s.headers.update({"X-CSRFToken": s.cookies["csrftoken"], "Referer": f"{base}/"})
    return s


# ---- PostgreSQL restarts while a dialer syncs --------------------------------------------------
def batch(number: int, leads: list[int]) -> list[dict]:
    return [{"source": "asterisk", "external_id": f"b{number}-{i}", "lead_id": lead,
             "started_at": f"2026-03-10T10:{number % 60:02d}:{i:02d}+08:00", "duration_seconds": 20 + i,
             "disposition": "no_answer", "notes": f"batch {number}"} for i, lead in enumerate(leads)]


class Dialer(threading.Thread):
    """Sends new batches one after another until told to stop; keeps every answer (a request
    that takes longer than TIMEOUT is a hang, kept as an exception)."""

    def __init__(self, base: str, token: str, leads: list[int], first: int):
        super().__init__(daemon=True)
        self.base, self.leads, self.number = base, leads, first
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"
        self.answers: list[tuple[int, object]] = []  # (batch number, response or exception)
        self.halt = threading.Event()

    def send(self, number: int):
        return self.session.post(f"{self.base}/api/v1/calls/sync", json={"calls": batch(number, self.leads)},
                                 timeout=TIMEOUT)

    def run(self) -> None:
        while not self.halt.is_set():
            try:
                self.answers.append((self.number, self.send(self.number)))
            except requests.RequestException as exc:
                self.answers.append((self.number, exc))
            self.number += 1

    def ok(self) -> int:
        return sum(1 for _, r in self.answers if getattr(r, "status_code", None) == 200)


def test_postgresql_restarting_while_dialers_sync_answers_503_and_a_resend_writes_each_call_once(cluster, tmp_path):
    env = app_env(cluster.database())
    data = django_script(env, SETUP)
    server, base = gunicorn(env, tmp_path / "gunicorn.log")
    dialers = [Dialer(base, data["token"], data["leads"], first) for first in (0, 100_000)]
    try:
        for d in dialers:
            d.start()
        wait_for(lambda: all(d.ok() >= 2 for d in dialers), 120, "syncing before the restart")
        cluster.pg.restart(down_for=3)  # every session is cut; nothing listens for 3 s
        before = [d.ok() for d in dialers]
        wait_for(lambda: all(d.ok() >= b + 2 for d, b in zip(dialers, before, strict=True)), 120,
                 "syncing after the restart")
        for d in dialers:
            d.halt.set()
            d.join(60)
        answers = [a for d in dialers for a in d.answers]
        hangs = [a for _, a in answers if isinstance(a, Exception)]
        assert hangs == [], f"requests that failed or hung: {hangs[:3]}"
        statuses = {r.status_code for _, r in answers}
        assert statuses == {200, 503}, f"answers seen: {statuses}\n{server.output()[-3000:]}"
        for _, r in answers:
            if r.status_code == 503:
                assert r.headers["Content-Type"] == "application/json"
                assert r.json()["error"]["code"] in ("database_unavailable", "database_busy")
                assert int(r.headers["Retry-After"]) > 0
        # The dialer re-sends every batch it sent (a 503 may have come after a commit).
        sent = sorted({number for number, _ in answers})
        resend = dialers[0].session
        for number in sent:
            r = resend.post(f"{base}/api/v1/calls/sync", json={"calls": batch(number, data["leads"])}, timeout=TIMEOUT)
            assert r.status_code == 200, r.text[:500]
        stored = django_script(env, "from calls.models import Call\n"
                                    "out['keys'] = list(Call.objects.values_list('external_id', flat=True))")["keys"]
        expected = [row["external_id"] for number in sent for row in batch(number, data["leads"])]
        assert sorted(stored) == sorted(expected)  # every call, each exactly once
    finally:
        for d in dialers:
            d.halt.set()
        server.stop()


# ---- Redis stops while pages load ----------------------------------------------------------------
PAGES = ["/", "/leads/", "/calls/", "/kpis/", "/kpis/runs/", "/funnel/", "/targets/", "/coaching/"]


def test_pages_render_with_redis_stopped_and_only_queuing_a_job_fails_clearly(cluster, redis_server, tmp_path):
    env = app_env(cluster.database(), redis_server.url(0))
    data = django_script(env, SETUP)
    server, base = gunicorn(env, tmp_path / "gunicorn.log")
    try:
        s = sign_in(base, "boss", data["password"])
        up = {page: s.get(base + page, timeout=TIMEOUT).status_code for page in PAGES}
        assert set(up.values()) == {200}, up
        redis_server.stop()
        down = {page: s.get(base + page, timeout=TIMEOUT).status_code for page in PAGES}
        assert down == up, f"{down}\n{server.output()[-3000:]}"
        assert sign_in(base, "boss", data["password"]).get(f"{base}/", timeout=TIMEOUT).status_code == 200
        started = time.monotonic()
        page = s.post(f"{base}/kpis/runs/run/", data={"kind": "incremental"}, timeout=TIMEOUT)
        assert page.status_code == 503 and "job queue is not reachable" in page.text
        api = s.post(f"{base}/api/v1/lead-imports/", data={"pool": data["pool"]},
                     files={"file": ("x.csv", b"name,phone\nA,+8613700000001\n")}, timeout=TIMEOUT)
        assert api.status_code == 503 and int(api.headers["Retry-After"]) > 0
        assert api.json()["error"]["code"] == "queue_unavailable"
        assert time.monotonic() - started < 2 * TIMEOUT  # answered, not hung
    finally:
        server.stop()


# ---- two beat processes ----------------------------------------------------------------------------
CALLS = """
import datetime as dt
from accounts.models import User
from calls.models import DirtyRepDay
from calls.sync import sync_calls
from leads.models import Lead
admin, rep = User.objects.get(username="boss"), User.objects.get(username="rep1")
leads = list(Lead.objects.filter(owner=rep).order_by("pk")[:6])
rows = [{"source": "asterisk", "external_id": f"c{d}-{i}", "lead_id": lead.pk, "rep_id": rep.pk,
         "started_at": f"2026-03-{10 + d:02d}T1{i}:00:00+08:00", "duration_seconds": 60, "disposition": "reached"}
        for d in range(3) for i, lead in enumerate(leads)]
sync_calls(actor=admin, rows=rows)
out.update(calls=len(rows), marks=DirtyRepDay.objects.count())
"""
RUNS = """
from django.db.models import Sum
from calls.models import DirtyRepDay
from kpis.models import DailyRepKpi, KpiRun
out.update(runs=[{"rep_days": r.rep_days, "error": r.error, "finished": r.finished_at is not None}
                 for r in KpiRun.objects.order_by("id")],
           marks=DirtyRepDay.objects.count(), facts=DailyRepKpi.objects.count(),
           calls=DailyRepKpi.objects.aggregate(n=Sum("calls_made"))["n"])
"""


def test_two_beat_processes_queue_the_kpi_run_twice_and_it_is_done_once(cluster, redis_server, tmp_path):
    # A short schedule (tests/ops/settings_beat.py: the refresh run every few seconds).
    env = app_env(cluster.database(), redis_server.url(0), DJANGO_SETTINGS_MODULE="tests.ops.settings_beat")
    django_script(env, SETUP)
    work = django_script(env, CALLS)
    assert work["marks"] == 3
    celery = str(BIN / "celery")
    worker = Process([celery, "-A", "telesales", "worker", "-l", "info", "--concurrency", "2", "-P", "prefork"],
                     env, tmp_path / "worker.log")
    beats = [Process([celery, "-A", "telesales", "beat", "-l", "info", "-s", str(tmp_path / f"beat-{n}"),
                      "--pidfile", str(tmp_path / f"beat-{n}.pid"), "--max-interval", "1"], env,
                     tmp_path / f"beat-{n}.log") for n in (1, 2)]
    try:
        # Both beats send the run at least once (each logs what it sends).
        wait_for(lambda: all("Sending due task kpi-run" in b.output() for b in beats), 180, "both beats sending")
        # (A beat logs before it sends: stopped at once, its message could be lost on the way.)
        wait_for(lambda: len(django_script(env, RUNS)["runs"]) >= 2, 180, "the worker running both")
        for b in beats:
            b.stop()
        wait_for(lambda: all(r["finished"] for r in django_script(env, RUNS)["runs"]), 180,
                 "every run finishing")
        result = django_script(env, RUNS)
    finally:
        for p in (*beats, worker):
            p.stop()
    runs = result["runs"]
    assert all(r["error"] == "" for r in runs), runs
    # The lock serialises the runs: one consumed the three marked rep-days, every other found none.
    assert sorted(r["rep_days"] for r in runs) == [0] * (len(runs) - 1) + [3], runs
    assert result["marks"] == 0 and result["facts"] == 3 and result["calls"] == work["calls"]
