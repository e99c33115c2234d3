import pytest

from leads import services
from leads.models import Lead, LeadStatus
from tests.factories import LeadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep_claims_from_the_public_pool_and_a_stale_claim_names_the_winner(sign_in, rep, teammate, pool):
    first = LeadFactory(pool=pool, name="赵先生", phone="+8613812345678")
    second = LeadFactory(pool=pool, name="钱女士")
    page = sign_in(rep)
    page.goto("/leads/pool/")
    assert "138****5678" in page.locator("#pool-leads").inner_text()
    page.locator(f'tr[data-lead="{first.pk}"] button.claim').click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/leads/{first.pk}/")
    assert "王芳" in page.locator("#lead-owner").inner_text()
    assert "+8613812345678" in page.locator("#lead-phone").inner_text()
    page.goto("/leads/pool/")
    services.claim_lead(actor=teammate, lead_id=second.pk)  # someone is faster
    page.locator(f'tr[data-lead="{second.pk}"] button.claim').click()
    page.wait_for_load_state("networkidle")
    assert "already claimed by 李娜" in page.locator(".messages").inner_text()
    assert Lead.objects.get(pk=second.pk).owner == teammate


def test_admin_previews_and_deactivates_a_leaving_rep(sign_in, admin_user, rep, teammate, pool):
    LeadFactory.create_batch(3, pool=pool, owner=rep)
    page = sign_in(admin_user)
    page.goto("/leads/staff/")
    page.locator(f'tr[data-user="{rep.username}"] a').click()
    assert "Holds 3 leads" in page.locator("#preview").inner_text()
    page.check('input[name="mode"][value="user"]')
    page.select_option('select[name="to_user"]', str(teammate.pk))
    page.click("#confirm-deactivate")
    page.wait_for_load_state("networkidle")
    assert "deactivated" in page.locator(".messages").inner_text()
    rep.refresh_from_db()
    assert not rep.is_active
    assert Lead.objects.filter(owner=teammate).count() == 3
    assert not Lead.objects.filter(owner__is_active=False, status=LeadStatus.ACTIVE).exists()
