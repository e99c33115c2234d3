"""The whole bootstrap of a fresh install with no browser (issue 19): a token from the command
line, then teams, users and a pool over HTTP, a lead import, a dialer sync and the KPIs, each
step with a token that has only the scopes it needs."""

import base64
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from calls.dispositions import ensure_standard

pytestmark = pytest.mark.django_db


def issue(name: str, *scopes: str) -> APIClient:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "--name", name, *[a for s in scopes for a in ("--scope", s)], stdout=out,
                 stderr=err)
    key = out.getvalue().strip()
    assert len(key) == 40 and key not in err.getvalue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def test_a_fresh_install_is_set_up_and_fed_through_the_api_alone(django_capture_on_commit_callbacks):
    assert not User.objects.exists()
    ensure_standard()  # what the calls migration ships; a flushed test database lacks it
    setup = issue("setup", "admin")

    team = ok(setup.post("/api/v1/teams/", {"name": "Shanghai 1", "calling_hours_start": "00:00",
                                             "calling_hours_end": "23:59"}, format="json"), 201)
    manager = ok(setup.post("/api/v1/users/", {"username": "mgr", "full_name": "刘强", "role": "manager",
                                                "team": team["id"], "password": "Manager-pass-42"},
                            format="json"), 201)
    rep = ok(setup.post("/api/v1/users/", {"username": "rep1", "full_name": "王芳", "role": "rep", "team": team["id"],
                                            "password": "Rep-pass-4242"}, format="json"), 201)
    ok(setup.patch(f"/api/v1/teams/{team['id']}/", {"managers": [manager["id"]]}, format="json"))
    pool = ok(setup.post("/api/v1/pools/", {"name": "Shanghai pool", "team": team["id"], "max_held": 500},
                         format="json"), 201)

    lead_source = issue("crm-feed", "leads:write", "leads:read")
    csv = "name,phone,company\n赵一,13800000001,甲公司\n钱二,13800000002,乙公司\n孙三,13800000003,丙公司\n"
    with django_capture_on_commit_callbacks(execute=True):
        job = ok(lead_source.post("/api/v1/lead-imports/", {
            "file_name": "leads.csv", "content_base64": base64.b64encode(csv.encode()).decode(),
            "pool": pool["id"]}, format="json"), 202)
    assert ok(lead_source.get(f"/api/v1/lead-imports/{job['id']}/"))["status"] == "done"
    rows = ok(lead_source.get(f"/api/v1/lead-imports/{job['id']}/rows/"))["results"]
    assert [r["result"] for r in rows] == ["created"] * 3
    leads = [r["lead_id"] for r in rows]

    dialer = issue("dialer", "calls:write")
    codes = {d["code"] for d in ok(dialer.get("/api/v1/dispositions/"))["results"]}
    assert {"reached", "quoted", "sold"} <= codes
    yesterday = (timezone.localtime() - dt.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    calls = [
        {"source": "pbx", "external_id": "c1", "lead_id": leads[0], "rep_id": rep["id"], "started_at": yesterday.isoformat(),
         "duration_seconds": 120, "disposition": "sold", "premium": "5000", "margin_rate": "0.2"},
        {"source": "pbx", "external_id": "c2", "lead_id": leads[1], "rep_id": rep["id"], "started_at": yesterday.isoformat(),
         "duration_seconds": 90, "disposition": "quoted", "quote_amount": "3000"},
        {"source": "pbx", "external_id": "c3", "lead_id": leads[2], "rep_id": rep["id"], "started_at": yesterday.isoformat(),
         "disposition": "no_answer"},
    ]
    dry = ok(dialer.post("/api/v1/calls/sync?dry_run=true", {"calls": calls}, format="json"))
    assert dry["counts"]["created"] == 3, dry["results"]
    assert ok(dialer.post("/api/v1/calls/sync", {"calls": calls}, format="json"))["counts"] == {
        "created": 3, "updated": 0, "unchanged": 0, "error": 0}
    assert dialer.get("/api/v1/leads/").status_code == 403  # a dialer token reads no leads

    call_command("recompute_kpis")
    bi = issue("warehouse", "kpis:read")
    day = yesterday.date().isoformat()
    (row,) = ok(bi.get("/api/v1/kpis/", {"scope": "team", "team": team["id"], "from": day, "to": day}))["results"]
    assert row["counts"]["customers_dialled"] == 3
    assert row["counts"]["customers_quoted"] == 2 and row["counts"]["customers_sold"] == 1
    assert row["counts"]["premium"] == "5000.00"
