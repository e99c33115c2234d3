"""In a real browser: a chart bar opens the records behind it, the team what-if answers in place,
and the KPI pages fit a 390 px wide phone."""

import datetime as dt

import pytest
from django.utils import timezone

from kpis import services
from tests.factories import LeadFactory, local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def yesterday(rep, teammate, log_call):
    day = timezone.localdate() - dt.timedelta(days=1)
    leads = LeadFactory.create_batch(4)
    log_call(rep, leads[0], "sold", local(day, 9), premium="1000.00", margin_rate="0.2000")
    log_call(rep, leads[1], "no_answer", local(day, 10))
    log_call(teammate, leads[2], "quoted", local(day, 11))
    log_call(teammate, leads[3], "reached", local(day - dt.timedelta(days=3), 11))
    services.recompute_full()
    return day


def _click_first_bar(page, chart_id: str):
    bar = page.locator(f"#{chart_id} .bars .point path").first
    bar.wait_for()
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 2
    page.mouse.move(x, y)
    page.locator(f"#{chart_id} .hoverlayer .hovertext").first.wait_for()  # plotly clicks what it hovers
    page.mouse.click(x, y)


def test_a_click_on_a_bar_opens_the_customers_behind_it(page, sign_in, console_errors, manager, yesterday):
    sign_in(manager)
    page.goto(f"/kpis/team/{manager.team_id}/?from={yesterday.isoformat()}&to={yesterday.isoformat()}")
    page.locator("#chart-drivers.drillable").wait_for()
    _click_first_bar(page, "chart-drivers")  # outbound customers of the first rep on the board
    page.wait_for_url("**/kpis/drill/?what=customers&stage=dialled*")
    count = page.locator("#drill-count").inner_text()
    assert count.split()[0] == str(page.locator("#drill-rows tbody tr[data-lead]").count())
    assert console_errors == []


def test_the_team_what_if_answers_in_place(page, sign_in, console_errors, manager, yesterday):
    sign_in(manager)
    url = f"/kpis/team/{manager.team_id}/?from={yesterday.isoformat()}&to={yesterday.isoformat()}"
    page.goto(url)
    page.fill("#team-what-if input[name=up_avg_premium]", "10")
    page.click("#team-what-if button[type=submit]")
    result = page.locator("#team-what-if-result")
    result.wait_for()
    assert "¥200.00 → ¥220.00" in result.inner_text()
    assert page.url.endswith(url)  # no navigation: htmx swapped the card
    assert console_errors == []


@pytest.mark.parametrize(("who", "path"), [
    ("manager", "/kpis/team/{team}/?from={day}&to={day}&compare=previous"),
    ("manager", "/kpis/rep/{rep}/?from={day}&to={day}&compare=last_year"),
    ("admin_user", "/kpis/company/?from={day}&to={day}&compare=previous"),
    ("manager", "/kpis/drill/?what=calls&team={team}&from={day}&to={day}"),
    ("manager", "/kpis/drill/?what=customers&stage=dialled&team={team}&from={day}&to={day}"),
    ("manager", "/kpis/team/{team}/what-if/?from={day}&to={day}"),
    ("manager", "/funnel/leads/?grade=E&team={team}"),
])
def test_the_pages_fit_a_phone(page, sign_in, request, rep, manager, yesterday, who, path):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(request.getfixturevalue(who))
    page.goto(path.format(team=manager.team_id, rep=rep.id, day=yesterday.isoformat()))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
