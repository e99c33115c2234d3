"""Alert rules: below-pace streaks open one alert per streak; acknowledgement; root cause."""

import datetime as dt
from decimal import Decimal

import pytest

from targets import services
from targets.models import Alert
from targets.selectors import alerts_visible_to, unread_alert_count
from telesales.errors import Conflict, DomainError, NotFound
from tests.factories import AlertRuleFactory, DailyRepKpiFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_june(rep):
    """220,000 premium over June 2026's 22 working days: a daily pace of 10,000."""
    return TargetFactory(owner_kind="rep", rep=rep, team=rep.team, value=Decimal("220000.00"))


def facts(rep, days_values):
    for day, value in days_values:
        DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, day), premium=Decimal(value))


def test_three_working_days_below_80_percent_open_one_alert_and_rerunning_adds_none(
    rep, rep_june, manager, django_capture_on_commit_callbacks
):
    rule = AlertRuleFactory(email=True)
    manager.email = "liu@example.com"
    manager.save()
    facts(rep, [(1, 10000), (2, 9000), (3, 10000), (4, 7000), (5, 7000), (8, 7000), (9, 12000)])
    from django.core import mail

    # the streak crosses a weekend: Thu 4, Fri 5, Mon 8 are consecutive working days
    with django_capture_on_commit_callbacks(execute=True):
        result = services.evaluate_alert_rules(as_of=dt.date(2026, 6, 9))
    assert result == {"created": 1, "extended": 0}
    alert = Alert.objects.get()
    assert (alert.rule, alert.target, alert.streak_start, alert.streak_end) == (rule, rep_june, dt.date(2026, 6, 4), dt.date(2026, 6, 8))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.evaluate_alert_rules(as_of=dt.date(2026, 6, 9)) == {"created": 0, "extended": 0}
    assert Alert.objects.count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["liu@example.com"]


def test_a_streak_that_goes_on_extends_its_alert_and_a_new_streak_opens_another(rep, rep_june):
    AlertRuleFactory()
    facts(rep, [(1, 0), (2, 0), (3, 0)])
    services.evaluate_alert_rules(as_of=dt.date(2026, 6, 3))
    facts(rep, [(4, 100)])
    assert services.evaluate_alert_rules(as_of=dt.date(2026, 6, 4)) == {"created": 0, "extended": 1}
    assert Alert.objects.get().days_below == 4
    facts(rep, [(5, 20000), (8, 1), (9, 1), (10, 1)])
    services.evaluate_alert_rules(as_of=dt.date(2026, 6, 10))
    assert list(Alert.objects.order_by("streak_start").values_list("streak_start", "streak_end")) == [
        (dt.date(2026, 6, 1), dt.date(2026, 6, 4)), (dt.date(2026, 6, 8), dt.date(2026, 6, 10))]


def test_days_at_pace_or_too_short_runs_raise_nothing(rep, rep_june):
    AlertRuleFactory(consecutive_days=3)
    facts(rep, [(1, 8000), (2, 7000), (3, 7000), (4, 9000), (5, 7000), (8, 7000)])
    assert services.evaluate_alert_rules(as_of=dt.date(2026, 6, 8)) == {"created": 0, "extended": 0}


def test_managers_see_and_acknowledge_their_teams_alerts_once(rep, rep_june, manager, other_team_rep):
    AlertRuleFactory()
    facts(rep, [(1, 0), (2, 0), (3, 0)])
    services.evaluate_alert_rules(as_of=dt.date(2026, 6, 3))
    alert = Alert.objects.get()
    from tests.factories import ManagerFactory

    other_manager = ManagerFactory(team=other_team_rep.team)
    assert unread_alert_count(manager) == 1 and unread_alert_count(other_manager) == 0
    assert list(alerts_visible_to(rep)) == []
    with pytest.raises(NotFound):
        services.acknowledge_alert(actor=other_manager, alert_id=alert.pk)
    services.acknowledge_alert(actor=manager, alert_id=alert.pk)
    alert.refresh_from_db()
    assert alert.acknowledged_by == manager and unread_alert_count(manager) == 0
    with pytest.raises(Conflict):
        services.acknowledge_alert(actor=manager, alert_id=alert.pk)


def test_root_cause_note_covers_the_five_dimensions(rep, rep_june, manager):
    AlertRuleFactory()
    facts(rep, [(1, 0), (2, 0), (3, 0)])
    services.evaluate_alert_rules(as_of=dt.date(2026, 6, 3))
    alert = Alert.objects.get()
    with pytest.raises(DomainError, match="at least one dimension"):
        services.save_root_cause(actor=manager, alert_id=alert.pk, actions="talk to her")
    note = services.save_root_cause(actor=manager, alert_id=alert.pk, customer_quality="名单质量差, 空号多",
                                    tools="外呼系统两天故障")
    note = services.save_root_cause(actor=manager, alert_id=alert.pk, customer_quality="名单质量差",
                                    tools="外呼系统故障", actions="换名单")
    assert note.customer_quality == "名单质量差" and note.actions == "换名单" and alert.root_cause.pk == note.pk


def test_the_task_runs_the_same_service_and_is_chained_after_the_nightly_kpi_run(rep, rep_june, settings):
    from kpis.tasks import AFTER_NIGHTLY_RUN
    from targets.tasks import evaluate_alert_rules

    AlertRuleFactory()
    facts(rep, [(1, 0), (2, 0), (3, 0)])
    assert evaluate_alert_rules.delay("2026-06-03").get() == {"created": 1, "extended": 0}
    assert evaluate_alert_rules.delay("2026-06-03").get() == {"created": 0, "extended": 0}
    # Not on a clock that assumes the KPI run finished (tests/ops/test_jobs.py runs the chain).
    assert "targets-evaluate-alert-rules" not in settings.CELERY_BEAT_SCHEDULE
    assert AFTER_NIGHTLY_RUN == ["targets.evaluate_alert_rules"]


def test_managers_add_rules_for_their_own_teams_only(manager, team, other_team, admin_user):
    from telesales.errors import PermissionDenied

    rule = services.create_alert_rule(actor=manager, metric="calls", threshold_percent="70", consecutive_days=2, team=team)
    assert rule.name == "2 working days below 70% of Calls pace"
    assert rule.name_i18n["zh-hans"] == "连续 2 个工作日低于通话日进度的 70%"
    with pytest.raises(PermissionDenied):
        services.create_alert_rule(actor=manager, metric="calls", threshold_percent="70", consecutive_days=2,
                                   team=other_team)
    with pytest.raises(PermissionDenied):
        services.create_alert_rule(actor=manager, metric="calls", threshold_percent="70", consecutive_days=2)
    with pytest.raises(DomainError):
        services.create_alert_rule(actor=admin_user, metric="calls", threshold_percent="0", consecutive_days=2)
    assert services.create_alert_rule(actor=admin_user, metric="premium", threshold_percent=80, consecutive_days=3).team is None


def test_manager_adds_a_rule_from_the_alerts_page(client, manager, team):
    from targets.models import AlertRule

    client.force_login(manager)
    r = client.post("/targets/alerts/rules/new/", {"metric": "premium", "threshold_percent": "80",
                                                    "consecutive_days": "3", "team": team.pk})
    assert r.status_code == 302
    assert AlertRule.objects.get().team == team
    assert "3 working days below 80%" in client.get("/targets/alerts/").content.decode()
