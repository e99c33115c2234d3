"""Comparing a period with the one before it (环比) and with the same dates last year (同比):
exact changes in kpis.domain, shown on the dashboards and written to the exports."""

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from kpis import services
from kpis.domain import (
    COMPARED,
    Change,
    Counts,
    compare,
    compare_period,
    display_change,
    previous_period,
    same_period_last_year,
)
from tests.factories import LeadFactory, local


# ---- periods ---------------------------------------------------------------------------------------
def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    assert previous_period(dt.date(2025, 3, 1), dt.date(2025, 3, 20)) == (dt.date(2025, 2, 9), dt.date(2025, 2, 28))
    assert previous_period(dt.date(2025, 3, 5), dt.date(2025, 3, 5)) == (dt.date(2025, 3, 4), dt.date(2025, 3, 4))
    # 365 days before a year of 365 days, in a leap year: from 2 January.
    assert previous_period(dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == (dt.date(2024, 1, 2), dt.date(2024, 12, 31))


def test_the_same_period_last_year_keeps_the_dates_and_moves_29_february_to_the_28th():
    assert same_period_last_year(dt.date(2025, 3, 3), dt.date(2025, 3, 5)) == (dt.date(2024, 3, 3), dt.date(2024, 3, 5))
    assert same_period_last_year(dt.date(2024, 2, 29), dt.date(2024, 3, 31)) == (dt.date(2023, 2, 28),
                                                                                   dt.date(2023, 3, 31))
    assert compare_period("last_year", dt.date(2024, 2, 1), dt.date(2024, 2, 29))[1] == dt.date(2023, 2, 28)
    with pytest.raises(ValueError, match="Unknown comparison"):
        compare_period("yesterday", dt.date(2024, 2, 1), dt.date(2024, 2, 29))


@given(st.dates(dt.date(2001, 1, 1), dt.date(2099, 1, 1)), st.integers(0, 800))
def test_the_previous_period_touches_the_period_and_is_as_long(start, days):
    end = start + dt.timedelta(days=days)
    before_start, before_end = previous_period(start, end)
    assert before_end + dt.timedelta(days=1) == start
    assert (before_end - before_start) == (end - start)


# ---- changes ---------------------------------------------------------------------------------------
def test_a_change_is_absolute_and_relative_and_n_a_against_zero_or_n_a():
    assert Change(Fraction(120), Fraction(100)).absolute == 20
    assert Change(Fraction(120), Fraction(100)).percent == 20
    assert Change(Fraction(80), Fraction(100)).percent == -20
    assert Change(Fraction(5), Fraction(0)).absolute == 5 and Change(Fraction(5), Fraction(0)).percent is None
    assert Change(None, Fraction(1, 2)).absolute is None and Change(None, Fraction(1, 2)).percent is None
    assert Change(Fraction(0), Fraction(0)).percent is None


NOW = Counts(customers_dialled=40, customers_reached=20, customers_quoted=8, customers_sold=2,
             premium=Decimal("3000.00"), margin_amount=Decimal("450.00"), calls_made=100, talk_seconds=3600)
BEFORE = Counts(customers_dialled=50, customers_reached=20, customers_quoted=5, customers_sold=1,
                premium=Decimal("1000.00"), margin_amount=Decimal("100.00"), calls_made=80, talk_seconds=3000)


def test_hand_computed_changes_of_every_driver_and_count():
    changes = compare(NOW, BEFORE)
    assert list(changes) == list(COMPARED)
    expected = {  # measure: (absolute, percent)
        "calls_made": (20, 25),
        "talk_seconds": (600, 20),
        "outbound_customers": (-10, -20),
        "effective_connect_rate": (Fraction(1, 10), 25),  # 1/2 against 2/5: +10 points, +25 %
        "customers_reached": (0, 0),
        "quote_success_rate": (Fraction(3, 20), 60),  # 2/5 against 1/4
        "customers_quoted": (3, 60),
        "sales_success_rate": (Fraction(1, 20), 25),  # 1/4 against 1/5
        "customers_sold": (1, 100),
        "avg_premium": (500, 50),  # 1500 against 1000
        "premium": (2000, 200),
        "avg_margin_rate": (Fraction(1, 20), 50),  # 15 % against 10 %
        "margin_amount": (350, 350),
    }
    assert {name: (c.absolute, c.percent) for name, c in changes.items()} == expected


def test_a_driver_with_nothing_to_count_before_has_no_change():
    changes = compare(NOW, Counts(customers_dialled=3))
    assert changes["quote_success_rate"].base is None and changes["quote_success_rate"].absolute is None
    assert changes["effective_connect_rate"].base == 0 and changes["effective_connect_rate"].percent is None
    assert changes["customers_sold"].absolute == 2 and changes["customers_sold"].percent is None


def test_changes_are_rounded_for_people_by_unit():
    shown = display_change("effective_connect_rate", Change(Fraction(2, 3), Fraction(1, 2)))
    assert shown == {"current": Decimal("0.6667"), "base": Decimal("0.5000"), "absolute": Decimal("0.1667"),
                     "percent": Decimal("33.33")}
    assert display_change("customers_sold", Change(Fraction(2), Fraction(3)))["percent"] == Decimal("-33.33")
    assert display_change("avg_premium", Change(Fraction(1000, 3), Fraction(100)))["absolute"] == Decimal("233.33")


@st.composite
def counts(draw):
    dialled = draw(st.integers(0, 500))
    reached = draw(st.integers(0, dialled))
    quoted = draw(st.integers(0, reached))
    sold = draw(st.integers(0, quoted))
    premium = draw(st.integers(0, 10**8)) if sold else 0
    return Counts(customers_dialled=dialled, customers_reached=reached, customers_quoted=quoted,
                  customers_sold=sold, premium=Decimal(premium) / 100,
                  margin_amount=Decimal(draw(st.integers(0, premium))) / 100,
                  calls_made=draw(st.integers(dialled, 2000)), talk_seconds=draw(st.integers(0, 10**6)))


@given(counts(), counts())
def test_a_change_adds_back_to_the_value_exactly(now, before):
    for change in compare(now, before).values():
        if change.absolute is not None:
            assert change.base + change.absolute == change.current
        if change.percent is not None:
            assert change.base * change.percent / 100 == change.absolute


# ---- pages and exports -------------------------------------------------------------------------------
D1, D2, D3 = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5)
PERIOD = {"from": D1.isoformat(), "to": D3.isoformat()}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 3, 20, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def history(rep, teammate, log_call):
    """Now (D1–D3): rep reaches A on D1 and sells to A on D2 (1000 × 0.2), tries B on D1 and D3;
    teammate quotes C on D2. The three days before: rep tries A, reaches D on two days.
    A year earlier: rep sells to E (500 × 0.1)."""
    a, b, c, d, e = LeadFactory.create_batch(5)
    log_call(rep, a, "reached", local(D1), duration=60)
    log_call(rep, a, "sold", local(D2), duration=120, premium="1000.00", margin_rate="0.2000")
    log_call(rep, b, "no_answer", local(D1), duration=5)
    log_call(rep, b, "no_answer", local(D3), duration=5)
    log_call(teammate, c, "quoted", local(D2), duration=300)
    log_call(rep, a, "no_answer", local(dt.date(2025, 3, 1)), duration=5)
    log_call(rep, d, "reached", local(dt.date(2025, 3, 1)), duration=50)
    log_call(rep, d, "reached", local(dt.date(2025, 3, 2)), duration=50)
    log_call(rep, e, "sold", local(dt.date(2024, 3, 4)), duration=90, premium="500.00", margin_rate="0.1000")
    services.recompute_full()


