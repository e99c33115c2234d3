"""CSV and Excel downloads neutralize text a spreadsheet would run as a formula; numbers stay numbers."""

import csv
import io

import openpyxl
import pandas as pd
import pytest

from kpis import reports
from leads import imports
from telesales.exports import safe_cell
from tests.factories import LeadFactory, PoolFactory


@pytest.fixture
def pool(db):
    return PoolFactory(name="公海 Public")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("+86138****5678", "'+86138****5678"),
        ("王芳", "王芳"),
        ("a=b", "a=b"),
        ("", ""),
        ("-12.5", "-12.5"),
        ("+8613812345678", "+8613812345678"),
        (-3, -3),
        (-0.25, -0.25),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_kpi_csv_and_excel_neutralize_names_and_keep_negative_numbers():
    df = pd.DataFrame({"rank": [1, 2], "label": ["=1+1", "王芳"], "margin": [-120.5, 300.0]})
    rows = list(csv.reader(io.StringIO(reports.to_csv_bytes(df).decode("utf-8-sig"))))
    assert rows[1][:3] == ["1", "'=1+1", "-120.5"]
    sheet = openpyxl.load_workbook(io.BytesIO(reports.to_excel_bytes(df))).active
    label, margin = sheet["B2"], sheet["C2"]
    assert label.value == "'=1+1" and label.data_type == "s"
    assert margin.value == -120.5 and margin.data_type == "n"


@pytest.mark.django_db
def test_leads_csv_export_neutralizes_lead_fields(client, rep, pool):
    LeadFactory(pool=pool, owner=rep, name="=HYPERLINK(\"http://x\")", company="@evil", region="-1+2",
                phone="+8613812345678")
    client.force_login(rep)
    text = client.get("/leads/export.csv").content.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[1:5] == ["'=HYPERLINK(\"http://x\")", "+8613812345678", "'@evil", "'-1+2"]


@pytest.mark.django_db
def test_import_report_neutralizes_what_it_quotes(manager, rep, pool):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rep.full_name = "=cmd()"
    rep.save(update_fields=["full_name"])
    LeadFactory(pool=pool, owner=rep, phone="+8613900000009")
    job = imports.start_import(actor=manager, pool_id=pool.pk,
                               upload=SimpleUploadedFile("l.csv", "姓名,手机\n周五,13900000009\n".encode()))
    job = imports.run_import(job_id=job.pk)
    row = list(csv.reader(io.StringIO(job.report)))[1]
    assert row[1] == "collision" and row[3] == "'=cmd()"
