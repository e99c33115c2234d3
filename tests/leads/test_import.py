import csv
import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from leads import imports, services
from leads.models import ImportJob, Lead, OwnershipEvent
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

CSV = """姓名,手机,公司,等级
赵一,13800000001,甲公司,B
钱二,not-a-number,乙公司,E
孙三,13800000002,丙公司,E
李四,138 0000 0001,丁公司,E
周五,13900000009,戊公司,E
,13800000003,,E
吴六,13800000004,,Z
"""


def run(actor, content: bytes, name="leads.csv", **kw):
    job = imports.start_import(actor=actor, upload=SimpleUploadedFile(name, content), **kw)
    return imports.run_import(job_id=job.pk)


def report_rows(job):
    return list(csv.reader(io.StringIO(job.report)))[1:]


def test_import_lands_good_rows_and_reports_each_bad_one(manager, rep, pool):
    LeadFactory(phone="+8613900000009", owner=rep, pool=pool)
    job = run(manager, CSV.encode(), pool_id=pool.pk)
    assert job.status == "done"
    assert (job.created_count, job.collision_count, job.error_count) == (2, 2, 3)
    assert set(Lead.objects.filter(pool=pool, owner__isnull=True).values_list("name", flat=True)) == {"赵一", "孙三"}
    rows = {int(r[0]): r for r in report_rows(job)}
    assert rows[2][1] == "created"
    assert rows[3][1] == "error" and "not-a-number" in rows[3][2]
    assert rows[5][1] == "duplicate_in_file" and "row 2" in rows[5][2]
    assert rows[6][1] == "collision" and "held by 王芳" in rows[6][2] and rows[6][3].strip() == "王芳"
    assert rows[7][1] == "error" and "name" in rows[7][2]
    assert rows[8][1] == "error" and "grade" in rows[8][2]
    assert OwnershipEvent.objects.filter(reason="import").count() == 2


def test_an_import_names_hidden_holders_only_within_the_collision_budget(
    api, manager, rep, other_team_rep, pool, settings, caplog
):
    """Numbers held in other teams are named like the 409 names them: counted against the
    importer's hourly collision budget and logged; past it the row names nobody. Holders the
    importer may see anyway (their own reps) are always named and cost nothing."""
    settings.LEAD_COLLISION_LIMIT_PER_HOUR = 2
    LeadFactory(phone="+8613900000001", owner=rep, pool=pool)
    for n in range(2, 5):
        LeadFactory(phone=f"+861390000000{n}", owner=other_team_rep, pool=pool)
    caplog.set_level(logging.WARNING, logger="leads.imports")
    csv = "name,phone\n" + "".join(f"客户{n},1390000000{n}\n" for n in range(1, 5))
    job = run(manager, csv.encode(), pool_id=pool.pk)
    assert job.collision_count == 4
    rows = {int(r[0]): r for r in report_rows(job)}
    assert "held by 王芳" in rows[2][2] and rows[2][3].strip() == "王芳"
    assert "held by 张伟" in rows[3][2] and "held by 张伟" in rows[4][2]
    assert rows[5][1:] == ["collision", "already exists", "", ""]
    logged = [rec.getMessage() for rec in caplog.records if rec.name == "leads.imports"]
    assert logged == [f"collision answers in import job={job.pk} user={manager.pk} named=2 withheld=1"]
    # The budget is the one the 409 spends: it is used up for this hour.
    r = api.as_user(manager).post("/api/v1/leads/", {"name": "x", "phone": "13900000004", "pool": pool.pk})
    assert r.status_code == 429


def test_xlsx_with_explicit_mapping_and_numeric_phone_cells(manager, pool):
    wb = Workbook()
    ws = wb.active
    ws.append(["客户名", "联系方式"])
    ws.append(["郑七", 13800000011])
    ws.append(["王八", 13800000012.0])
    buf = io.BytesIO()
    wb.save(buf)
    job = run(manager, buf.getvalue(), name="x.xlsx", pool_id=pool.pk, mapping={"name": "客户名", "phone": "联系方式"})
    assert job.status == "done" and job.created_count == 2
    assert Lead.objects.filter(phone="+8613800000012").exists()


def test_import_into_a_reps_private_pool_respects_their_limit(manager, rep, pool):
    pool.max_held = 1
    pool.save()
    job = run(manager, b"name,phone\na,13800000021\nb,13800000022\n", pool_id=pool.pk, owner_id=rep.pk)
    assert job.created_count == 1 and job.error_count == 1
    assert Lead.objects.filter(owner=rep).count() == 1
    assert OwnershipEvent.objects.filter(reason="import", to_owner=rep).count() == 1