def _cells(page: str, measure: str) -> list[str]:
    row = re.search(rf'<tr data-measure="{measure}">(.*?)</tr>', page, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)][1:]


def test_the_team_dashboard_compares_with_the_previous_period(client, manager, team, history):
    client.force_login(manager)
    page = client.get(f"/kpis/team/{team.id}/", {**PERIOD, "compare": "previous"}).content.decode()
    assert "Compared with the previous period (2025-02-28 – 2025-03-02)" in page
    # now, before, change, change %
    assert _cells(page, "outbound_customers") == ["3", "2", "+1", "+50.0%"]
    assert _cells(page, "effective_connect_rate") == ["66.7%", "50.0%", "+16.7 pp", "+33.3%"]
    assert _cells(page, "customers_reached") == ["2", "1", "+1", "+100.0%"]
    assert _cells(page, "quote_success_rate") == ["100.0%", "0.0%", "+100.0 pp", "—"]
    assert _cells(page, "customers_sold") == ["1", "0", "+1", "—"]
    assert _cells(page, "calls_made") == ["5", "3", "+2", "+66.7%"]
    assert _cells(page, "talk_seconds") == ["8:10", "1:45", "+6:25", "+366.7%"]
    assert _cells(page, "margin_amount") == ["¥200.00", "¥0.00", "+¥200.00", "—"]
    assert _cells(page, "sales_success_rate") == ["50.0%", "—", "—", "—"]


