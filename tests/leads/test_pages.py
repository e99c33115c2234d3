import datetime as dt

import pytest
from django.utils import timezone

from leads.models import Lead, PhoneReveal
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_my_leads_sorted_by_follow_up_with_overdue_and_countdown(client, rep, pool):
    now = timezone.now()
    LeadFactory(pool=pool, owner=rep, name="future-lead", next_follow_up_at=now + dt.timedelta(days=2))
    late = LeadFactory(pool=pool, owner=rep, name="overdue-lead", next_follow_up_at=now - dt.timedelta(hours=2))
    client.force_login(rep)
    html = client.get("/leads/").content.decode()
    assert html.index("overdue-lead") < html.index("future-lead")
    assert f'class="overdue" data-lead="{late.pk}"' in html
    assert "returns in" in html


def test_pages_keep_a_constant_number_of_queries(client, rep, pool, django_assert_max_num_queries):
    client.force_login(rep)
    LeadFactory.create_batch(3, pool=pool, owner=rep)
    LeadFactory.create_batch(3, pool=pool)
    with django_assert_max_num_queries(12):
        client.get("/leads/")
    LeadFactory.create_batch(30, pool=pool, owner=rep)
    LeadFactory.create_batch(30, pool=pool)
    with django_assert_max_num_queries(12):
        client.get("/leads/")
    with django_assert_max_num_queries(12):
        client.get("/leads/pool/")


def test_public_pool_page_masks_numbers_and_claims(client, rep, pool):
    lead = LeadFactory(pool=pool, phone="+8613812345678")
    client.force_login(rep)
    html = client.get("/leads/pool/").content.decode()
    assert "138****5678" in html and "13812345678" not in html
    r = client.post(f"/leads/{lead.pk}/claim/")
    assert r.status_code == 302 and Lead.objects.get(pk=lead.pk).owner == rep


def test_detail_shows_history_and_the_calls_panel_hook(client, rep, pool):
    lead = LeadFactory(pool=pool, owner=rep)
    client.force_login(rep)
    html = client.get(f"/leads/{lead.pk}/").content.decode()
    assert f'hx-get="/calls/lead/{lead.pk}/panel/"' in html and 'id="ownership-history"' in html


def test_teammate_cannot_open_someone_elses_lead(client, rep, teammate, pool):
    lead = LeadFactory(pool=pool, owner=rep)
    client.force_login(teammate)
    assert client.get(f"/leads/{lead.pk}/").status_code == 404


def test_manager_reveal_on_the_page_is_audited(client, manager, pool):
    lead = LeadFactory(pool=pool, phone="+8613812345678")
    client.force_login(manager)
    assert "138****5678" in client.get(f"/leads/{lead.pk}/").content.decode()
    assert "+8613812345678" in client.post(f"/leads/{lead.pk}/reveal/").content.decode()
    assert PhoneReveal.objects.filter(actor=manager).count() == 1


def test_export_masks_numbers_the_viewer_may_not_see(client, admin_user, rep, pool):
    LeadFactory(pool=pool, owner=rep, phone="+8613812345678")
    client.force_login(rep)
    assert b"+8613812345678" in client.get("/leads/export.csv").content


def test_new_lead_page_names_the_holder_on_collision(client, rep, teammate, pool):
    LeadFactory(pool=pool, owner=rep, phone="+8613812345678")
    client.force_login(teammate)
    html = client.post("/leads/new/", {"name": "x", "phone": "13812345678", "grade": "E"}).content.decode()
    assert "held by 王芳" in html


def test_admin_edits_pool_rules(client, admin_user, pool):
    client.force_login(admin_user)
    r = client.post(f"/leads/pools/{pool.pk}/", {
        "max_held": 50, "max_claims_per_day": 10, "reclaim_cooldown_days": 3, "max_locked": 2,
        "return_days_E": 5, "return_days_D": 8, "return_days_C": 12, "return_days_B": 20, "return_days_A": 30,
        "real_contact_min_seconds": 45,
        "no_progress_days": 30, "fresh_claim_hours": 24, "exempt_won": "on", "warn_days": 2, "browsing_enabled": "on",
    })
    assert r.status_code == 302
    pool.refresh_from_db()
    assert pool.max_held == 50 and pool.return_days_by_grade["E"] == 5 and not pool.exempt_open_quote


def test_reps_cannot_open_admin_pages(client, rep, pool):
    client.force_login(rep)
    assert client.get("/leads/pools/").status_code == 404
    assert client.get("/leads/staff/").status_code == 404


def test_deactivation_page_previews_then_hands_over(client, admin_user, rep, teammate, pool):
    LeadFactory.create_batch(2, pool=pool, owner=rep)
    client.force_login(admin_user)
    html = client.get(f"/leads/staff/{rep.pk}/deactivate/").content.decode()
    assert "Holds 2 leads" in html
    r = client.post(f"/leads/staff/{rep.pk}/deactivate/", {"mode": "user", "to_user": teammate.pk})
    assert r.status_code == 302
    assert Lead.objects.filter(owner=teammate).count() == 2
