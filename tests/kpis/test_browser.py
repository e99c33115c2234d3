"""The team dashboard in a real browser: plotly draws the charts from the facts."""

import datetime as dt

import pytest
from django.utils import timezone

from kpis import services
from tests.factories import LeadFactory, local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_opens_team_dashboard_and_sees_charts_render(page, sign_in, manager, rep, teammate, log_call):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    leads = LeadFactory.create_batch(3)
    log_call(rep, leads[0], "sold", local(yesterday), premium="1000.00", margin_rate="0.2000")
    log_call(teammate, leads[1], "quoted", local(yesterday))
    log_call(teammate, leads[2], "no_answer", local(yesterday))
    services.recompute_incremental()

    sign_in(manager)
    page.goto(f"/kpis/team/{manager.team_id}/")
    page.wait_for_selector("#chart-drivers.js-plotly-plot")
    page.wait_for_selector("#chart-trend.js-plotly-plot")
    assert page.locator("#chart-drivers .main-svg").count() > 0
    assert page.locator("#daily-leaderboard tbody tr").first.inner_text().startswith("1")
    assert "王芳" in page.locator("#daily-leaderboard").inner_text()


def test_every_kpi_chart_draws_under_the_content_security_policy(page, sign_in, open_charts, manager, admin_user,
                                                                  rep, teammate, log_call):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    leads = LeadFactory.create_batch(2)
    log_call(rep, leads[0], "sold", local(yesterday), premium="1000.00", margin_rate="0.2000")
    log_call(teammate, leads[1], "quoted", local(yesterday))
    services.recompute_incremental()

    sign_in(manager)
    open_charts(f"/kpis/team/{manager.team_id}/", "chart-drivers", "chart-trend")
    open_charts(f"/kpis/rep/{rep.pk}/", "chart-rep", "chart-trend")
    page.context.clear_cookies()
    sign_in(admin_user)
    open_charts("/kpis/company/", "chart-drivers", "chart-trend")
