"""Browser journey: a manager decomposes a team month target to reps and sees the shares."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from targets.models import Target
from tests.factories import TargetFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_manager_decomposes_team_month_target_to_reps_and_sees_the_shares(page, sign_in, manager, team, rep, teammate):
    target = TargetFactory(owner_kind="team", team=team, value=Decimal("300000.00"),
                           start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30))
    sign_in(manager)
    page.goto(f"/targets/{target.pk}/")
    page.select_option("#id_dimension", "people")
    page.select_option("#id_method", "typed")
    page.fill(f"input[name=weight_{rep.pk}]", "2")
    page.fill(f"input[name=weight_{teammate.pk}]", "1")
    page.fill("#id_uplift_percent", "20")
    page.click("#preview-button")
    preview = page.locator("#preview-table")
    preview.wait_for()
    row = preview.locator(f"tr[data-owner='{rep.pk}']")
    assert "¥200,000.00" in row.inner_text() and "¥40,000.00" in row.inner_text() and "¥240,000.00" in row.inner_text()
    assert "¥360,000.00" in preview.locator("tfoot").inner_text()
    page.click("#decompose-button")
    page.wait_for_load_state("networkidle")
    children = page.locator("#children-table")
    text = children.inner_text()
    assert "王芳" in text and "李娜" in text and "¥240,000.00" in text and "¥120,000.00" in text
    assert Target.objects.filter(parent=target).count() == 2


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_target_charts_draw_under_the_content_security_policy(sign_in, open_charts, manager, team):
    last_month_end = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    target = TargetFactory(owner_kind="team", team=team, start=last_month_end.replace(day=1), end=last_month_end)
    sign_in(manager)
    open_charts("/targets/?show=all", "progress-chart")
    open_charts(f"/targets/{target.pk}/", "daily-chart")
