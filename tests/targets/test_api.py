"""Targets API: CRUD without value edits, decomposition, progress, revisions, alerts."""

import datetime as dt
from decimal import Decimal

import pytest

from targets.models import Alert, Target
from tests.factories import AlertRuleFactory, DailyRepKpiFactory, TargetFactory

pytestmark = pytest.mark.django_db


def test_manager_creates_decomposes_and_reads_progress(api, manager, team, rep, teammate):
    client = api.as_user(manager)
    r = client.post("/api/v1/targets/", {"metric": "premium", "value": "300000", "owner_kind": "team", "team": team.pk,
                                         "period_kind": "month", "start": "2026-06-10"}, format="json")
    assert r.status_code == 201, r.json()
    tid = r.json()["id"]
    assert (r.json()["start"], r.json()["end"]) == ("2026-06-01", "2026-06-30")
    preview = client.post(f"/api/v1/targets/{tid}/decompose/", {"dimension": "people", "preview": True}, format="json")
    assert preview.status_code == 200
    body = preview.json()
    assert body["saved"] is False and body["uplift_percent"] == "20.00"
    assert sorted(s["value"] for s in body["shares"]) == ["180000.00", "180000.00"]
    assert not Target.objects.filter(parent_id=tid).exists()
    r = client.post(f"/api/v1/targets/{tid}/decompose/", {"dimension": "people", "method": "even"}, format="json")
    assert r.status_code == 201 and len(r.json()["targets"]) == 2
    assert r.json()["targets"][0]["uplift_amount"] == "30000.00"
    DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, 1), premium=Decimal("5000"))
    p = client.get(f"/api/v1/targets/{tid}/progress/?as_of=2026-06-01")
    assert p.status_code == 200
    assert p.json()["actual"] == "5000.00" and p.json()["rag"] == "red"


def test_value_changes_only_through_a_revision_with_a_reason(api, manager, team):
    t = TargetFactory(owner_kind="team", team=team)
    client = api.as_user(manager)
    r = client.patch(f"/api/v1/targets/{t.pk}/", {"value": "1"}, format="json")
    assert r.status_code == 400 and "revision" in r.json()["error"]["message"]
    r = client.post(f"/api/v1/targets/{t.pk}/revisions/", {"new_value": "250000"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["message"].startswith("reason")
    r = client.post(f"/api/v1/targets/{t.pk}/revisions/",
                    {"new_value": "250000", "reason": "forecast_wrong", "note": "old forecast"}, format="json")
    assert r.status_code == 201 and r.json()["value"] == "250000.00"
    history = client.get(f"/api/v1/targets/{t.pk}/revisions/").json()
    assert [(h["old_value"], h["new_value"], h["reason"]) for h in history] == [("300000.00", "250000.00", "forecast_wrong")]


def test_clear_400s_for_bad_input(api, manager, team):
    client = api.as_user(manager)
    r = client.post("/api/v1/targets/", {"metric": "premium", "value": "0", "owner_kind": "team", "team": team.pk,
                                         "period_kind": "month", "start": "2026-06-10"}, format="json")
    assert r.status_code == 400 and "greater than zero" in r.json()["error"]["message"]
    t = TargetFactory(owner_kind="team", team=team)
    r = client.post(f"/api/v1/targets/{t.pk}/decompose/", {"dimension": "time", "method": "tenure"}, format="json")
    assert r.status_code == 400
    r = client.post(f"/api/v1/targets/{t.pk}/decompose/", {"dimension": "time", "into": "year"}, format="json")
    assert r.status_code == 400
    assert client.get(f"/api/v1/targets/{t.pk}/progress/?as_of=nope").status_code == 400


def test_reps_read_only_their_own_targets(api, rep, teammate, team):
    mine = TargetFactory(owner_kind="rep", rep=rep, team=team)
    other = TargetFactory(owner_kind="rep", rep=teammate, team=team)
    client = api.as_user(rep)
    assert [t["id"] for t in client.get("/api/v1/targets/").json()["results"]] == [mine.pk]
    assert client.get(f"/api/v1/targets/{other.pk}/").status_code == 404
    r = client.post(f"/api/v1/targets/{mine.pk}/revisions/", {"new_value": "1", "reason": "forecast_wrong"}, format="json")
    assert r.status_code == 403


def test_alerts_list_acknowledge_and_root_cause(api, manager, rep, team):
    from targets import services

    TargetFactory(owner_kind="rep", rep=rep, team=team, value=Decimal("220000.00"))
    AlertRuleFactory()
    for day in (1, 2, 3):
        DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, day), premium=0)
    services.evaluate_alert_rules(as_of=dt.date(2026, 6, 3))
    alert = Alert.objects.get()
    client = api.as_user(manager)
    assert client.get("/api/v1/target-alerts/?unread=1").json()["count"] == 1
    assert client.post(f"/api/v1/target-alerts/{alert.pk}/acknowledge/").status_code == 200
    assert client.post(f"/api/v1/target-alerts/{alert.pk}/acknowledge/").status_code == 409
    assert client.get("/api/v1/target-alerts/?unread=1").json()["count"] == 0
    r = client.post(f"/api/v1/target-alerts/{alert.pk}/root-cause/", {"tools": "外呼系统故障"}, format="json")
    assert r.status_code == 200
    assert client.get(f"/api/v1/target-alerts/{alert.pk}/").json()["root_cause"]["tools"] == "外呼系统故障"
    assert api.as_user(rep).get(f"/api/v1/target-alerts/{alert.pk}/").status_code == 404


def test_target_list_query_count_does_not_grow_with_rows(api, manager, team, django_assert_max_num_queries):
    from tests.factories import UserFactory

    for r in UserFactory.create_batch(15, team=team):
        TargetFactory(owner_kind="rep", rep=r, team=team)
    client = api.as_user(manager)
    with django_assert_max_num_queries(6):
        r = client.get("/api/v1/targets/?page_size=100")
    assert r.status_code == 200 and r.json()["count"] == 15
