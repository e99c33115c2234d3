"""Funnel counts as of any date from the grade history, stage conversion and time in stage."""

import datetime as dt
from fractions import Fraction

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel.selectors import (
    as_of_moment,
    average_days_in_stage,
    funnel_counts,
    funnel_counts_by_owner,
    resolve_scope,
    stage_stats,
    week_actual,
)
from leads.models import GradeChange
from telesales.errors import NotFound, PermissionDenied
from tests.factories import LeadFactory, day, lead_at

pytestmark = pytest.mark.django_db


def grades(counts):
    return {g: counts[g] for g in "EDCBA"}


def test_counts_as_of_a_past_date_come_from_the_history_not_the_current_grade(rep):
    lead_at(rep, path=[("D", day(1)), ("C", day(5)), ("B", day(10))])
    lead_at(rep, path=[("D", day(2)), ("won", day(8))])
    lead_at(rep, created=day(3))  # never graded: E from its creation
    lead_at(rep, created=day(20))  # not yet created on day 6

    scope = resolve_scope(actor=rep)
    on_day6 = funnel_counts(scope, as_of=day(6))
    assert grades(on_day6) == {"E": 1, "D": 1, "C": 1, "B": 0, "A": 0}
    assert on_day6["won"] == 0
    on_day9 = funnel_counts(scope, as_of=day(9))
    assert grades(on_day9) == {"E": 1, "D": 0, "C": 1, "B": 0, "A": 0} and on_day9["won"] == 1
    now = funnel_counts(scope)
    assert grades(now) == {"E": 2, "D": 0, "C": 0, "B": 1, "A": 0} and now["won"] == 1


def test_history_as_of_today_agrees_with_the_current_grades(rep, teammate, manager):
    lead_at(rep, path=[("D", day(1)), ("C", day(2))])
    lead_at(rep, path=[("D", day(1)), ("lost", day(3))])
    lead_at(teammate, path=[("D", day(1)), ("C", day(2)), ("B", day(3)), ("A", day(4))])
    lead_at(teammate)
    scope = resolve_scope(actor=manager)
    from_history = funnel_counts_by_owner(scope.owner_ids, as_of=day(30))
    from_current = funnel_counts_by_owner(scope.owner_ids)
    assert from_history == from_current
    assert from_current[rep.pk]["lost"] == 1 and from_current[teammate.pk]["A"] == 1


def test_a_lead_counts_for_the_owner_it_had_at_the_time(rep, teammate, manager):
    lead = lead_at(rep, path=[("D", day(1))])
    lead.owner, lead.grade = teammate, "C"
    lead.save(update_fields=["owner", "grade"])
    GradeChange.objects.create(
        lead=lead, from_grade="D", to_grade="C", changed_by=teammate, owner=teammate, changed_at=day(5)
    )
    owners = resolve_scope(actor=manager).owner_ids
    assert funnel_counts_by_owner(owners, as_of=day(2))[rep.pk]["D"] == 1
    assert funnel_counts_by_owner(owners, as_of=day(6))[teammate.pk]["C"] == 1
    assert funnel_counts_by_owner(owners, as_of=day(6))[rep.pk]["D"] == 0


def test_public_pool_leads_are_in_nobodys_funnel(admin_user, rep):
    LeadFactory.create_batch(3)  # no owner
    lead_at(rep)
    assert funnel_counts(resolve_scope(actor=admin_user))["E"] == 1


def test_stage_conversion_is_the_share_at_a_grade_that_reached_the_next(rep):
    # Period: days 10..20. At C during it: three leads; one moves on to B, one jumps to won.
    lead_at(rep, path=[("D", day(1)), ("C", day(2)), ("B", day(12))])
    lead_at(rep, path=[("D", day(1)), ("C", day(2)), ("B", day(3)), ("A", day(4)), ("won", day(15))])
    lead_at(rep, path=[("D", day(1)), ("C", day(11))])
    lead_at(rep, path=[("D", day(1)), ("C", day(2)), ("won", day(14))])
    lead_at(rep, path=[("D", day(25))])  # after the period: still E in it
    lead_at(rep, created=day(30))  # created after the period: not counted
    stats = stage_stats(resolve_scope(actor=rep), day(10), day(20))
    assert stats.at == {"E": 1, "D": 1, "C": 3, "B": 1, "A": 1}
    assert stats.reached == {"E": 0, "D": 1, "C": 2, "B": 0, "A": 1}
    assert stats.rate("C") == Fraction(2, 3)
    assert stats.rate("A") == 1
    # B/C → A: three were at B or C (the second lead was already at A); one was won.
    assert (stats.bc_at, stats.bc_to_a) == (3, 1)


