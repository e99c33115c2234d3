"""Long work off the request, jobs that stop say what they kept, sweepers, Celery options."""

import datetime as dt

import pytest
from celery.exceptions import Retry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from kpis import services as kpi_services
from kpis.models import KpiRun
from leads import import_jobs, imports
from leads.models import ImportJob, Lead, OwnershipEvent
from leads.tasks import sweep_imports
from telesales import jobs
from telesales.celery import app
from tests.factories import PoolFactory, UserFactory

pytestmark = pytest.mark.django_db


def csv_file(rows: int, start: int = 0) -> bytes:
    lines = ["name,phone"] + [f"Lead {i},+86139{i:08d}" for i in range(start, start + rows)]
    return ("\n".join(lines) + "\n").encode()


def new_job(actor, rows: int) -> ImportJob:
    return imports.start_import(actor=actor, upload=SimpleUploadedFile("x.csv", csv_file(rows)),
                                pool_id=PoolFactory().pk)


def test_a_chunk_that_fails_leaves_no_row_and_the_job_says_which_rows_landed(admin_user, monkeypatch, caplog):
    monkeypatch.setattr(imports, "CHUNK", 3)
    calls = {"n": 0}
    real = imports._collision_rows

    def second_chunk_breaks(job, collided):
        calls["n"] += 1
        if calls["n"] == 2:  # after the second chunk's leads were inserted, before it commits
            raise RuntimeError("disk full")
        return real(job, collided)

    monkeypatch.setattr(imports, "_collision_rows", second_chunk_breaks)
    job = imports.run_import(job_id=new_job(admin_user, 8).pk)
    assert job.status == "failed" and job.processed_rows == 3
    assert Lead.objects.count() == 3 and OwnershipEvent.objects.count() == 3  # chunk 2 rolled back whole
    assert "Rows 2–4 were imported completely" in job.error and "rows 5–9 were not" in job.error
    assert "disk full" not in job.error  # the raw text goes to the log, with the traceback
    assert any(r.exc_info and "import job" in r.getMessage() for r in caplog.records)


def test_sweeper_fails_a_running_import_whose_worker_died_and_spares_a_live_one(admin_user, settings):
    settings.JOB_STALE_AFTER_SECONDS = 300
    dead, alive = new_job(admin_user, 10), new_job(admin_user, 10)
    long_ago = timezone.now() - dt.timedelta(minutes=6)
    ImportJob.objects.filter(pk=dead.pk).update(status="running", heartbeat_at=long_ago, total_rows=10_000,
                                                processed_rows=5_000)
    ImportJob.objects.filter(pk=alive.pk).update(status="running", heartbeat_at=timezone.now())
    assert jobs.sweep()["lead_imports"] == 1
    dead.refresh_from_db(), alive.refresh_from_db()
    assert dead.status == "failed" and dead.finished_at is not None
    assert dead.error.startswith("The import stopped: the worker running it stopped. Rows 2–5001 were imported")
    assert alive.status == "running"


def test_sweeper_queues_again_a_pending_import_no_worker_took(admin_user, settings):
    job = new_job(admin_user, 4)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    assert sweep_imports() == 1
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == 4


def test_kpi_sweeper_closes_a_run_whose_worker_died(settings):
    settings.JOB_STALE_AFTER_SECONDS = 300
    old = timezone.now() - dt.timedelta(hours=3)
    dead = KpiRun.objects.create(kind="incremental", started_at=old)
    recent = KpiRun.objects.create(kind="incremental", started_at=timezone.now())
    assert kpi_services.fail_stalled_runs() == 1
    dead.refresh_from_db(), recent.refresh_from_db()
    assert dead.finished_at is not None and "worker stopped" in dead.error and not dead.succeeded
    assert recent.finished_at is None


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="asks PostgreSQL whether the lock row is held")
@pytest.mark.django_db(transaction=True)
def test_kpi_sweeper_leaves_a_run_that_holds_the_lock(settings, run_concurrently):
    import threading

    from django.db import transaction

    from kpis.models import KpiLock

    settings.JOB_STALE_AFTER_SECONDS = 1
    KpiLock.objects.get_or_create(name=kpi_services.LOCK_NAME)
    KpiRun.objects.create(kind="full", started_at=timezone.now() - dt.timedelta(minutes=5))
    taken, release = threading.Event(), threading.Event()

    def hold(i):
        with transaction.atomic():
            KpiLock.objects.select_for_update().get(name=kpi_services.LOCK_NAME)
            taken.set()
            release.wait(20)

    def sweep(i):
        taken.wait(10)
        try:
            return kpi_services.fail_stalled_runs()
        finally:
            release.set()

    assert run_concurrently(lambda i: (hold, sweep)[i](i), 2) == [None, 0]
    assert kpi_services.fail_stalled_runs() == 1  # lock free now: the run is dead


