"""One target per owner, metric and period: the database refuses a second one, and the API and
the page say so (409 / a message) instead of saving it twice or failing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from targets import services
from targets.models import Target
from telesales.errors import Conflict
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db

BODY = {"metric": "premium", "value": "300000", "owner_kind": "team", "period_kind": "month", "start": "2026-06-10"}


def test_the_api_refuses_the_same_target_twice_with_a_409(api, manager, team):
    client = api.as_user(manager)
    assert client.post("/api/v1/targets/", {**BODY, "team": team.pk}, format="json").status_code == 201
    again = client.post("/api/v1/targets/", {**BODY, "team": team.pk, "start": "2026-06-20"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate_target"
    assert "already has a" in again.json()["error"]["message"] and team.name in again.json()["error"]["message"]
    assert Target.objects.count() == 1
    # Another metric, period or owner is not a duplicate.
    assert client.post("/api/v1/targets/", {**BODY, "team": team.pk, "metric": "calls", "value": "900"},
                       format="json").status_code == 201
    assert client.post("/api/v1/targets/", {**BODY, "team": team.pk, "start": "2026-07-01"},
                       format="json").status_code == 201


def test_the_page_says_the_target_exists_and_saves_it_once(client, manager, team):
    client.force_login(manager)
    form = {**BODY, "team": team.pk}
    client.post("/targets/new/", form)
    response = client.post("/targets/new/", form, follow=True)
    assert "already has a" in response.content.decode()
    assert Target.objects.count() == 1


def test_a_decomposition_that_would_duplicate_a_target_is_a_conflict(admin_user, team, other_team):
    company = services.create_target(actor=admin_user, metric="premium", value=Decimal("600000"), owner_kind="company",
                                     period_kind="month", start=dt.date(2026, 6, 1))
    TargetFactory(owner_kind="team", team=team, start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30))
    with pytest.raises(Conflict, match="duplicate"):
        services.decompose_over_people(actor=admin_user, target_id=company.pk)
    assert Target.objects.count() == 2


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent sessions need PostgreSQL")
def test_two_managers_saving_the_same_target_at_once_save_one(run_concurrently, manager, team):
    results = run_concurrently(
        lambda i: services.create_target(actor=manager, metric="calls", value=900, owner_kind="team", team=team,
                                         period_kind="month", start=dt.date(2026, 6, 1 + i)), 2)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Target"]
    assert Target.objects.count() == 1
