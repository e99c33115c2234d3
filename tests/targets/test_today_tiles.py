"""Today's tiles on the rep's call plan: calls, customers reached and sales so far today (live)
against today's part of the rep's targets; the call plan loads them by URL and logging a call
tells the page to reload them."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from targets import domain as d
from targets.selectors import today_targets
from tests.factories import CallFactory, DispositionFactory, LeadFactory, TargetFactory, local

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 6, 16)  # June 2026: 22 working days; the week of the 15th: 5
SATURDAY = dt.date(2026, 6, 20)


# ---- today's part of a period (pure) ----------------------------------------------------------
@given(units=st.integers(min_value=0, max_value=10**6), month=st.integers(min_value=1, max_value=12),
       off=st.sets(st.integers(min_value=1, max_value=28), max_size=6))
def test_the_days_parts_of_a_target_sum_exactly_to_it_and_days_off_get_none(units, month, off):
    period = d.month_period(2026, month)
    cal = d.WorkCalendar(holidays=frozenset(dt.date(2026, month, day) for day in off))
    total = Decimal(units)
    parts = [d.day_share(total, period, day, work_calendar=cal, quantum=d.UNIT) for day in period.each_day()]
    assert sum(parts) == total
    assert all(part == 0 for day, part in zip(period.each_day(), parts, strict=True) if not cal.is_working_day(day))
    assert max(parts) - min(p for day, p in zip(period.each_day(), parts, strict=True) if cal.is_working_day(day)) <= 1


def test_a_day_outside_the_period_has_no_part():
    with pytest.raises(ValueError, match="not in"):
        d.day_share(Decimal(10), d.month_period(2026, 6), dt.date(2026, 7, 1))


# ---- which target, and its part of today ------------------------------------------------------
def rep_target(rep, metric, value, kind="month", start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30)):
    return TargetFactory(owner_kind="rep", rep=rep, team=None, metric=metric, value=Decimal(value),
                         period_kind=kind, start=start, end=end)


def test_the_finest_target_containing_today_is_split_over_its_working_days(rep):
    rep_target(rep, "calls", 440)  # 22 working days: 20 a day
    rep_target(rep, "calls", 120, "week", dt.date(2026, 6, 15), dt.date(2026, 6, 21))  # 5 working days: 24 a day
    rep_target(rep, "new_customers", 44)
    rep_target(rep, "policies_sold", 22)  # preferred over new customers: 1 a day
    assert today_targets(rep, rep=rep, day=TUESDAY) == {"calls_made": Decimal(24), "customers_reached": None,
                                                         "customers_sold": Decimal(1)}
    assert today_targets(rep, rep=rep, day=SATURDAY)["calls_made"] == 0


def test_only_the_reps_own_targets_count_and_only_for_who_may_see_them(rep, teammate, other_manager, team):
    rep_target(teammate, "calls", 440)
    TargetFactory(owner_kind="team", team=team, metric="calls", value=Decimal(5000))
    assert today_targets(rep, rep=rep, day=TUESDAY)["calls_made"] is None
    rep_target(rep, "calls", 440)
    assert today_targets(other_manager, rep=rep, day=TUESDAY)["calls_made"] is None


# ---- the tiles --------------------------------------------------------------------------------
@pytest.fixture
def tuesday_calls(rep):
    reached = DispositionFactory(code="tile-reached", attempted=True, reached=True)
    sold = DispositionFactory(code="tile-sold", attempted=True, sold=True)
    lead = LeadFactory(owner=rep)
    CallFactory(rep=rep, lead=lead, disposition=reached, started_at=local(TUESDAY, 9))
    CallFactory(rep=rep, lead=lead, disposition=sold, started_at=local(TUESDAY, 9, 30), premium=Decimal("500.00"),
                margin_rate=Decimal("0.1000"))
    CallFactory(rep=rep, lead=LeadFactory(owner=rep), disposition=reached, started_at=local(TUESDAY - dt.timedelta(days=1)))
    with time_machine.travel(local(TUESDAY, 10), tick=False):
        yield


def tile(html: str, key: str) -> str:
    return html.split(f'data-k="{key}"', 1)[1].split('<div class="tile"', 1)[0]


def test_tiles_show_today_so_far_against_todays_target(client, rep, tuesday_calls):
    rep_target(rep, "calls", 440)
    client.force_login(rep)
    html = client.get("/targets/today/").content.decode()
    assert '<span class="actual">2</span> <span class="of">of 20</span>' in tile(html, "calls_made")
    assert '<span class="actual">1</span></div>' in tile(html, "customers_reached")  # no target: no "of"
    assert '<span class="actual">1</span></div>' in tile(html, "customers_sold")
    assert 'hx-trigger="every 30s, call-logged from:body"' in html
    assert "as of 10:00:00" in html


def test_on_a_day_off_the_tile_says_so(client, rep):
    rep_target(rep, "calls", 440)
    client.force_login(rep)
    with time_machine.travel(local(SATURDAY, 10), tick=False):
        html = client.get("/targets/today/").content.decode()
    assert "No target today (a day off)" in tile(html, "calls_made")


def test_a_manager_sees_a_reps_tiles_and_the_fragment_keeps_asking_for_that_rep(client, manager, rep, tuesday_calls):
    client.force_login(manager)
    html = client.get(f"/targets/today/?rep={rep.pk}").content.decode()
    assert f'hx-get="/targets/today/?rep={rep.pk}"' in html
    assert '<span class="actual">2</span>' in tile(html, "calls_made")


def test_tiles_refuse_a_bad_rep_parameter(client, rep):
    client.force_login(rep)
    response = client.get("/targets/today/?rep=abc")
    assert response.status_code == 400 and "rep" in response.content.decode()


# ---- on the call plan -------------------------------------------------------------------------
def test_the_call_plan_loads_the_tiles_by_url(client, manager, rep):
    client.force_login(rep)
    html = client.get("/calls/").content.decode()
    assert 'id="today-tiles"' in html and 'hx-get="/targets/today/" hx-trigger="load"' in html
    client.force_login(manager)
    html = client.get(f"/calls/?rep={rep.pk}").content.decode()
    assert f'hx-get="/targets/today/?rep={rep.pk}"' in html


def test_logging_a_call_tells_the_page_to_reload_todays_numbers(client, rep):
    lead = LeadFactory(owner=rep)
    reached = DispositionFactory(code="tile-reached", attempted=True, reached=True)
    client.force_login(rep)
    with time_machine.travel(local(TUESDAY, 10), tick=False):  # within calling hours
        response = client.post(f"/calls/lead/{lead.pk}/log/", {"disposition": reached.pk, "duration": "60",
                                                              "channel": "phone"}, HTTP_HX_REQUEST="true")
    assert 'id="saved-note"' in response.content.decode()
    assert response["HX-Trigger"] == "call-logged"
