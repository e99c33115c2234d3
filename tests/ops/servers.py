"""Private servers for the fault tests: a PostgreSQL cluster and a redis-server of this test run
alone (a tmp directory, a free port), so a test may restart or stop them without touching the
shared servers; and the app's own processes (gunicorn, Celery beat and worker) pointed at them.

The PostgreSQL binaries come from /usr/lib/postgresql/<version>/bin (Debian's packages) or
PG_BIN; the tests that need them skip only when they are absent. As root (CI containers),
PostgreSQL runs as the `postgres` user, which initdb requires."""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

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
