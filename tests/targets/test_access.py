"""Targets and alerts are decided by the team's managers and admins (company targets by admins
alone): an integration token reads but gets 403 on every write, and a manager of one team can
neither change another team's target nor act on its alerts."""

import datetime as dt
from decimal import Decimal

import pytest

from targets import services
from targets.models import Alert, AlertRule, RootCauseNote, Target, TargetRevision
from tests.factories import AlertRuleFactory, DailyRepKpiFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(rep, team):
    TargetFactory(owner_kind="rep", rep=rep, team=team, value=Decimal("220000.00"))
    AlertRuleFactory()
    for day in (1, 2, 3):
        DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, day), premium=0)
    services.evaluate_alert_rules(as_of=dt.date(2026, 6, 3))
    return Alert.objects.get(target__rep=rep)


def _writes(target, alert, team, rep):
    new = {"metric": "calls", "value": "900", "period_kind": "month", "start": "2026-07-01"}
    return [
        ("post", "/api/v1/targets/", {**new, "owner_kind": "company"}),
        ("post", "/api/v1/targets/", {**new, "owner_kind": "team", "team": team.pk}),
        ("post", "/api/v1/targets/", {**new, "owner_kind": "rep", "rep": rep.pk}),
        ("patch", f"/api/v1/targets/{target.pk}/", {"note": "changed"}),
        ("post", f"/api/v1/targets/{target.pk}/decompose/", {"dimension": "people"}),
        ("post", f"/api/v1/targets/{target.pk}/revisions/", {"new_value": "310000", "reason": "forecast_wrong"}),
        ("delete", f"/api/v1/targets/{target.pk}/", None),
        ("post", f"/api/v1/target-alerts/{alert.pk}/acknowledge/", None),
        ("post", f"/api/v1/target-alerts/{alert.pk}/root-cause/", {"people": "new hires"}),
    ]


def _state():
    return (Target.objects.count(), TargetRevision.objects.count(), RootCauseNote.objects.count(),
            list(Alert.objects.values_list("acknowledged_at", flat=True)), list(Target.objects.values_list("note", flat=True)))


def test_an_integration_reads_targets_and_alerts_but_every_write_is_403(api, integration, team_month_target, alert,
                                                                        team, rep):
    client = api.as_user(integration)
    assert client.get(f"/api/v1/targets/{team_month_target.pk}/").status_code == 200
    assert client.get(f"/api/v1/target-alerts/{alert.pk}/").status_code == 200
    before = _state()
    for method, url, body in _writes(team_month_target, alert, team, rep):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403, (method, url, response.content)
        assert response.json()["error"]["code"] == "permission_denied"
    assert _state() == before


def test_a_manager_cannot_change_another_teams_target_or_act_on_its_alerts(api, other_manager, team_month_target,
                                                                           alert, team, rep):
    client = api.as_user(other_manager)
    before = _state()
    for method, url, body in _writes(team_month_target, alert, team, rep):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code in (403, 404), (method, url, response.content)
    assert _state() == before


def test_an_integration_cannot_add_alert_rules_on_the_page(client, integration, team):
    client.force_login(integration)
    page = client.get("/targets/alerts/").content.decode()
    assert 'id="new-rule"' not in page
    client.post("/targets/alerts/rules/new/", {"metric": "premium", "threshold_percent": "80", "consecutive_days": "3"})
    client.post("/targets/alerts/rules/new/", {"metric": "premium", "threshold_percent": "80", "consecutive_days": "3",
                                               "team": team.pk})
    assert not AlertRule.objects.exists()


def test_only_admins_set_company_targets(api, manager, admin_user):
    body = {"metric": "calls", "value": "900", "owner_kind": "company", "period_kind": "month", "start": "2026-07-01"}
    assert api.as_user(manager).post("/api/v1/targets/", body, format="json").status_code == 403
    assert api.as_user(admin_user).post("/api/v1/targets/", body, format="json").status_code == 201