def test_the_rep_dashboard_compares_with_the_same_period_last_year(client, rep, history):
    client.force_login(rep)
    page = client.get(f"/kpis/rep/{rep.id}/", {**PERIOD, "compare": "last_year"}).content.decode()
    assert "Compared with the same period last year (2024-03-03 – 2024-03-05)" in page
    assert _cells(page, "customers_sold") == ["1", "1", "±0", "±0.0%"]
    assert _cells(page, "margin_amount") == ["¥200.00", "¥50.00", "+¥150.00", "+300.0%"]
    assert _cells(page, "avg_margin_rate") == ["20.0%", "10.0%", "+10.0 pp", "+100.0%"]


def test_the_company_dashboard_shows_each_teams_change(client, admin_user, team, history):
    client.force_login(admin_user)
    page = client.get("/kpis/company/", {**PERIOD, "compare": "previous"}).content.decode()
    assert _cells(page, "customers_reached") == ["2", "1", "+1", "+100.0%"]
    row = re.search(r'<table class="grid" id="teams">.*?</table>', page, re.S).group(0)
    assert '<small class="change">+50.0%</small>' in row  # the team's outbound customers, 3 against 2


def test_without_a_comparison_the_page_shows_none(client, manager, team, history):
    client.force_login(manager)
    page = client.get(f"/kpis/team/{team.id}/", PERIOD).content.decode()
    assert 'id="comparison"' not in page and 'class="change"' not in page


def test_an_unknown_comparison_is_refused_naming_the_parameter(client, manager, team, history):
    client.force_login(manager)
    res = client.get(f"/kpis/team/{team.id}/", {**PERIOD, "compare": "yesterday"})
    assert res.status_code == 400 and "<code>compare</code>" in res.content.decode()


def test_the_comparison_export_has_each_measure_of_the_team_and_its_reps(client, manager, team, history):
    client.force_login(manager)
    query = {**PERIOD, "compare": "previous", "table": "comparison", "format": "csv"}
    lines = client.get(f"/kpis/export/team/{team.id}/", query).content.decode("utf-8-sig").splitlines()
    assert lines[0] == "label,measure,current,base,change,change_pct"
    assert "一组 Team One,effective_connect_rate,0.6667,0.5000,0.1667,33.33" in lines
    assert "一组 Team One,margin_amount,200.00,0.00,200.00," in lines
    assert "王芳,outbound_customers,2,2,0,0.00" in lines  # the rep: A and B now, A and D before
    assert "李娜,customers_quoted,1,0,1," in lines
    leaderboard = client.get(f"/kpis/export/team/{team.id}/", {**query, "table": "leaderboard"})
    assert leaderboard.status_code == 200
    without = client.get(f"/kpis/export/team/{team.id}/", {**PERIOD, "table": "comparison"})
    assert without.status_code == 404
