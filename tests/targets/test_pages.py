"""Target pages: list with progress, detail with decomposition and revisions, alerts."""

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine

from targets import services
from targets.models import Alert, Target
from tests.factories import AlertRuleFactory, DailyRepKpiFactory, TargetFactory

pytestmark = pytest.mark.django_db
JUNE_15 = dt.datetime(2026, 6, 15, 4, tzinfo=dt.UTC)


@time_machine.travel(JUNE_15)
def test_rep_sees_own_progress_and_the_calls_a_day_plan(client, rep, teammate, team):
    TargetFactory(owner_kind="rep", rep=rep, team=team, value=Decimal("220000.00"))
    TargetFactory(owner_kind="rep", rep=teammate, team=team, value=Decimal("999999.00"))
    DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, 1), premium=Decimal("8000"))
    client.force_login(rep)
    html = client.get("/targets/").content.decode()
    assert "¥220,000.00" in html and "999,999" not in html
    assert 'data-rag="red"' in html
    assert "calls a day" in html


@time_machine.travel(JUNE_15)
def test_manager_list_query_count_does_not_grow_with_targets(client, manager, team, django_assert_max_num_queries):
    from tests.factories import UserFactory

    reps = UserFactory.create_batch(12, team=team)
    for r in reps:
        TargetFactory(owner_kind="rep", rep=r, team=team)
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        assert client.get("/targets/").status_code == 200


@time_machine.travel(JUNE_15)
def test_manager_previews_and_decomposes_with_uplift_shown(client, manager, team, rep, teammate, team_month_target):
    client.force_login(manager)
    url = f"/targets/{team_month_target.pk}/"
    assert "Decompose" in client.get(url).content.decode()
    preview = client.post(url + "decompose/preview/", {"dimension": "people", "method": "even", "uplift_percent": "20"})
    body = preview.content.decode()
    # money as on every other page (¥, thousands separators), the uplift as a percentage
    assert "¥150,000.00" in body and "¥30,000.00" in body and "¥360,000.00" in body and "20.0%" in body
    assert "150000.00" not in body
    assert not Target.objects.filter(parent=team_month_target).exists()
    r = client.post(url + "decompose/", {"dimension": "people", "method": "even", "uplift_percent": "20"})
    assert r.status_code == 302
    assert Target.objects.filter(parent=team_month_target).count() == 2
    html = client.get(url).content.decode()
    assert "¥180,000.00" in html and 'id="children-table"' in html


@time_machine.travel(JUNE_15)
def test_preview_of_a_count_target_shows_whole_numbers(client, manager, team, rep, teammate):
    """A calls target is a count: its preview says "3,000", not "3000.00" or "¥3,000.00"."""
    target = TargetFactory(owner_kind="team", team=team, metric="calls", value=Decimal("6000"), created_by=manager,
                           start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30))
    client.force_login(manager)
    url = f"/targets/{target.pk}/decompose/preview/"
    body = client.post(url, {"dimension": "people", "method": "even", "uplift_percent": "0"}).content.decode()
    assert "3,000" in body and "6,000" in body and "3000.00" not in body and "¥" not in body
    body = client.post(url, {"dimension": "time", "method": "calendar_days", "into": "week"}).content.decode()
    assert 'id="preview-table"' in body and ".00<" not in body and "¥" not in body


@time_machine.travel(JUNE_15)
def test_revision_form_requires_a_reason_and_shows_history(client, manager, team_month_target):
    client.force_login(manager)
    url = f"/targets/{team_month_target.pk}/"
    client.post(url + "revise/", {"new_value": "250000"})
    team_month_target.refresh_from_db()
    assert team_month_target.value == Decimal("300000.00")
    client.post(url + "revise/", {"new_value": "250000", "reason": "forecast_wrong", "note": "预测偏高"})
    html = client.get(url).content.decode()
    assert "预测偏高" in html and "Forecast was wrong" in html


