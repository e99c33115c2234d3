"""A target split over weeks is then split over reps week by week, and the decompose form keeps
the uplift the manager entered (after a refused split and after a split)."""

from decimal import Decimal

import pytest

from targets import services
from targets.models import Target

pytestmark = pytest.mark.django_db


def test_a_month_split_over_weeks_then_over_reps_hands_each_week_to_the_reps(manager, team_month_target, rep,
                                                                             teammate):
    weeks = services.decompose_over_time(actor=manager, target_id=team_month_target.pk, into="week",
                                         method="calendar_days")
    parts = services.decompose_over_people(actor=manager, target_id=team_month_target.pk, uplift_percent=10)
    assert len(parts) == 2 * len(weeks)
    for week in weeks:
        shares = Target.objects.filter(parent=week)
        assert {s.rep for s in shares} == {rep, teammate}
        assert {(s.start, s.end, s.period_kind) for s in shares} == {(week.start, week.end, "week")}
        assert sum(s.base_value for s in shares) == week.value
        assert all(s.uplift_percent == 10 for s in shares)


def test_the_api_splits_the_weekly_pieces_over_reps(api, manager, team_month_target, rep, teammate):
    client = api.as_user(manager)
    client.post(f"/api/v1/targets/{team_month_target.pk}/decompose/", {"dimension": "time", "into": "week"},
                format="json")
    response = client.post(f"/api/v1/targets/{team_month_target.pk}/decompose/", {"dimension": "people"},
                           format="json")
    assert response.status_code == 201, response.json()
    assert Target.objects.filter(owner_kind="rep", period_kind="week").count() == 2 * 5


def test_a_refused_split_shows_the_form_again_with_the_entered_uplift(client, manager, team_month_target, rep):
    client.force_login(manager)
    response = client.post(f"/targets/{team_month_target.pk}/decompose/",
                           {"dimension": "people", "method": "typed", "uplift_percent": "12.5"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'name="uplift_percent" value="12.5"' in page and "Type a weight" in page
    assert not Target.objects.filter(parent=team_month_target).exists()


def test_after_a_split_the_form_shows_the_uplift_used(client, manager, team_month_target, rep):
    client.force_login(manager)
    client.post(f"/targets/{team_month_target.pk}/decompose/",
                {"dimension": "people", "method": "even", "uplift_percent": "7.5"})
    assert Target.objects.get(parent=team_month_target).uplift_percent == Decimal("7.5")
    page = client.get(f"/targets/{team_month_target.pk}/").content.decode()
    assert 'name="uplift_percent" value="7.50"' in page
