"""KPI pages: each role lands on its dashboard, scoping holds, exports write the chart's table."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis import services
from kpis.models import KpiRun
from tests.factories import LeadFactory, UserFactory, local

TODAY = dt.date(2025, 3, 20)


@pytest.fixture
def facts(rep, teammate, other_team_rep, log_call):
    leads = LeadFactory.create_batch(4)
    log_call(rep, leads[0], "sold", local(TODAY - dt.timedelta(days=2)), premium="1000.00", margin_rate="0.2000")
    log_call(rep, leads[1], "no_answer", local(TODAY - dt.timedelta(days=2)))
    log_call(teammate, leads[2], "quoted", local(TODAY - dt.timedelta(days=1)))
    log_call(teammate, leads[3], "sold", local(TODAY - dt.timedelta(days=1)), premium="3000.00", margin_rate="0.1000")
    log_call(other_team_rep, leads[0], "sold", local(TODAY - dt.timedelta(days=1)), premium="9999.00",
             margin_rate="0.9000")
    services.recompute_full()


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 3, 20, 12, tzinfo=dt.UTC), tick=False):
        yield


def test_manager_lands_on_team_dashboard_with_charts_leaderboard_and_diagnosis(client, manager, facts):
    client.force_login(manager)
    res = client.get("/kpis/")
    html = res.content.decode()
    assert res.status_code == 200
    assert "一组 Team One" in html and "chart-drivers" in html and "chart-trend" in html
    assert '<span id="daily-day">2025-03-19</span>' in html
    assert "张伟" not in html  # other team's rep
    assert html.index("李娜") < html.index("王芳")  # 李娜 leads on margin (300 vs 200)
    assert "rag-red" in html or "rag-amber" in html


def test_team_dashboard_makes_a_constant_number_of_queries(client, manager, team, facts, django_assert_max_num_queries):
    client.force_login(manager)
    client.get(f"/kpis/team/{team.id}/")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/kpis/team/{team.id}/")
    UserFactory.create_batch(8, team=team)
    with django_assert_max_num_queries(len(before)):
        res = client.get(f"/kpis/team/{team.id}/")
    assert res.status_code == 200
    assert len(before) <= 30


def test_manager_cannot_open_another_teams_dashboard(client, manager, other_team, facts):
    client.force_login(manager)
    assert client.get(f"/kpis/team/{other_team.id}/").status_code == 404


def test_rep_sees_own_dashboard_with_rank_and_what_if(client, rep, teammate, facts):
    client.force_login(rep)
    res = client.get("/kpis/", {"up_avg_premium": "10"})
    html = res.content.decode()
    assert "王芳" in html and "Rank 2 of 2" in html
    assert "chart-rep" in html
    assert "¥200.00 → <strong>¥220.00</strong>" in html
    assert client.get(f"/kpis/rep/{teammate.id}/").status_code == 404
    assert client.get(f"/kpis/team/{rep.team_id}/").status_code == 302


def test_admin_sees_company_dashboard_and_runs(client, admin_user, facts):
    client.force_login(admin_user)
    html = client.get("/kpis/").content.decode()
    assert "Company KPIs" in html and "二组 Team Two" in html
    runs = client.get("/kpis/runs/").content.decode()
    assert "Full rebuild" in runs
    client.post("/kpis/runs/run/")
    assert KpiRun.objects.filter(kind="incremental").exists()


def test_rep_cannot_see_runs(client, rep):
    client.force_login(rep)
    assert client.get("/kpis/runs/").status_code == 403


def test_an_integration_reads_the_company_dashboard_but_cannot_start_the_kpi_job(client, integration):
    client.force_login(integration)
    assert "Company KPIs" in client.get("/kpis/").content.decode()
    assert client.post("/kpis/runs/run/").status_code == 403
    assert not KpiRun.objects.exists()


def test_csv_and_excel_export_write_the_leaderboard_table(client, manager, team, facts):
    client.force_login(manager)
    csv = client.get(f"/kpis/export/team/{team.id}/", {"table": "leaderboard", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    header, first, second = text.splitlines()[:3]
    assert header.startswith("rank,label,") and "effective_connect_rate" in header
    assert first.startswith("1,李娜,") and second.startswith("2,王芳,")
    xlsx = client.get(f"/kpis/export/team/{team.id}/", {"table": "leaderboard", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert rows[1][rows[0].index("label")] == "李娜"
    assert client.get(f"/kpis/export/team/{team.id}/", {"table": "secrets"}).status_code == 404


def test_a_nonsense_period_is_refused_naming_the_parameter(client, manager, facts):
    client.force_login(manager)
    res = client.get("/kpis/", {"from": "0001-01-01", "to": "0001-01-02"}, follow=True)
    assert res.status_code == 400
    assert "<code>from</code>" in res.content.decode() and "2000-01-01" in res.content.decode()
    assert client.get("/kpis/", {"from": "yesterday"}, follow=True).status_code == 400
    res = client.get("/kpis/", {"from": "2026-03-10", "to": "2026-03-01"}, follow=True)
    assert res.status_code == 400 and "at most" in res.content.decode()
