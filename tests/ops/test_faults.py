"""Fault tests on PostgreSQL: a worker killed in the middle of a 50,000-row import."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from leads import import_jobs, imports
from leads.models import ImportJob, Lead, OwnershipEvent
from tests.factories import AdminFactory, PoolFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency,
              pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a second process needs a server")]
ROOT = Path(__file__).resolve().parents[2]


def worker_process(job_id: int) -> subprocess.Popen:
    """`run_import` in a process of its own, on the test database, as a Celery worker runs it."""
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "telesales.settings_test", "MEDIA_ROOT": str(settings.MEDIA_ROOT),
           "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    code = f"import django; django.setup(); from leads.imports import run_import; run_import(job_id={job_id})"
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)


def test_worker_killed_mid_import_leaves_whole_chunks_and_the_job_says_which():
    rows = 50_000
    lines = ["name,phone"] + [f"Lead {i},+86137{i:08d}" for i in range(rows)]
    job = imports.start_import(actor=AdminFactory(), upload=SimpleUploadedFile("big.csv", "\n".join(lines).encode()),
                               pool_id=PoolFactory().pk)
    proc = worker_process(job.pk)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            done = ImportJob.objects.filter(pk=job.pk).values_list("processed_rows", flat=True).first()
            if done >= imports.CHUNK:
                break
            time.sleep(0.05)
        proc.kill()  # SIGKILL: no clean-up of any kind, like an OOM kill
    finally:
        proc.wait(30)
    time.sleep(1)  # PostgreSQL rolls back the dead session's open chunk
    job.refresh_from_db()
    assert job.status == "running" and 0 < job.processed_rows < rows, "kill the worker mid-import"
    # Minutes later the sweeper finds its heartbeat stale.
    assert import_jobs.fail_stalled(now=timezone.now() + dt.timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS + 1)) == 1
    job.refresh_from_db()
    kept = job.processed_rows
    assert job.status == "failed" and kept % imports.CHUNK == 0
    assert f"Rows 2–{kept + 1} were imported completely" in job.error
    assert f"rows {kept + 2}–{rows + 1} were not" in job.error
    # Exactly the committed chunks' leads, each with its audit row, none twice, none half-written.
    leads = Lead.objects.filter(import_job=job)
    assert leads.count() == kept == job.created_count
    assert OwnershipEvent.objects.filter(lead__import_job=job).count() == kept
    assert set(leads.values_list("phone", flat=True)) == {f"+86137{i:08d}" for i in range(kept)}
