"""The helpers every app shares: local days, typed numbers, ids in paths and bodies."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from coaching import services as coaching
from leads.models import Appeal
from telesales.api import MAX_ID, path_id
from telesales.days import day_bounds, local_day, local_midnight
from telesales.errors import DomainError, NotFound
from telesales.numbers import parse_decimal
from tests.factories import LeadFactory

# 23:30 UTC on 9 March is 07:30 on 10 March in Shanghai (the company's zone in the settings).
LATE_UTC = dt.datetime(2025, 3, 9, 23, 30, tzinfo=dt.UTC)


def test_a_local_day_is_the_companys_day_whatever_zone_is_active():
    with timezone.override("America/New_York"):
        assert local_day(LATE_UTC) == dt.date(2025, 3, 10)
        start, end = day_bounds(dt.date(2025, 3, 10))
    assert start <= LATE_UTC < end
    assert (start.astimezone(dt.UTC), end - start) == (dt.datetime(2025, 3, 9, 16, 0, tzinfo=dt.UTC), dt.timedelta(days=1))


def test_local_midnight_is_the_start_of_the_companys_day_whatever_zone_is_active():
    with timezone.override("America/New_York"):
        midnight = local_midnight(dt.date(2025, 3, 10))
    assert midnight == dt.datetime(2025, 3, 9, 16, 0, tzinfo=dt.UTC) == day_bounds(dt.date(2025, 3, 10))[0]


def test_day_bounds_span_several_days_from_local_midnight():
    start, end = day_bounds(dt.date(2025, 3, 17), days=7)
    assert local_day(start) == dt.date(2025, 3, 17) and local_day(end) == dt.date(2025, 3, 24)
    assert timezone.localtime(start, timezone.get_default_timezone()).time() == dt.time.min


@pytest.mark.parametrize("raw", ["abc", "NaN", "Infinity", "-inf", "1,5", [], True])
def test_a_typed_number_that_is_not_a_finite_number_is_refused_naming_it(raw):
    with pytest.raises(DomainError, match="Premium must be a number"):
        parse_decimal(raw, "Premium")


def test_blank_is_none_only_where_the_number_is_optional():
    assert parse_decimal("", "Premium", optional=True) is None
    assert parse_decimal(None, "Premium", optional=True) is None
    with pytest.raises(DomainError):
        parse_decimal("", "The value")
    assert parse_decimal(0.1, "The value") == Decimal("0.1")
    assert parse_decimal(" 12.50 ", "The value") == Decimal("12.50")


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "²", "１２", "1.0", str(MAX_ID + 1), "9" * 40])
def test_a_path_segment_that_cannot_be_an_id_names_no_record(raw):
    with pytest.raises(NotFound):
        path_id(raw)


def test_ids_in_paths_are_read_the_same_way_by_every_api(api, manager):
    lead = LeadFactory(owner=manager)
    assert path_id(str(lead.pk)) == lead.pk and path_id(str(MAX_ID)) == MAX_ID
    for url in (f"/api/v1/leads/{MAX_ID + 1}/", "/api/v1/leads/²/", f"/api/v1/coaching/plans/{MAX_ID + 1}/", "/api/v1/coaching/plans/²/"):
        res = api.as_user(manager).get(url)
        assert res.status_code == 404 and res.json()["error"]["message"], url


def test_a_record_outside_the_callers_scope_is_not_found_by_name_in_every_api(
        api, rep, teammate, other_team_rep, other_manager):
    appeal = Appeal.objects.create(lead=LeadFactory(owner=rep), requested_by=teammate,
                                   holder_at_request=rep, reason="found first")
    due = timezone.localdate() + dt.timedelta(days=20)
    items = [{"what": f"Goal {i}", "measure": "connect rate", "target": "≥ 35%", "due": due} for i in range(3)]
    others = coaching.start_plan(actor=other_manager, rep=other_team_rep, title="Pace", items=items)
    expected = {
        f"/api/v1/lead-appeals/{appeal.pk}/": "Appeal not found.",
        f"/api/v1/coaching/plans/{others.pk}/": "Improvement plan not found.",
        f"/api/v1/coaching/plans/{MAX_ID}/": "Improvement plan not found.",
    }
    for url, message in expected.items():
        res = api.as_user(rep).get(url)
        assert (res.status_code, res.json()["error"]) == (
            404, {"code": "not_found", "message": message, "request_id": res["X-Request-ID"]}), url