def test_every_task_has_time_limits_retries_and_acks_late_only_when_idempotent(settings):
    from celery import current_app

    current_app.loader.import_default_modules()  # every app's tasks, not only those imported so far
    ours = {name: task for name, task in current_app.tasks.items() if not name.startswith("celery.")}
    assert {"kpis.tasks.recompute_kpis", "leads.run_import", "targets.evaluate_alert_rules"} <= set(ours)
    longest = max(task.time_limit or settings.CELERY_TASK_TIME_LIMIT for task in ours.values())
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > longest
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT and settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_ACKS_LATE is False
    for name, task in ours.items():
        assert bool(task.acks_late) == bool(task.reject_on_worker_lost), name
        if name != "telesales.sweep_jobs":
            assert task.autoretry_for and task.max_retries >= 5 and task.retry_backoff, name
    assert ours["kpis.tasks.recompute_kpis"].time_limit == settings.LONG_TASK_TIME_LIMIT


def test_alert_rules_run_after_the_nightly_kpi_run_succeeds_not_on_a_clock(monkeypatch):
    from kpis.tasks import recompute_kpis
    from targets import services as target_services

    ran = []
    monkeypatch.setattr(target_services, "evaluate_alert_rules", lambda as_of=None: ran.append(as_of) or {})
    recompute_kpis.delay()
    assert ran == []  # the every-10-minutes refresh chains nothing
    recompute_kpis.delay(nightly=True)
    assert ran == [None]
    monkeypatch.setattr(kpi_services, "recompute_incremental", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        recompute_kpis.delay(nightly=True)
    assert ran == [None]  # a failed KPI run is not followed by alerts
    schedule = app.conf.beat_schedule
    assert not any(e["task"] == "targets.evaluate_alert_rules" for e in schedule.values())
    assert schedule["kpis-nightly-recompute"]["kwargs"] == {"nightly": True}


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_an_import_runs_on_a_job_thread_not_in_the_request(api, settings, monkeypatch):
    import threading

    settings.TASKS_IN_BACKGROUND_THREADS = True
    admin = UserFactory(role="admin")
    pool = PoolFactory()
    threads = []
    real = imports.run_import
    monkeypatch.setattr(imports, "run_import", lambda **kw: threads.append(threading.current_thread().name)
                        or real(**kw))
    try:
        response = api.as_user(admin).post("/api/v1/lead-imports/", {
            "file": SimpleUploadedFile("x.csv", csv_file(20)), "pool": pool.pk}, format="multipart")
        assert response.status_code == 202 and response.json()["status"] in ("pending", "running")
    finally:
        jobs.wait_idle()
    job = ImportJob.objects.get()
    assert job.status == "done" and job.created_count == 20
    assert threads and threads[0].startswith("job") and threads[0] != threading.current_thread().name


def test_import_report_error_names_a_file_that_is_no_table(admin_user):
    job = imports.start_import(actor=admin_user, upload=SimpleUploadedFile("x.xlsx", b"not a zip"),
                               pool_id=PoolFactory().pk)
    job = imports.run_import(job_id=job.pk)
    assert job.status == "failed" and job.error.startswith("The file could not be read as a .csv or .xlsx table")
    assert import_jobs.stale_pending() == []
    assert connection.vendor in ("postgresql", "sqlite")


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks are sent for real, and the broker refuses them (Redis stopped)."""
    from celery import current_app
    from django.conf import settings

    if not settings.REDIS_URL:
        pytest.skip("needs a broker (REDIS_URL) to send tasks to")
    from kombu.exceptions import OperationalError

    def refused(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(current_app.conf, "task_always_eager", False)
    monkeypatch.setattr(current_app.amqp, "send_task_message", refused)


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_queuing_answers_503_and_the_import_waits_for_the_sweeper(api, admin_user, broker_down):
    response = api.as_user(admin_user).post("/api/v1/lead-imports/", {
        "file": SimpleUploadedFile("x.csv", csv_file(3)), "pool": PoolFactory().pk}, format="multipart")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json()["error"]["code"] == "queue_unavailable"
    assert ImportJob.objects.get().status == "pending"  # queued again by the sweeper once the broker is back


def test_with_the_broker_down_a_page_that_queues_shows_a_short_503_page(client, admin_user, broker_down):
    client.force_login(admin_user)
    response = client.post("/kpis/runs/run/", {"kind": "incremental"})
    assert response.status_code == 503 and b"job queue is not reachable" in response.content
    assert client.get("/kpis/runs/").status_code == 200  # pages still render


def test_an_alert_mail_the_server_refuses_is_logged_with_its_traceback_and_retried(monkeypatch, caplog):
    from targets import mail

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(mail, "send_mail", refused)
    with pytest.raises(Retry):  # Celery tries again later (autoretry with backoff)
        mail.send_alert_mail.apply(args=(7, "subject", "body", ["m@example.com"]))
    record = next(r for r in caplog.records if r.name == "targets.mail")
    assert record.exc_info and "alert 7" in record.getMessage()
    assert mail.send_alert_mail.max_retries == 8
