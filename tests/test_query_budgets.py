"""Query-count budgets on the dashboards (KPI, funnel, targets and coaching pages and their APIs)
for a manager and a rep: each page makes the same number of queries with a few records as with
many more (more reps, leads, calls, targets, plans, notes and samples), and no more than its
budget, so later work cannot quietly add an N+1 query. The pages are those of the permission
matrix (tests/test_permission_matrix.py) where the role gets a 200, and a few past days."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from coaching import services as coaching
from funnel import services as funnel_services
from kpis import services as kpis
from leads.grading import change_grade
from targets import services as targets
from targets.models import Alert
from tests import factories as qa
from tests.factories import CallFactory, LeadFactory, ManagerFactory, PoolFactory, TeamFactory, UserFactory

# The pages are measured once per module (`measured`): one xdist worker runs the whole module.
pytestmark = pytest.mark.xdist_group("query-budgets")


def items() -> list[dict]:
    """Three SMART items of an improvement plan."""
    due = timezone.localdate() + dt.timedelta(days=14)
    return [{"what": f"Goal {i}", "measure": "connect rate", "target": ">= 35%", "due": due} for i in range(3)]


# Pages whose PostgreSQL statement has a portable twin that reads in more queries (SQLite): how many
# more. The queue reads its parts one queryset at a time (calls/queue_scan.py).
PORTABLE_EXTRA = {"/calls/queue/": 5}

# (page, role): the most queries it may make. Raise one only with the reason in the commit.
BUDGETS: dict[tuple[str, str], int] = {
    # The rep's calling loop (issue 15; save & next is budgeted in tests/calls/test_queue.py).
    ("/calls/queue/", "rep"): 24,
    ("/calls/", "rep"): 18,
    ("/calls/lead/{lead}/panel/", "rep"): 7,  # + the lead's score: its best hours for the follow-up
    ("/leads/{lead}/", "rep"): 8,
    ("/kpis/", "rep"): 20,
    ("/kpis/", "manager"): 29,
    ("/kpis/team/{team_a}/", "manager"): 27,
    ("/kpis/rep/{rep}/", "rep"): 20,
    ("/kpis/rep/{rep}/", "manager"): 20,
    ("/kpis/team/{team_a}/live/", "rep"): 6,
    ("/kpis/team/{team_a}/live/", "manager"): 7,
    ("/kpis/team/{team_a}/live/board/", "rep"): 5,
    ("/kpis/team/{team_a}/live/board/", "manager"): 5,
    ("/kpis/export/team/{team_a}/?table=leaderboard", "manager"): 18,
    ("/kpis/segments/", "rep"): 6,
    ("/kpis/segments/", "manager"): 6,
    ("/kpis/segments/?team={team_a}&segment=region", "rep"): 7,
    ("/kpis/segments/?team={team_a}&segment=region", "manager"): 7,
    ("/kpis/team/{team_a}/what-if/", "manager"): 3,
    ("/kpis/drill/?what=customers&stage=reached&rep={rep}&from=2025-01-01&to=2025-01-31", "rep"): 4,
    ("/kpis/drill/?what=customers&stage=reached&rep={rep}&from=2025-01-01&to=2025-01-31", "manager"): 6,
    ("/kpis/drill/?what=calls&rep={rep}&team={team_a}&from=2025-01-01&to=2025-01-31", "rep"): 6,
    ("/kpis/drill/?what=calls&rep={rep}&team={team_a}&from=2025-01-01&to=2025-01-31", "manager"): 7,
    ("/kpis/drill/?what=calls&team={team_a}&from=2025-01-01&to=2025-01-31", "manager"): 6,
    ("/funnel/", "rep"): 8,
    ("/funnel/", "manager"): 15,
    ("/funnel/team/", "manager"): 15,
    ("/funnel/team/?team={team_a}", "manager"): 14,
    ("/funnel/team/?team={team_a}&segment=region", "manager"): 21,
    ("/funnel/plan/", "rep"): 2,
    ("/funnel/plan/", "manager"): 5,
    ("/funnel/leads/?grade=E", "rep"): 5,
    ("/funnel/leads/?grade=E", "manager"): 11,
    ("/funnel/leads/?grade=E&rep={rep}", "rep"): 6,
    ("/funnel/leads/?grade=E&rep={rep}", "manager"): 8,
    ("/funnel/leads/?grade=won&team={team_a}&reps_only=true", "manager"): 8,
    ("/funnel/lead/{lead}/grade/", "rep"): 5,
    ("/funnel/lead/{lead}/grade/", "manager"): 7,
    ("/targets/", "rep"): 15,
    ("/targets/", "manager"): 12,
    ("/targets/today/", "rep"): 6,
    ("/targets/today/", "manager"): 6,
    ("/targets/today/?rep={rep}", "rep"): 6,
    ("/targets/today/?rep={rep}", "manager"): 7,
    ("/targets/{target}/", "rep"): 18,
    ("/targets/{target}/", "manager"): 21,
    ("/targets/{team_target}/", "manager"): 19,
    ("/targets/alerts/", "rep"): 3,
    ("/targets/alerts/", "manager"): 8,
    ("/targets/alerts/{alert}/", "manager"): 5,
    ("/coaching/", "rep"): 8,
    ("/coaching/", "manager"): 11,
    ("/coaching/review/{assignment}/", "manager"): 6,
    ("/coaching/samples/", "manager"): 6,
    ("/coaching/samples/{sample}/", "rep"): 6,
    ("/coaching/samples/{sample}/", "manager"): 8,
    ("/coaching/results/", "rep"): 5,
    ("/coaching/results/", "manager"): 7,
    ("/coaching/scorecards/", "manager"): 6,
    ("/coaching/scorecards/{card}/", "manager"): 9,
    ("/coaching/sampling/", "manager"): 11,
    ("/coaching/plans/", "rep"): 5,
    ("/coaching/plans/", "manager"): 5,
    ("/coaching/plans/new/", "manager"): 3,
    ("/coaching/plans/{plan}/", "rep"): 5,
    ("/coaching/plans/{plan}/", "manager"): 6,
    ("/coaching/notes/", "rep"): 4,
    ("/coaching/notes/", "manager"): 6,
    ("/coaching/notes/{note}/", "rep"): 5,
    ("/coaching/notes/{note}/", "manager"): 7,
    ("/api/v1/kpis/", "rep"): 10,
    ("/api/v1/kpis/", "manager"): 10,
    ("/api/v1/kpis/?scope=team&team={team_a}", "rep"): 10,
    ("/api/v1/kpis/?scope=team&team={team_a}", "manager"): 10,
    ("/api/v1/kpis/?segment=source&team={team_a}", "rep"): 4,
    ("/api/v1/kpis/?segment=source&team={team_a}", "manager"): 4,
    ("/api/v1/kpis/diagnosis/?team={team_a}", "rep"): 9,
    ("/api/v1/kpis/diagnosis/?team={team_a}", "manager"): 9,
    ("/api/v1/kpis/live/?team={team_a}", "rep"): 5,
    ("/api/v1/kpis/live/?team={team_a}", "manager"): 5,
    ("/api/v1/kpis/live/?rep={rep}", "rep"): 4,
    ("/api/v1/kpis/live/?rep={rep}", "manager"): 4,
    ("/api/v1/funnel/", "rep"): 3,
    ("/api/v1/funnel/", "manager"): 7,
    ("/api/v1/funnel/?team={team_a}", "manager"): 6,
    ("/api/v1/funnel/?team={team_a}&segment=source", "manager"): 13,
    ("/api/v1/funnel/conversion/?team={team_a}", "manager"): 11,
    ("/api/v1/funnel/diagnosis/?team={team_a}", "manager"): 6,
    ("/api/v1/targets/", "rep"): 4,
    ("/api/v1/targets/", "manager"): 5,
    ("/api/v1/targets/{target}/", "rep"): 3,
    ("/api/v1/targets/{target}/", "manager"): 4,
    ("/api/v1/targets/{team_target}/", "manager"): 4,
    ("/api/v1/targets/{target}/progress/", "rep"): 14,
    ("/api/v1/targets/{target}/progress/", "manager"): 15,
    ("/api/v1/targets/{team_target}/revisions/", "manager"): 5,
    ("/api/v1/target-alerts/", "rep"): 2,
    ("/api/v1/target-alerts/", "manager"): 5,
    ("/api/v1/target-alerts/{alert}/", "manager"): 4,
    ("/api/v1/coaching/results/", "rep"): 5,
    ("/api/v1/coaching/results/", "manager"): 5,
    ("/api/v1/coaching/scorecards/", "rep"): 6,
    ("/api/v1/coaching/scorecards/", "manager"): 6,
    ("/api/v1/coaching/scorecards/{card}/", "rep"): 5,
    ("/api/v1/coaching/scorecards/{card}/", "manager"): 5,
    ("/api/v1/coaching/sampling-plans/", "rep"): 2,
    ("/api/v1/coaching/sampling-plans/", "manager"): 6,
    ("/api/v1/coaching/sampling-plans/{sampling_plan}/", "manager"): 5,
    ("/api/v1/coaching/samples/", "rep"): 5,
    ("/api/v1/coaching/samples/", "manager"): 5,
    ("/api/v1/coaching/samples/{sample}/", "rep"): 4,
    ("/api/v1/coaching/samples/{sample}/", "manager"): 4,
    ("/api/v1/coaching/assignments/", "rep"): 3,
    ("/api/v1/coaching/assignments/", "manager"): 4,
    ("/api/v1/coaching/assignments/{assignment}/", "manager"): 3,
    ("/api/v1/coaching/reviews/", "rep"): 3,
    ("/api/v1/coaching/reviews/", "manager"): 3,
    ("/api/v1/coaching/plans/", "rep"): 6,
    ("/api/v1/coaching/plans/", "manager"): 6,
    ("/api/v1/coaching/plans/{plan}/", "rep"): 5,
    ("/api/v1/coaching/plans/{plan}/", "manager"): 5,
    ("/api/v1/coaching/notes/", "rep"): 5,
    ("/api/v1/coaching/notes/", "manager"): 6,
    ("/api/v1/coaching/notes/{note}/", "rep"): 4,
    ("/api/v1/coaching/notes/{note}/", "manager"): 5,
    ("/api/v1/coaching/action-items/", "rep"): 4,
    ("/api/v1/coaching/action-items/", "manager"): 5,
    ("/api/v1/coaching/action-items/{item}/", "rep"): 3,
    ("/api/v1/coaching/action-items/{item}/", "manager"): 4,
    ("/api/v1/coaching/team-stages/", "rep"): 3,
    ("/api/v1/coaching/team-stages/", "manager"): 3,
    ("/funnel/?as_of={past}", "manager"): 17,
    ("/funnel/team/?team={team_a}&as_of={past}", "manager"): 16,
    ("/api/v1/funnel/?team={team_a}&as_of={past}", "manager"): 7,
    ("/funnel/?as_of={past}", "rep"): 10,
}


def build_world() -> dict:
    """A team with a rep and a manager, and one record of each kind the pages' addresses name."""
    today = timezone.localdate()
    team_a = TeamFactory(name="预算组")
    rep, manager = UserFactory(team=team_a), ManagerFactory(team=team_a)
    lead = LeadFactory(owner=rep, pool=PoolFactory(team=team_a, browsing_enabled=True))
    call = CallFactory(lead=lead, rep=rep)
    target = targets.create_target(actor=manager, metric="premium", value=Decimal(100000), owner_kind="rep",
                                   rep=rep, period_kind="month", start=today)
    team_target = targets.create_target(actor=manager, metric="premium", value=Decimal(300000), owner_kind="team",
                                        team=team_a, period_kind="month", start=today)
    rule = targets.create_alert_rule(actor=manager, metric="premium", threshold_percent=Decimal(80),
                                     consecutive_days=3, team=team_a)
    alert = Alert.objects.create(rule=rule, target=team_target, streak_start=today, streak_end=today, days_below=3,
                                 message="below pace")
    card = qa.scorecard(manager, team_a)
    sampling_plan = qa.plan(manager, team_a, card)
    sample = qa.sample(manager, call, card)
    assignment = coaching.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=manager)
    plan = coaching.start_plan(actor=manager, rep=rep, title="Lift connect rate", items=items(), start_date=today)
    note = coaching.write_note(actor=manager, rep=rep, situation="s", behaviour="b", impact="i")
    item = coaching.add_action_item(actor=manager, note_id=note.pk, description="Listen to calls",
                                    due_on=today + dt.timedelta(days=7))
    return {name: obj.pk for name, obj in locals().items() if hasattr(obj, "pk")}