def test_a_target_or_alert_page_the_user_cannot_see_is_not_found(client, rep, teammate, team, other_manager):
    other = TargetFactory(owner_kind="rep", rep=teammate, team=team)
    AlertRuleFactory()
    for day in (1, 2, 3):
        DailyRepKpiFactory(rep=teammate, day=dt.date(2026, 6, day), premium=0)
    services.evaluate_alert_rules(as_of=dt.date(2026, 6, 3))
    alert = Alert.objects.get()
    client.force_login(rep)
    assert client.get(f"/targets/{other.pk}/").status_code == 404
    assert client.get(f"/targets/{other.pk + 1000}/").status_code == 404
    client.force_login(other_manager)
    assert client.get(f"/targets/alerts/{alert.pk}/").status_code == 404
    assert client.post(f"/targets/alerts/{alert.pk}/", {"people": "new hires"}).status_code == 404
    assert not Alert.objects.get().is_read


def test_alerts_page_counts_unread_and_records_root_cause(client, manager, rep, team):
    TargetFactory(owner_kind="rep", rep=rep, team=team, value=Decimal("220000.00"))
    AlertRuleFactory()
    for day in (1, 2, 3):
        DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, day), premium=0)
    services.evaluate_alert_rules(as_of=dt.date(2026, 6, 3))
    alert = Alert.objects.get()
    client.force_login(manager)
    assert '<span class="badge" id="unread-alerts">1 unread' in client.get("/targets/alerts/").content.decode()
    client.post(f"/targets/alerts/{alert.pk}/", {"customer_quality": "名单质量差"})
    alert.refresh_from_db()
    assert alert.is_read and alert.root_cause.customer_quality == "名单质量差"
    client.post(f"/targets/alerts/{alert.pk}/acknowledge/")
    alert.refresh_from_db()
    assert alert.acknowledged_by == manager


def test_unread_alert_template_tag(rf, manager):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = manager
    out = Template("{% load targets_tags %}{% unread_target_alerts as n %}[{{ n }}]").render(Context({"request": request}))
    assert out == "[0]"


@time_machine.travel(JUNE_15)
def test_progress_card_tag_shows_a_reps_month_and_calls_a_day(rf, rep, team):
    from django.template import Context, Template

    TargetFactory(owner_kind="rep", rep=rep, team=team, value=Decimal("220000.00"))
    DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, 1), premium=Decimal("8000"))
    request = rf.get("/")
    request.user = rep
    html = Template("{% load targets_tags %}{% target_progress_card %}").render(Context({"request": request}))
    assert "¥220,000.00" in html and "calls a day" in html and 'data-rag="red"' in html


class _Where(HTMLParser):
    """Records the tag each form and the csrf input sit in (title or body)."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.title = ""
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("title", "body"):
            self.stack.append(tag)
        if tag in ("form", "input", "table") and self.stack:
            self.found.append((self.stack[-1], dict(attrs).get("action") or dict(attrs).get("name") or dict(attrs).get("id") or tag))

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "title":
            self.title += data


def test_alerts_page_renders_the_rules_and_their_form_in_the_body_not_the_title(client, manager, team):
    AlertRuleFactory(team=team)
    client.force_login(manager)
    where = _Where()
    where.feed(client.get("/targets/alerts/").content.decode())
    assert "Target alerts" in where.title and "Alert rules" not in where.title
    assert ("body", "/targets/alerts/rules/new/") in where.found
    assert ("body", "rules-table") in where.found
    assert not [f for f in where.found if f[0] == "title"]


@time_machine.travel(JUNE_15)
def test_the_calls_a_day_plan_is_for_this_months_target_on_the_page_and_the_card(client, rf, rep, team):
    """The page and the home card ask the same selector: even with every target listed, the plan
    is walked back from this month's target, never a finished month's."""
    from django.template import Context, Template

    TargetFactory(owner_kind="rep", rep=rep, team=team, value=Decimal("50000.00"),
                  start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))
    TargetFactory(owner_kind="rep", rep=rep, team=team, value=Decimal("220000.00"))
    DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, 1), premium=Decimal("8000"))
    client.force_login(rep)
    page = client.get("/targets/?show=all").content.decode()
    assert "To make 2026-06:" in page.split('id="funnel-plan"')[1]
    request = rf.get("/")
    request.user = rep
    card = Template("{% load targets_tags %}{% target_progress_card %}").render(Context({"request": request}))
    assert "calls a day" in card and "¥50,000.00" not in card