def test_a_number_on_the_do_not_call_list_is_reported_and_not_imported(admin_user, manager, pool):
    services.add_do_not_call(actor=admin_user, phone="13800000031", reason="asked twice")
    job = run(manager, "name,phone,tags\na,13800000031,\nb,13800000032,VIP， 回访 \n".encode(), pool_id=pool.pk)
    assert (job.created_count, job.collision_count, job.error_count) == (1, 0, 1)
    rows = {int(r[0]): r for r in report_rows(job)}
    assert rows[2][1:3] == ["do_not_call", "number is on the do-not-call list"]
    assert not Lead.objects.filter(phone="+8613800000031").exists()
    assert Lead.objects.get(phone="+8613800000032").tags == ["VIP", "回访"]


def test_a_file_without_a_phone_column_fails_with_a_clear_message(manager, pool):
    job = run(manager, b"name,email\na,b\n", pool_id=pool.pk)
    assert job.status == "failed" and "phone column" in job.error


def test_running_a_job_twice_imports_once(manager, pool):
    job = run(manager, b"name,phone\na,13800000031\n", pool_id=pool.pk)
    imports.run_import(job_id=job.pk)
    assert Lead.objects.count() == 1 and ImportJob.objects.get(pk=job.pk).created_count == 1


def test_reps_cannot_import(rep, pool):
    with pytest.raises(imports.PermissionDenied):
        run(rep, b"name,phone\n", pool_id=pool.pk)


def test_import_api_returns_a_job_then_its_report(api, manager, pool, django_capture_on_commit_callbacks):
    client = api.as_user(manager)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/v1/lead-imports/", {"file": SimpleUploadedFile("a.csv", b"name,phone\na,13800000041\n"),
                                                   "pool": pool.pk}, format="multipart")
    assert r.status_code == 202
    job = client.get(f"/api/v1/lead-imports/{r.json()['id']}/").json()
    assert job["status"] == "done" and job["created_count"] == 1 and job["percent"] == 100
    report = client.get(job["report_url"])
    assert report.status_code == 200 and b"created" in report.content


def test_import_api_accepts_base64_json_too(api, manager, pool, django_capture_on_commit_callbacks):
    import base64

    body = {"file_name": "b.csv", "content_base64": base64.b64encode(b"name,phone\nb,13800000051\n").decode(),
            "pool": pool.pk}
    with django_capture_on_commit_callbacks(execute=True):
        r = api.as_user(manager).post("/api/v1/lead-imports/", body, format="json")
    assert r.status_code == 202
    assert Lead.objects.filter(phone="+8613800000051").exists()
    bad = api.as_user(manager).post("/api/v1/lead-imports/", {**body, "content_base64": "!!"}, format="json")
    assert bad.status_code == 400


def test_numbers_with_letters_or_extensions_are_reported_not_guessed(manager, pool):
    job = run(manager, "name,phone\n甲,1390000abcd\n乙,13900001111 ext 12\n丙,13900002222\n".encode(), pool_id=pool.pk)
    rows = {int(r[0]): r for r in report_rows(job)}
    assert rows[2][1] == "error" and "contains letters" in rows[2][2]
    assert rows[3][1] == "error" and "extensions are not supported" in rows[3][2]
    assert rows[4][1] == "created"
    assert list(Lead.objects.values_list("phone", flat=True)) == ["+8613900002222"]


def test_every_report_row_carries_the_lead_it_created_or_matched(api, manager, rep, pool, other_team_rep,
                                                                django_capture_on_commit_callbacks):
    mine = LeadFactory(phone="+8613900000009", owner=rep, pool=pool)
    LeadFactory(phone="+8613800000004", owner=other_team_rep)
    content = "name,phone\n赵一,13800000001\n钱二,13900000009\n孙三,13800000001\n李四,13800000004\n吴六,x\n"
    job = run(manager, content.encode(), pool_id=pool.pk)
    created = Lead.objects.get(phone="+8613800000001")
    rows = api.as_user(manager).get(f"/api/v1/lead-imports/{job.pk}/rows/").json()["results"]
    assert [(r["row"], r["result"], r["lead_id"]) for r in rows] == [
        (2, "created", created.pk), (3, "collision", mine.pk), (4, "duplicate_in_file", created.pk),
        (5, "collision", None), (6, "error", None)]
    assert "row 2" in rows[2]["reason"]
    assert report_rows(job)[0][4] == str(created.pk)
    assert api.as_user(manager).get(f"/api/v1/lead-imports/{job.pk}/rows/?sort=row").status_code == 400
