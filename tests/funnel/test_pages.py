"""Funnel pages: what a rep and a manager see, the plan page, the grade form."""

import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from leads.models import GradeChange, LostReason
from tests.factories import day, lead_at

pytestmark = pytest.mark.django_db


def count_cell(body: str, key: str) -> str:
    """The number shown for a grade (or won / lost) in the counts table, without its link."""
    cell = re.search(rf'<td class="num" data-key="{key}">(.*?)</td>', body).group(1)
    return re.sub(r"<[^>]+>", "", cell)


def make_pile_up(rep):
    for _ in range(2):
        lead_at(rep)
    for _ in range(5):
        lead_at(rep, path=[("D", day(1)), ("C", day(2))])
    lead_at(rep, path=[("D", day(1)), ("C", day(2)), ("B", day(3))])


def test_rep_sees_own_funnel_shape_and_advice(client, rep):
    make_pile_up(rep)
    client.force_login(rep)
    response = client.get(reverse("funnel:index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-shape="pile_up_at_c"' in body
    assert "Convert the agreeing (C) customers into orders" in body
    client.post(reverse("set_language"), {"language": "zh-hans"})
    assert "C类认同客户转化为订单" in client.get(reverse("funnel:index")).content.decode()
    assert count_cell(body, "C") == "5"
    assert "plotly" in body.lower()


def test_rep_cannot_open_a_teammates_funnel(client, rep, teammate):
    client.force_login(rep)
    assert client.get(reverse("funnel:index"), {"rep": teammate.pk}).status_code == 404
    assert client.get(reverse("funnel:team")).status_code == 404


def test_manager_sees_each_reps_funnel_side_by_side_with_its_shape(client, manager, rep, teammate):
    make_pile_up(rep)
    for _ in range(4):
        lead_at(teammate, path=[("D", day(1)), ("C", day(2)), ("B", day(3)), ("A", day(4))])
    client.force_login(manager)
    body = client.get(reverse("funnel:team")).content.decode()
    assert f'data-rep="{rep.pk}"' in body and f'data-rep="{teammate.pk}"' in body
    assert 'data-shape="pile_up_at_c"' in body and 'data-shape="depleted"' in body
    assert "B/C → A" in body
    rep_page = client.get(reverse("funnel:index"), {"rep": rep.pk}).content.decode()
    assert "王芳" in rep_page and 'data-shape="pile_up_at_c"' in rep_page


def test_manager_cannot_see_another_teams_rep(client, manager, other_team_rep):
    client.force_login(manager)
    assert client.get(reverse("funnel:index"), {"rep": other_team_rep.pk}).status_code == 404


def test_funnel_as_of_a_past_date(client, rep):
    lead_at(rep, path=[("D", day(1)), ("C", day(5))])
    client.force_login(rep)
    body = client.get(reverse("funnel:index"), {"as_of": day(2).date().isoformat()}).content.decode()
    assert count_cell(body, "D") == "1" and count_cell(body, "C") == "0"


def test_team_page_makes_a_constant_number_of_queries(client, manager, rep, teammate, django_assert_max_num_queries):
    make_pile_up(rep)
    client.force_login(manager)
    with django_assert_max_num_queries(15):
        client.get(reverse("funnel:team"))
    for _ in range(3):
        make_pile_up(teammate)
    with django_assert_max_num_queries(15):
        client.get(reverse("funnel:team"))


def test_plan_page_shows_the_backward_plan_and_coverage(client, rep):
    client.force_login(rep)
    params = {
        "target": 8, "start": "2030-01-07", "weeks": 4,
        "rate_E": "60", "rate_D": "50", "rate_C": "40", "rate_B": "50", "rate_A": "80",
    }
    body = client.get(reverse("funnel:plan"), params).content.decode()
    # empty funnel at the start: 10 A, 20 B, 50 C, 100 D, 167 E needed
    assert '<td class="num new-needed">167</td>' in body
    assert 'id="plan-weeks"' in body
    body = client.get(reverse("funnel:plan"), {"cycle_months": 4, "win_rate": "1/3", "new_customers_per_month": 3})
    assert "<strong>36</strong>" in body.content.decode()


def test_plan_page_replans_after_a_finished_week(client, rep):
    # Week 1 (day 0..7): two sales out of the four customers at A.
    for _ in range(2):
        lead_at(rep, created=day(-20), path=[("D", day(-19)), ("C", day(-18)), ("B", day(-17)), ("A", day(-16)), ("won", day(2))])
    for _ in range(2):
        lead_at(rep, created=day(-20), path=[("D", day(-19)), ("C", day(-18)), ("B", day(-17)), ("A", day(-16))])
    client.force_login(rep)
    with time_machine.travel(day(9), tick=False):
        body = client.get(
            reverse("funnel:plan"), {"target": 6, "start": day(0).date().isoformat(), "weeks": 3}
        ).content.decode()
    assert '<tr data-week="1"><td>W1' in body
    assert "50.0%" in body  # A→won corrected to 2 of 4
    assert "actual" in body


def test_plan_form_rejects_a_bad_target(client, rep):
    client.force_login(rep)
    body = client.get(reverse("funnel:plan"), {"target": -3, "start": "2030-01-07", "weeks": 4}).content.decode()
    assert "errorlist" in body and 'id="plan-result"' not in body


# ---- grade form -------------------------------------------------------------------------------
def test_owner_changes_a_grade_through_the_form_and_it_is_recorded(client, rep):
    lead = lead_at(rep)
    client.force_login(rep)
    response = client.post(reverse("funnel:grade", args=[lead.pk]), {"grade": "C", "status": "active"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    lead.refresh_from_db()
    assert lead.grade == "C"
    change = GradeChange.objects.get(lead=lead)
    assert (change.from_grade, change.to_grade, change.changed_by) == ("E", "C", rep)


def test_losing_a_lead_needs_a_reason(client, rep):
    lead = lead_at(rep)
    client.force_login(rep)
    body = client.post(reverse("funnel:grade", args=[lead.pk]), {"grade": "E", "status": "lost"}).content.decode()
    assert "needs a reason" in body
    reason = LostReason.objects.create(name="No budget")
    client.post(reverse("funnel:grade", args=[lead.pk]), {"grade": "E", "status": "lost", "lost_reason": reason.pk})
    lead.refresh_from_db()
    assert lead.status == "lost" and lead.lost_reason == reason


def test_someone_elses_lead_is_not_found(client, rep, other_team_rep):
    lead = lead_at(other_team_rep)
    client.force_login(rep)
    assert client.get(reverse("funnel:grade", args=[lead.pk])).status_code == 404


def test_default_lost_reasons_are_created_once():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("funnel.migrations.0001_default_lost_reasons")
    migration.create(apps, None)
    migration.create(apps, None)
    names = set(LostReason.objects.filter(active=True).values_list("name", flat=True))
    assert set(migration.DEFAULT_REASONS) <= names
    assert LostReason.objects.filter(name="价格太高 Too expensive").count() == 1


def test_shipped_lost_reasons_get_a_name_per_language(db):
    import importlib

    from django.apps import apps

    LostReason.objects.all().delete()
    importlib.import_module("funnel.migrations.0001_default_lost_reasons").create(apps, None)
    importlib.import_module("funnel.migrations.0003_default_lost_reasons_per_language").forward(apps, None)
    reason = LostReason.objects.get(name="Too expensive")
    with translation.override("zh-hant"):
        assert str(reason) == "價格太高"
    with translation.override("zh-hans"):
        assert str(reason) == "价格太高"
    with translation.override("en"):
        assert str(reason) == "Too expensive"


@time_machine.travel(day(10), tick=False)
def test_the_team_page_says_as_of_when_and_refuses_a_future_day_with_a_clear_message(client, manager, rep):
    lead_at(rep, path=[("D", day(1)), ("C", day(5))])
    client.force_login(manager)
    past = client.get(reverse("funnel:team"), {"as_of": "2026-03-05", "days": 7}).content.decode()
    assert "As of the end of" in past and "stage conversion over the 7 days up to then" in past
    assert "As of now; stage conversion over the last 30 days." in client.get(reverse("funnel:team")).content.decode()
    future = client.get(reverse("funnel:team"), {"as_of": "2026-03-13"})
    assert future.status_code == 400
    assert "2026-03-13 is in the future" in future.content.decode()
    assert client.get(reverse("funnel:team"), {"asof": "2026-03-05"}).status_code == 400
