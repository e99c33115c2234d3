"""Target services: SMART creation, decomposition, revisions, progress, permissions."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from targets import selectors, services
from targets.models import Holiday, Target, TargetRevision
from telesales.errors import Conflict, DomainError, NotFound, PermissionDenied
from tests.factories import DailyRepKpiFactory, TargetFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_seed_example_company_year_decomposes_into_quarters_months_and_weeks_exactly(admin_user):
    year = services.create_target(actor=admin_user, metric="premium", value="50000000", owner_kind="company",
                                  period_kind="year", start=dt.date(2026, 3, 5))
    assert (year.start, year.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    quarters = services.decompose_over_time(actor=admin_user, target_id=year.pk)
    assert [q.value for q in quarters] == [Decimal("12500000.00")] * 4
    weeks_total = Decimal(0)
    for q in quarters:
        months = services.decompose_over_time(actor=admin_user, target_id=q.pk)
        assert sum(m.value for m in months) == q.value
        for m in months:
            weeks = services.decompose_over_time(actor=admin_user, target_id=m.pk, method="calendar_days")
            assert sum(w.value for w in weeks) == m.value
            assert weeks[0].start == m.start and weeks[-1].end == m.end
            weeks_total += sum(w.value for w in weeks)
    assert weeks_total == Decimal("50000000.00")


def test_team_month_target_handed_to_reps_with_the_teams_twenty_percent_uplift(manager, team_month_target, rep, teammate):
    third = UserFactory(team=team_month_target.team)
    shares, uplift = services.preview_over_people(target=team_month_target)
    assert uplift == Decimal("20")
    children = services.decompose_over_people(actor=manager, target_id=team_month_target.pk)
    assert {c.rep for c in children} == {rep, teammate, third}
    assert sum(c.base_value for c in children) == Decimal("300000.00")
    assert sum(c.value for c in children) == Decimal("360000.00")
    assert all(c.uplift_amount == Decimal("20000.00") and c.uplift_percent == 20 for c in children)


def test_typed_weights_split_by_the_managers_numbers(manager, team_month_target, rep, teammate):
    children = services.decompose_over_people(
        actor=manager, target_id=team_month_target.pk, method="typed", weights={rep.pk: 2, str(teammate.pk): 1},
        uplift_percent="0",
    )
    values = {c.rep_id: c.value for c in children}
    assert values == {rep.pk: Decimal("200000.00"), teammate.pk: Decimal("100000.00")}


def test_history_weights_follow_each_reps_recent_results(manager, team_month_target, rep, teammate):
    DailyRepKpiFactory(rep=rep, day=dt.date(2026, 5, 10), premium=Decimal("30000"))
    DailyRepKpiFactory(rep=teammate, day=dt.date(2026, 5, 10), premium=Decimal("10000"))
    shares, _ = services.preview_over_people(target=team_month_target, method="history", uplift_percent=0)
    assert {s.key: s.base for s in shares} == {rep: Decimal("225000.00"), teammate: Decimal("75000.00")}


def test_decomposing_twice_is_refused_unless_replacing(manager, team_month_target, rep):
    services.decompose_over_people(actor=manager, target_id=team_month_target.pk)
    with pytest.raises(Conflict):
        services.decompose_over_people(actor=manager, target_id=team_month_target.pk)
    again = services.decompose_over_people(actor=manager, target_id=team_month_target.pk, replace=True, uplift_percent=0)
    assert [c.value for c in again] == [Decimal("300000.00")]
    assert team_month_target.children.count() == 1


def test_working_day_split_respects_the_holiday_calendar(manager, team):
    Holiday.objects.create(day=dt.date(2026, 6, 19), name="端午节")
    month = services.create_target(actor=manager, metric="calls", value="2100", owner_kind="team", team=team,
                                   period_kind="month", start=dt.date(2026, 6, 1))
    weeks = services.decompose_over_time(actor=manager, target_id=month.pk, method="working_days")
    # 21 working days in June 2026 once the Dragon Boat holiday is off: 100 calls a working day
    assert [w.value for w in weeks] == [500, 500, 400, 500, 200]


def test_smart_validation_refuses_unmeasurable_or_empty_targets(manager, team):
    base = dict(actor=manager, owner_kind="team", team=team, period_kind="month", start=dt.date(2026, 6, 1))
    with pytest.raises(DomainError, match="greater than zero"):
        services.create_target(metric="premium", value="0", **base)
    with pytest.raises(DomainError, match="Unknown metric"):
        services.create_target(metric="happiness", value="10", **base)
    with pytest.raises(DomainError, match="whole units"):
        services.create_target(metric="calls", value="10.5", **base)


def test_a_target_far_above_the_owners_best_history_is_flagged_as_a_stretch(manager, rep):
    for day in range(1, 31):
        DailyRepKpiFactory(rep=rep, day=dt.date(2026, 4, day), premium=Decimal("1000"))
    modest = services.create_target(actor=manager, metric="premium", value="33000", owner_kind="rep", rep=rep,
                                    period_kind="month", start=dt.date(2026, 6, 1))
    bold = services.create_target(actor=manager, metric="premium", value="45000", owner_kind="rep", rep=rep,
                                  period_kind="month", start=dt.date(2026, 7, 1))
    assert not modest.is_stretch and bold.is_stretch
    assert "+45%" in bold.attainability_note


def test_managers_cannot_set_targets_for_other_teams_and_reps_set_none(manager, rep, other_team_rep, other_team):
    with pytest.raises(PermissionDenied):
        services.create_target(actor=manager, metric="calls", value="100", owner_kind="rep", rep=other_team_rep,
                               period_kind="month", start=dt.date(2026, 6, 1))
    with pytest.raises(PermissionDenied):
        services.create_target(actor=manager, metric="calls", value="100", owner_kind="company",
                               period_kind="month", start=dt.date(2026, 6, 1))
    with pytest.raises(PermissionDenied):
        services.create_target(actor=rep, metric="calls", value="100", owner_kind="rep", rep=rep,
                               period_kind="month", start=dt.date(2026, 6, 1))


def test_visibility_reps_see_own_managers_their_teams(manager, rep, teammate, other_team_rep, team_month_target):
    from targets.selectors import targets_visible_to

    mine = TargetFactory(owner_kind="rep", rep=rep, team=rep.team)
    theirs = TargetFactory(owner_kind="rep", rep=other_team_rep, team=other_team_rep.team)
    assert list(targets_visible_to(rep)) == [mine]
    assert set(targets_visible_to(manager)) == {mine, team_month_target}
    with pytest.raises(NotFound):
        services.revise_target(actor=manager, target_id=theirs.pk, new_value="1", reason="forecast_wrong")


def test_revision_needs_a_reason_and_keeps_the_history(manager, team_month_target):
    with pytest.raises(DomainError, match="reason"):
        services.revise_target(actor=manager, target_id=team_month_target.pk, new_value="250000", reason="")
    services.revise_target(actor=manager, target_id=team_month_target.pk, new_value="250000",
                           reason="external_change", note="新规出台")
    team_month_target.refresh_from_db()
    assert team_month_target.value == Decimal("250000.00")
    rev = TargetRevision.objects.get(target=team_month_target)
    assert (rev.old_value, rev.new_value, rev.reason, rev.note) == (Decimal("300000.00"), Decimal("250000.00"),
                                                                    "external_change", "新规出台")


def test_revision_rebalances_children_on_request_keeping_uplift(manager, team_month_target, rep, teammate):
    services.decompose_over_people(actor=manager, target_id=team_month_target.pk)
    services.revise_target(actor=manager, target_id=team_month_target.pk, new_value="200000",
                           reason="forecast_wrong", rebalance_children=True)
    children = list(Target.objects.filter(parent=team_month_target))
    assert sum(c.base_value for c in children) == Decimal("200000.00")
    assert sum(c.value for c in children) == Decimal("240000.00")
    assert TargetRevision.objects.filter(target__in=children).count() == 2


def test_revision_without_rebalance_leaves_children_alone(manager, team_month_target, rep):
    services.decompose_over_people(actor=manager, target_id=team_month_target.pk, uplift_percent=0)
    services.revise_target(actor=manager, target_id=team_month_target.pk, new_value="200000", reason="internal_change")
    assert team_month_target.children.get().value == Decimal("300000.00")


@time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC))
def test_progress_on_a_fixed_date_uses_working_day_pace_and_the_kpi_facts(rep, team):
    target = TargetFactory(owner_kind="rep", rep=rep, team=team, value=Decimal("220000.00"))  # June: 22 working days
    for day in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12):
        DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, day), premium=Decimal("8000"))
    p = selectors.progress_for(target)
    assert p.actual == Decimal("80000")
    assert p.expected == Decimal("110000.00")  # 11 of 22 working days gone by the end of 15 June
    assert p.rag == "red"
    plan = selectors.funnel_plan(target)
    assert plan["remaining"] == Decimal("140000.00") and plan["working_days_left"] == 12
    # 4,000 premium per sale → 35 sales; 2 of 8 quotes close; 8 of 20 reached; 20 of 40 dialled; 1.5 calls each
    assert plan["total"] == {"customers_sold": 35, "customers_quoted": 140, "customers_reached": 350,
                             "customers_dialled": 700, "calls": 1050}
    assert plan["per_day"]["calls"] == 88  # "to make this month: ~88 calls a day"


def test_a_manager_changes_a_targets_tiers_but_never_its_value_in_place(manager, team_month_target):
    target = services.update_target(actor=manager, target_id=team_month_target.pk, note="push in June",
                                    challenge_percent=Decimal("120"))
    target.refresh_from_db()
    assert (target.note, target.challenge_percent, target.value) == ("push in June", Decimal("120"), Decimal("300000.00"))
    with pytest.raises(DomainError, match="Revise the value"):
        services.update_target(actor=manager, target_id=target.pk, value="1")
    with pytest.raises(DomainError, match="cannot be negative"):
        services.update_target(actor=manager, target_id=target.pk, base_coefficient="-1")


def test_a_target_with_parts_cannot_be_deleted_and_a_rep_cannot_delete_one(manager, rep, team_month_target):
    services.decompose_over_time(actor=manager, target_id=team_month_target.pk)
    with pytest.raises(Conflict):
        services.delete_target(actor=manager, target_id=team_month_target.pk)
    week = Target.objects.filter(parent=team_month_target).first()
    with pytest.raises((PermissionDenied, NotFound)):
        services.delete_target(actor=rep, target_id=week.pk)
    services.delete_target(actor=manager, target_id=week.pk)
    assert not Target.objects.filter(pk=week.pk).exists()
