"""Today, live: one definition, two schedules. The wallboard's numbers, computed on the fly from
today's calls, are what the KPI job writes for the same day; the team total counts a customer two
reps called once; who may watch which wallboard; the page, its fragment, "as of" on every KPI
page and the refresh schedule."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis import selectors, services
from kpis.domain import Counts
from kpis.live import live_today, wallboard_teams
from kpis.models import DailyRepKpi, KpiRun, KpiRunKind
from kpis.schedule import beat
from telesales.errors import DomainError, NotFound
from tests.factories import LeadFactory, UserFactory, local, random_calls

D = dt.date(2025, 3, 4)
NOW = local(D, 18, 30)


def counts_of(fact: DailyRepKpi) -> Counts:
    return Counts.from_mapping(fact.__dict__)


@pytest.fixture
def busy_day(team, rep, teammate, other_team_rep, log_call):
    """Two reps' calls on D and around it, an active rep who has not called yet, and a lead both
    reps worked on D: 王芳 reached it, 李娜 sold to it."""
    idle = UserFactory(team=team, full_name="赵六")
    random_calls(log_call, [rep, teammate, other_team_rep], [D - dt.timedelta(days=1), D, D + dt.timedelta(days=1)],
                 120, random.Random(14))
    shared = LeadFactory()
    log_call(rep, shared, "reached", local(D, 9), duration=90)
    log_call(teammate, shared, "sold", local(D, 15), duration=300, premium="1200.00", margin_rate="0.2500")
    return idle, shared


def test_live_numbers_equal_what_the_nightly_job_writes_for_the_same_day(busy_day, manager, team, rep, teammate):
    idle, _ = busy_day
    live = live_today(manager, team_id=team.id, now=NOW)

    services.recompute_incremental()
    written = {f.rep_id: counts_of(f) for f in DailyRepKpi.objects.filter(day=D, team=team)}
    assert set(written) == {rep.id, teammate.id}
    assert {row.rep.id: row.counts for row in live.rows} == {**written, idle.id: Counts()}
    assert live.total == selectors.team_counts(team, start=D, end=D)
    assert live.day == D and live.as_of == NOW


def test_team_total_counts_a_customer_two_reps_called_once(team, manager, rep, teammate, log_call):
    shared, own = LeadFactory(), LeadFactory()
    log_call(rep, shared, "reached", local(D, 9), duration=60)
    log_call(rep, own, "no_answer", local(D, 10), duration=5)
    log_call(teammate, shared, "sold", local(D, 11), duration=120, premium="1000.00", margin_rate="0.2000")

    live = live_today(manager, team_id=team.id, now=NOW)

    by_rep = {row.rep: row.counts for row in live.rows}
    assert (by_rep[rep].customers_dialled, by_rep[rep].customers_reached, by_rep[rep].calls_made) == (2, 1, 2)
    assert (by_rep[teammate].customers_reached, by_rep[teammate].customers_sold) == (1, 1)
    total = live.total
    assert (total.calls_made, total.customers_dialled, total.customers_reached, total.customers_sold) == (3, 2, 1, 1)
    assert (total.premium, total.margin_amount, total.talk_seconds) == (Decimal("1000.00"), Decimal("200.00"), 185)
    assert [row.rep for row in live.rows] == [teammate, rep]  # the one ranking: margin first
    assert [row.rank for row in live.rows] == [1, 2]


def test_only_today_counts_from_local_midnight(team, manager, rep, log_call):
    lead = LeadFactory()
    log_call(rep, lead, "reached", local(D - dt.timedelta(days=1), 23, 50))
    log_call(rep, lead, "no_answer", local(D, 0, 10))

    live = live_today(manager, team_id=team.id, now=NOW)

    assert (live.total.calls_made, live.total.customers_dialled, live.total.customers_reached) == (1, 1, 0)


def test_a_rep_who_left_today_still_counts_in_the_team_total(team, manager, rep, log_call):
    gone = UserFactory(team=team, full_name="离职", is_active=False)
    log_call(gone, LeadFactory(), "quoted", local(D, 9))

    live = live_today(manager, team_id=team.id, now=NOW)

    assert {row.rep for row in live.rows} == {gone, rep}
    assert live.total.customers_quoted == 1


def test_one_rep_alone(rep, teammate, manager, log_call):
    log_call(rep, LeadFactory(), "quoted", local(D, 9))
    log_call(teammate, LeadFactory(), "sold", local(D, 9), premium="10.00", margin_rate="0.5000")

    live = live_today(manager, rep_id=rep.id, now=NOW)

    assert [row.rep for row in live.rows] == [rep] and live.team is None
    assert live.total == live.rows[0].counts and live.total.customers_quoted == 1 and live.total.customers_sold == 0


# ---- who may watch ------------------------------------------------------------------------------
def test_a_rep_watches_their_own_teams_wallboard_but_no_other(rep, teammate, team, other_team, other_team_rep):
    assert [row.rep for row in live_today(rep, team_id=team.id, now=NOW).rows] == [rep, teammate]
    with pytest.raises(NotFound):
        live_today(rep, team_id=other_team.id, now=NOW)
    with pytest.raises(NotFound):
        live_today(rep, rep_id=teammate.id, now=NOW)


def test_a_manager_watches_the_teams_they_manage_and_an_admin_every_team(manager, admin_user, team, other_team,
                                                                          other_team_rep, rep):
    assert live_today(manager, team_id=team.id, now=NOW).team == team
    with pytest.raises(NotFound):
        live_today(manager, team_id=other_team.id, now=NOW)
    with pytest.raises(NotFound):
        live_today(manager, rep_id=other_team_rep.id, now=NOW)
    assert live_today(admin_user, team_id=other_team.id, now=NOW).rows[0].rep == other_team_rep
    assert list(wallboard_teams(admin_user)) == sorted([team, other_team], key=lambda t: t.name)


def test_a_team_or_a_rep_must_be_given(manager, team, rep):
    with pytest.raises(DomainError):
        live_today(manager)
    with pytest.raises(DomainError):
        live_today(manager, team_id=team.id, rep_id=rep.id)


# ---- the page ---------------------------------------------------------------------------------
def test_wallboard_page_shows_each_rep_and_the_team_total(client, manager, team, rep, teammate, log_call):
    from django.utils import timezone

    lead = LeadFactory()
    log_call(rep, lead, "reached", timezone.now())
    log_call(teammate, lead, "quoted", timezone.now())
    client.force_login(manager)

    page = client.get(f"/kpis/team/{team.id}/live/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "王芳" in html and "李娜" in html and 'id="live-as-of"' in html
    assert f'hx-get="/kpis/team/{team.id}/live/board/"' in html and 'hx-trigger="every 15s"' in html
    assert f'href="/kpis/team/{team.id}/"' in html  # back to the team's KPI dashboard
    total = page.context["live"].total
    assert (total.calls_made, total.customers_dialled, total.customers_reached, total.customers_quoted) == (2, 1, 1, 1)


def test_live_index_opens_the_first_wallboard_the_user_may_watch(client, rep, team, admin_user):
    client.force_login(rep)
    assert client.get("/kpis/live/").url == f"/kpis/team/{team.id}/live/"
    loner = UserFactory(team=None)
    client.force_login(loner)
    response = client.get("/kpis/live/")
    assert response.status_code == 200 and 'id="no-wallboard"' in response.content.decode()


def test_the_board_fragment_makes_the_same_queries_for_two_reps_or_twenty(client, manager, team, rep, log_call):
    client.force_login(manager)
    client.get(f"/kpis/team/{team.id}/live/board/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/kpis/team/{team.id}/live/board/").status_code == 200
        return len(ctx)

    few = queries()
    for member in UserFactory.create_batch(19, team=team):
        log_call(member, LeadFactory(), "reached", NOW)
    assert queries() == few


def test_a_wallboard_of_another_team_is_not_found(client, other_manager, team):
    client.force_login(other_manager)
    assert client.get(f"/kpis/team/{team.id}/live/").status_code == 404
    assert client.get(f"/kpis/team/{team.id}/live/board/").status_code == 404


# ---- "as of" on the KPI pages -----------------------------------------------------------------
def test_every_kpi_page_says_as_of_the_latest_successful_run(client, manager, admin_user, team, rep):
    done = local(D, 10, 0)
    KpiRun.objects.create(kind=KpiRunKind.INCREMENTAL, started_at=done, finished_at=done + dt.timedelta(seconds=3))
    KpiRun.objects.create(kind=KpiRunKind.INCREMENTAL, started_at=local(D, 10, 10), finished_at=local(D, 10, 11),
                          error="OperationalError: boom")
    KpiRun.objects.create(kind=KpiRunKind.INCREMENTAL, started_at=local(D, 10, 20))  # still running

    client.force_login(manager)
    for url in (f"/kpis/team/{team.id}/", f"/kpis/rep/{rep.id}/", "/kpis/"):
        assert "Figures as of 2025-03-04 10:00." in client.get(url).content.decode(), url
    client.force_login(admin_user)
    assert "Figures as of 2025-03-04 10:00." in client.get("/kpis/company/").content.decode()


def test_before_any_run_the_pages_say_there_are_no_figures_yet(client, manager, team):
    client.force_login(manager)
    assert "No KPI run has finished yet" in client.get(f"/kpis/team/{team.id}/").content.decode()


# ---- the schedule -----------------------------------------------------------------------------
class Env:
    def __init__(self, **values):
        self.values = values

    def int(self, name, default):
        return int(self.values.get(name, default))


def test_the_incremental_job_also_runs_every_few_minutes():
    entries = beat(Env())
    assert entries["kpis-refresh"]["task"] == entries["kpis-nightly-recompute"]["task"] == "kpis.tasks.recompute_kpis"
    assert entries["kpis-refresh"]["schedule"] == dt.timedelta(minutes=10)
    assert beat(Env(KPI_REFRESH_MINUTES="3"))["kpis-refresh"]["schedule"] == dt.timedelta(minutes=3)
    assert "kpis-refresh" not in beat(Env(KPI_REFRESH_MINUTES="0"))


def test_settings_schedule_the_refresh(settings):
    assert settings.CELERY_BEAT_SCHEDULE["kpis-refresh"]["task"] == "kpis.tasks.recompute_kpis"


def test_a_manager_sees_the_wallboard_in_the_navigation(client, manager):
    client.force_login(manager)
    assert '<a href="/kpis/live/"' in client.get("/kpis/live/", follow=True).content.decode()