def test_new_leads_in_the_period_start_at_e(rep):
    lead_at(rep, created=day(11), path=[("D", day(12))])
    lead_at(rep, created=day(11))
    stats = stage_stats(resolve_scope(actor=rep), day(10), day(20))
    assert stats.at["E"] == 2 and stats.reached["E"] == 1


def test_average_days_in_each_stage(rep):
    lead_at(rep, created=day(0), path=[("D", day(2)), ("C", day(6))])
    lead_at(rep, created=day(0), path=[("D", day(4)), ("C", day(6))])
    days = average_days_in_stage(resolve_scope(actor=rep), day(0), day(10))
    assert days["E"] == 3.0  # (2 + 4) / 2
    assert days["D"] == 3.0  # (4 + 2) / 2
    assert days["C"] is None


def test_week_actual_counts_sales_and_new_entries(rep):
    lead_at(rep, created=day(1), path=[("D", day(2)), ("C", day(3))])
    lead_at(rep, created=day(-5), path=[("D", day(-4)), ("C", day(-3)), ("B", day(-2)), ("A", day(-1)), ("won", day(4))])
    actual = week_actual(resolve_scope(actor=rep), day(0), day(7))
    assert actual.won == 1
    assert actual.entered == {"E": 1, "D": 1, "C": 1, "B": 0, "A": 0}
    assert actual.at["A"] == 1 and actual.reached["A"] == 1


# ---- who sees which funnel --------------------------------------------------------------------
def test_a_rep_sees_only_their_own_funnel(rep, teammate, team):
    assert resolve_scope(actor=rep).owner_ids == [rep.pk]
    with pytest.raises(NotFound):
        resolve_scope(actor=rep, rep_id=teammate.pk)
    with pytest.raises(PermissionDenied):
        resolve_scope(actor=rep, team_id=team.pk)


def test_a_manager_sees_their_team_but_not_another(manager, rep, team, other_team, other_team_rep):
    scope = resolve_scope(actor=manager)
    assert scope.kind == "team" and rep.pk in scope.owner_ids
    assert resolve_scope(actor=manager, rep_id=rep.pk).rep == rep
    with pytest.raises(NotFound):
        resolve_scope(actor=manager, rep_id=other_team_rep.pk)
    with pytest.raises(PermissionDenied):
        resolve_scope(actor=manager, team_id=other_team.pk)


def test_an_admin_sees_the_company(admin_user, rep, other_team_rep):
    lead_at(rep)
    lead_at(other_team_rep)
    assert funnel_counts(resolve_scope(actor=admin_user))["E"] == 2


def test_a_sale_dated_before_the_lead_was_created_is_not_a_negative_stay(rep):
    # Imported on day 9, after the dialer had already recorded the sale on day 1: no known stay.
    lead_at(rep, created=day(9), path=[("won", day(1))])
    lead_at(rep, created=day(0), path=[("D", day(2))])
    days = average_days_in_stage(resolve_scope(actor=rep), day(0), day(10))
    assert days["E"] == 2.0


_STEPS = st.sampled_from(["D", "C", "B", "A", "won", "lost"])


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    leads=st.lists(
        st.tuples(st.integers(-20, 20), st.lists(st.tuples(_STEPS, st.integers(-480, 480)), max_size=5)),
        min_size=1, max_size=4,
    )
)
def test_average_days_in_stage_is_never_negative(rep, leads):
    """Whatever order the history was recorded in (backdated calls, late imports, a stage entered
    after the sale), no stage's average stay is below zero."""
    with transaction.atomic():
        for created, path in leads:
            lead_at(rep, created=day(created), path=[(s, day(0) + dt.timedelta(hours=h)) for s, h in path])
        days = average_days_in_stage(resolve_scope(actor=rep), day(-30), day(30))
        transaction.set_rollback(True)
    assert all(v is None or v >= 0 for v in days.values()), days


def test_a_past_day_reads_the_funnel_at_the_end_of_the_companys_day_and_today_reads_it_now():
    # 01:00 UTC on 10 March is already the 10th in Shanghai (the company's zone), still the 9th in New York.
    with time_machine.travel(dt.datetime(2025, 3, 10, 1, 0, tzinfo=dt.UTC), tick=False), \
            timezone.override("America/New_York"):
        assert as_of_moment(dt.date(2025, 3, 10)) is None
        assert as_of_moment(None) is None
        end_of_the_ninth = as_of_moment(dt.date(2025, 3, 9))
    assert end_of_the_ninth == dt.datetime(2025, 3, 9, 16, 0, tzinfo=dt.UTC)
