"""Pool rules are changed through one service, by admins and the pool's admins, and audited."""

import pytest

from accounts.models import Role
from leads import services
from leads.models import Pool, PoolRuleChange
from telesales.errors import DomainError, PermissionDenied
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE_RULES = {
    "max_held": 50, "max_claims_per_day": 10, "reclaim_cooldown_days": 3, "max_locked": 2,
    "return_days_E": 5, "return_days_D": 8, "return_days_C": 0, "return_days_B": 20, "return_days_A": 30,
    "real_contact_min_seconds": 45, "no_progress_days": 30, "fresh_claim_hours": 24, "exempt_won": "on",
    "warn_days": 2, "browsing_enabled": "on",
}


def _rules(pool: Pool) -> dict:
    pool.refresh_from_db()
    return {rule: getattr(pool, rule) for rule in services.POOL_RULES}


def test_admin_changes_rules_and_the_change_is_audited(admin_user, pool):
    services.update_pool_rules(actor=admin_user, pool_id=pool.pk, max_held=80, return_days_by_grade={"A": 60})
    pool.refresh_from_db()
    assert pool.max_held == 80
    assert pool.return_days_by_grade == {"E": 7, "D": 10, "C": 15, "B": 20, "A": 60}
    change = PoolRuleChange.objects.get(pool=pool)
    assert change.actor == admin_user
    assert change.before == {"max_held": 200, "return_days_by_grade": {"E": 7, "D": 10, "C": 15, "B": 20, "A": 30}}
    assert change.after == {"max_held": 80, "return_days_by_grade": {"E": 7, "D": 10, "C": 15, "B": 20, "A": 60}}


def test_saving_unchanged_rules_writes_no_audit_row(admin_user, pool):
    services.update_pool_rules(actor=admin_user, pool_id=pool.pk, max_held=pool.max_held)
    assert not PoolRuleChange.objects.exists()


def test_a_pool_admin_may_change_their_pool_but_managers_and_integrations_may_not(rep, manager, pool):
    pool.admins.add(rep)
    services.update_pool_rules(actor=rep, pool_id=pool.pk, warn_days=1)
    before = _rules(pool)
    integration = UserFactory(role=Role.INTEGRATION, team=None)
    for actor in (manager, integration):
        with pytest.raises(PermissionDenied):
            services.update_pool_rules(actor=actor, pool_id=pool.pk, warn_days=9)
    assert _rules(pool) == before and PoolRuleChange.objects.count() == 1


@pytest.mark.parametrize("changes", [{"return_days_by_grade": {"E": -1}}, {"return_days_by_grade": {"Z": 3}},
                                     {"return_days_by_grade": [7]}, {"max_held": 10, "name": "x"}])
def test_bad_rules_change_nothing(admin_user, pool, changes):
    before = _rules(pool)
    with pytest.raises(DomainError):
        services.update_pool_rules(actor=admin_user, pool_id=pool.pk, **changes)
    assert _rules(pool) == before and not PoolRuleChange.objects.exists()


def test_api_patch_goes_through_the_service(api, admin_user, manager, pool):
    r = api.as_user(admin_user).patch(f"/api/v1/pools/{pool.pk}/", {"max_held": 90}, format="json")
    assert r.status_code == 200 and r.json()["max_held"] == 90
    assert PoolRuleChange.objects.get(pool=pool).after == {"max_held": 90}
    r = api.as_user(manager).patch(f"/api/v1/pools/{pool.pk}/", {"max_held": 10}, format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("body", [{"return_days_by_grade": {"E": -3}}, {"return_days_by_grade": "7"},
                                  {"max_held": -1}])
def test_api_bad_rules_are_a_400_and_change_nothing(api, admin_user, pool, body):
    before = _rules(pool)
    r = api.as_user(admin_user).patch(f"/api/v1/pools/{pool.pk}/", body, format="json")
    assert r.status_code == 400 and set(r.json()["error"]) >= {"code", "message"}
    assert _rules(pool) == before and not PoolRuleChange.objects.exists()


def test_rules_page_has_a_field_per_grade_and_saves_through_the_service(client, admin_user, pool):
    client.force_login(admin_user)
    html = client.get(f"/leads/pools/{pool.pk}/").content.decode()
    assert 'name="return_days_A" value="30"' in html and "return_days_by_grade" not in html
    assert client.post(f"/leads/pools/{pool.pk}/", PAGE_RULES).status_code == 302
    pool.refresh_from_db()
    assert pool.return_days_by_grade == {"E": 5, "D": 8, "C": 0, "B": 20, "A": 30} and pool.max_held == 50
    assert PoolRuleChange.objects.get(pool=pool).actor == admin_user


def test_rules_page_refuses_negative_days_with_a_form_error(client, admin_user, pool):
    client.force_login(admin_user)
    before = _rules(pool)
    r = client.post(f"/leads/pools/{pool.pk}/", PAGE_RULES | {"return_days_B": -2})
    assert r.status_code == 200 and "greater than or equal to 0" in r.content.decode()
    assert _rules(pool) == before and not PoolRuleChange.objects.exists()


def test_pool_admins_edit_their_pools_rules_page_and_other_reps_cannot_open_it(client, rep, teammate, pool):
    pool.admins.add(rep)
    client.force_login(rep)
    assert client.post(f"/leads/pools/{pool.pk}/", PAGE_RULES).status_code == 302
    client.force_login(teammate)
    assert client.get(f"/leads/pools/{pool.pk}/").status_code == 404


def test_pool_list_shows_return_days_per_grade_readably(client, admin_user, pool):
    Pool.objects.filter(pk=pool.pk).update(return_days_by_grade={"E": 7, "D": 0, "C": 15, "B": 20, "A": 1})
    client.force_login(admin_user)
    html = client.get("/leads/pools/").content.decode()
    assert "E 7 days · D off · C 15 days · B 20 days · A 1 day" in html and "{" not in html.split("<table")[1]