def grow(w: dict) -> None:
    """Many more records of every kind behind the dashboards, in the same teams."""
    manager, rep = User.objects.get(pk=w["manager"]), User.objects.get(pk=w["rep"])
    team = rep.team
    today = timezone.localdate()
    reps = [rep, *UserFactory.create_batch(4, team=team)]
    card = qa.scorecard(manager, team)
    for i, someone in enumerate(reps):
        for lead in LeadFactory.create_batch(4, owner=someone):
            calls = CallFactory.create_batch(2, lead=lead, rep=someone, started_at=timezone.now() - dt.timedelta(days=2))
            change_grade(actor=someone, lead_id=lead.pk, to_grade="C", at=timezone.now() - dt.timedelta(days=3))
            qa.sample(manager, calls[0], card)
        if someone != rep:  # the rep has the world's month target already
            targets.create_target(actor=manager, metric="premium", value=Decimal(40000 + i), owner_kind="rep",
                                  rep=someone, period_kind="month", start=today)
            coaching.start_plan(actor=manager, rep=someone, title="Lift connect rate", start_date=today, items=items())
        for _ in range(3):
            note = coaching.write_note(actor=manager, rep=someone, situation="s", behaviour="b", impact="i")
            coaching.add_action_item(actor=manager, note_id=note.pk, description="Listen",
                                     due_on=today + dt.timedelta(days=7))


