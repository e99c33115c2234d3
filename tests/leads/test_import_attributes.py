"""Imports keep the columns that map to no lead field as lead attributes: a header naming a
definition (key or label) fills it, any other header becomes a new text attribute; bad values
are per-row errors; each lead remembers the import that created it."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from leads import imports
from leads.import_table import read_table, resolve_mapping
from leads.models import AttributeDefinition, AttributeDefinitionChange, ImportJob, Lead
from tests.factories import AttributeDefinitionFactory

pytestmark = pytest.mark.django_db

CSV = """姓名,手机,年龄段,AGE,Previous outcome,客户备注,空列
赵一,13800000001,30-39,41,有意向,老客户转介绍,
钱二,13800000002,18-29,forty,,,
孙三,13800000003,40-49,50,,,
李四,13800000004,,,拒绝,,
"""


@pytest.fixture
def typed(db):
    return [AttributeDefinitionFactory(key="age_band", label="年龄段", kind="choice", choices=["18-29", "30-39"]),
            AttributeDefinitionFactory(key="age", label="Age in years", kind="number")]


def run(actor, content: bytes, name="leads.csv", **kw):
    job = imports.start_import(actor=actor, upload=SimpleUploadedFile(name, content), **kw)
    return imports.run_import(job_id=job.pk)


def report_rows(job):
    return {int(row[0]): row for row in list(csv.reader(io.StringIO(job.report)))[1:]}


def test_unmapped_columns_are_kept_as_attributes_and_bad_values_are_row_errors(manager, pool, typed):
    job = run(manager, CSV.encode(), pool_id=pool.pk)
    assert job.status == "done" and (job.created_count, job.error_count) == (2, 2)
    rows = report_rows(job)
    assert rows[3][1] == "error" and "Attribute 'age' must be a number" in rows[3][2]
    assert rows[4][1] == "error" and "Attribute 'age_band' must be one of: 18-29, 30-39" in rows[4][2]
    new = {d.label: d for d in AttributeDefinition.objects.exclude(key__in=["age_band", "age"])}
    assert set(new) == {"Previous outcome", "客户备注"}  # the empty column defines nothing
    assert (new["Previous outcome"].key, new["Previous outcome"].kind) == ("previous_outcome", "text")
    assert new["客户备注"].key == "attr_1"
    zhao, li = Lead.objects.get(name="赵一"), Lead.objects.get(name="李四")
    assert zhao.attributes == {"age_band": "30-39", "age": "41", "previous_outcome": "有意向", "attr_1": "老客户转介绍"}
    assert li.attributes == {"previous_outcome": "拒绝"}
    assert zhao.import_job_id == li.import_job_id == job.pk
    # Who defined the new attributes is recorded, with the import that did it.
    assert {(c.actor_id, c.note) for c in AttributeDefinitionChange.objects.all()} == {(manager.pk, f"import #{job.pk}")}
    assert job.attribute_columns == [
        {"column": "年龄段", "key": "age_band", "label": "年龄段", "created": False, "ignored": ""},
        {"column": "AGE", "key": "age", "label": "Age in years", "created": False, "ignored": ""},
        {"column": "Previous outcome", "key": "previous_outcome", "label": "Previous outcome", "created": True,
         "ignored": ""},
        {"column": "客户备注", "key": "attr_1", "label": "客户备注", "created": True, "ignored": ""},
    ]


def test_a_second_import_fills_the_attributes_the_first_defined(manager, pool):
    run(manager, "姓名,手机,客户备注\n赵一,13800000001,老客户\n".encode(), pool_id=pool.pk)
    job = run(manager, "姓名,手机,客户备注\n钱二,13800000002,新客户\n".encode(), pool_id=pool.pk)
    assert AttributeDefinition.objects.count() == 1
    assert Lead.objects.get(name="钱二").attributes == {"attr_1": "新客户"}
    assert job.attribute_columns[0]["created"] is False


def test_a_column_for_a_switched_off_attribute_is_left_out_and_said_so(manager, pool):
    AttributeDefinitionFactory(key="age", label="Age", kind="number", active=False)
    job = run(manager, b"name,phone,age\na,13800000001,41\n", pool_id=pool.pk)
    assert job.created_count == 1 and Lead.objects.get().attributes == {}
    assert job.attribute_columns == [{"column": "age", "key": "age", "label": "Age", "created": False,
                                      "ignored": "inactive"}]


def test_both_insert_paths_store_attributes_and_the_import(manager, pool, typed):
    """The single-statement PostgreSQL insert and the portable ORM insert land the same leads."""
    header, rows = read_table(b"name,phone,age\na,13800000001,41\nb,13800000002,7.50\n", ".csv")
    cols = resolve_mapping(header, {})
    for portable, offset in ((False, 0), (True, 10)):
        job = ImportJob.objects.create(created_by=manager, pool=pool)
        shifted = [[r[0], f"1380000{int(r[1][-4:]) + offset:04d}", r[2]] for r in rows]
        imports.import_rows(job, shifted, cols, portable=portable, attrs=[(2, "age")])
        assert sorted(Lead.objects.filter(import_job=job).values_list("name", "attributes")) == [
            ("a", {"age": "41"}), ("b", {"age": "7.5"})]


def test_xlsx_date_number_and_yes_no_cells_become_typed_attributes(manager, pool):
    AttributeDefinitionFactory(key="birthday", label="生日", kind="date")
    AttributeDefinitionFactory(key="age", label="年龄", kind="number")
    AttributeDefinitionFactory(key="has_car", label="有车", kind="boolean")
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "手机", "生日", "年龄", "有车", "Previous outcome"])
    ws.append(["郑七", 13800000011, dt.datetime(1985, 1, 9), 41.0, True, "有意向"])  # noqa: DTZ001 - a spreadsheet cell has no zone
    ws.append(["王八", 13800000012, dt.date(1990, 12, 31), 35, "否", None])
    buf = io.BytesIO()
    wb.save(buf)
    job = run(manager, buf.getvalue(), name="x.xlsx", pool_id=pool.pk)
    assert job.created_count == 2, job.report
    assert Lead.objects.get(name="郑七").attributes == {"birthday": "1985-01-09", "age": "41", "has_car": True,
                                                      "previous_outcome": "有意向"}
    assert Lead.objects.get(name="王八").attributes == {"birthday": "1990-12-31", "age": "35", "has_car": False}


def test_the_import_page_and_api_show_the_attribute_columns(client, api, manager, pool, typed):
    job = run(manager, CSV.encode(), pool_id=pool.pk)
    client.force_login(manager)
    html = client.get(f"/leads/import/{job.pk}/").content.decode()
    assert 'id="attribute-columns"' in html
    assert "Previous outcome" in html and "<code>previous_outcome</code>" in html and "new text attribute" in html
    body = api.as_user(manager).get(f"/api/v1/lead-imports/{job.pk}/").json()
    assert [c["key"] for c in body["attribute_columns"]] == ["age_band", "age", "previous_outcome", "attr_1"]
