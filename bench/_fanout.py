"""The fanned-out full KPI rebuild (kpis/fanout.py) on real Celery workers, for bench_kpis.py:
start N worker processes (one task at a time each) on a Redis database of their own, queue the
chord from a separate process (the bench itself runs tasks in-process), and time from queuing
until the run is finished."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
QUEUE = "import django; django.setup(); from kpis import tasks; print(tasks.rebuild_fanned_out())"
PING = ("import django; django.setup(); from telesales.celery import app; "
        "print(len(app.control.ping(timeout=2)))")


def _env() -> dict:
    env = dict(os.environ, REDIS_URL=REDIS_URL, KPI_REBUILD_FAN_OUT="1", PYTHONUNBUFFERED="1")
    env.pop("BENCH_REUSE", None)
    return env


def _start_worker(index: int, log: Path) -> subprocess.Popen:
    celery = Path(sys.executable).with_name("celery")
    out = log.open("w")
    return subprocess.Popen(["nice", "-n", str(os.nice(0)), str(celery), "-A", "telesales", "worker", "-l", "info",
                             "-c", "1", "-P", "prefork", "-n", f"kpibench{index}@%h", "--without-mingle",
                             "--without-gossip"], cwd=ROOT, env=_env(), stdout=out, stderr=subprocess.STDOUT)


def _answering() -> int:
    out = subprocess.run([sys.executable, "-c", PING], cwd=ROOT, env=_env(), capture_output=True, text=True).stdout
    lines = out.strip().splitlines()
    return int(lines[-1]) if lines and lines[-1].isdigit() else 0


def timed_fan_out(workers: int, timeout: float = 3600) -> float:
    """Seconds from queuing the fanned-out rebuild until its KpiRun is finished, on `workers`
    worker processes (started before and stopped after; their logs in bench/out/)."""
    from kpis.models import KpiRun

    logs = [ROOT / "bench" / "out" / f"kpi-worker-{i}.log" for i in range(workers)]
    logs[0].parent.mkdir(exist_ok=True)
    procs = [_start_worker(i, log) for i, log in enumerate(logs)]
    try:
        deadline = time.monotonic() + 300
        while _answering() < workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise SystemExit(f"Celery workers did not start: see {logs}")
            time.sleep(1)
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", QUEUE], cwd=ROOT, env=_env(), check=True,
                             capture_output=True, text=True).stdout
        run_id = int(out.strip().splitlines()[-1])
        while True:
            run = KpiRun.objects.get(id=run_id)
            if run.finished_at is not None:
                break
            if time.perf_counter() - t0 > timeout:
                raise SystemExit(f"fanned-out run {run_id} not finished after {timeout} s")
            time.sleep(0.5)
        elapsed = time.perf_counter() - t0
        if run.error:
            raise SystemExit(f"fanned-out run {run_id} failed: {run.error}")
        return elapsed
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=60)