def measure(w: dict) -> dict[tuple[str, str], int]:
    """Queries each case makes, each request in a savepoint rolled back afterwards."""
    kpis.recompute_full()
    funnel_services.take_snapshots(days=40)
    counts = {}
    for path, role in BUDGETS:
        client = Client()
        client.force_login(User.objects.get(pk=w[role]))
        url = path.format(**w)
        client.get(url)  # warm caches filled once per process (the schema, translations, content types)
        with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            transaction.set_rollback(True)
        assert response.status_code == 200, (url, role, response.status_code)
        counts[(path, role)] = len(ctx.captured_queries)
    return counts


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build_world()
            w["past"] = (timezone.localdate() - dt.timedelta(days=20)).isoformat()
            few = measure(w)
            grow(w)
            yield few, measure(w)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.parametrize(("path", "role"), list(BUDGETS), ids=[f"{p} as {r}" for p, r in BUDGETS])
def test_dashboard_queries_do_not_grow_with_records_and_stay_within_budget(measured, db, path, role):
    few, many = measured
    assert many[(path, role)] <= few[(path, role)], f"{path} as {role}: {few[(path, role)]} → {many[(path, role)]} queries"
    budget = BUDGETS[(path, role)] + PORTABLE_EXTRA.get(path, 0) * (connection.vendor != "postgresql")
    assert many[(path, role)] <= budget, f"{path} as {role}: {many[(path, role)]} queries"
