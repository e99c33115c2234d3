import pytest
from django.contrib.sessions.models import Session

from accounts.models import ApiToken
from accounts.services import create_api_token
from leads import selectors, services
from leads.models import Lead, LeadStatus, OwnershipEvent
from leads.signals import handover_preview, leads_handed_over
from telesales.errors import DomainError, PermissionDenied
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


def orphaned():
    return Lead.objects.filter(owner__is_active=False, status=LeadStatus.ACTIVE).count()


def test_preview_counts_leads_and_what_other_apps_report(admin_user, rep, pool):
    LeadFactory.create_batch(3, pool=pool, owner=rep)
    LeadFactory(pool=pool, owner=rep, status="won")

    def extra(sender, user, **kw):
        return {"open_follow_ups": 2}

    handover_preview.connect(extra, dispatch_uid="test-extra")
    try:
        preview = selectors.handover_preview_for(actor=admin_user, user_id=rep.pk)
    finally:
        handover_preview.disconnect(dispatch_uid="test-extra")
    assert preview["leads"] == 4 and preview["active_leads"] == 3 and preview["won_leads"] == 1
    assert preview["open_follow_ups"] == 2


def test_deactivating_hands_all_leads_to_one_rep_and_revokes_access(admin_user, rep, teammate, pool, client):
    leads = LeadFactory.create_batch(5, pool=pool, owner=rep)
    client.force_login(rep)
    create_api_token(actor=admin_user, name="rep-token", user=rep)
    seen = {}

    def receiver(sender, from_user, assignments, **kw):
        seen.update(assignments)

    leads_handed_over.connect(receiver, dispatch_uid="test-recv")
    try:
        summary = services.deactivate_user(actor=admin_user, user_id=rep.pk, mode="user", to_user_id=teammate.pk)
    finally:
        leads_handed_over.disconnect(dispatch_uid="test-recv")
    rep.refresh_from_db()
    assert not rep.is_active and rep.deactivated_at
    assert not Session.objects.exists()
    assert not ApiToken.objects.filter(user=rep, revoked_at__isnull=True).exists()
    assert summary["handed_over"] == 5
    assert Lead.objects.filter(owner=teammate).count() == 5
    assert seen == {lead.pk: teammate.pk for lead in leads}
    assert OwnershipEvent.objects.filter(reason="handover", from_owner=rep, to_owner=teammate).count() == 5
    assert orphaned() == 0


def test_round_robin_across_a_team_respects_limits_and_overflows_to_the_pool(admin_user, rep, team, pool):
    pool.max_held = 3
    pool.save()
    a, b = UserFactory(team=team), UserFactory(team=team)
    LeadFactory.create_batch(2, pool=pool, owner=a)
    UserFactory(team=team, accepts_distribution=False)
    LeadFactory.create_batch(6, pool=pool, owner=rep)
    summary = services.deactivate_user(actor=admin_user, user_id=rep.pk, mode="team", team_id=team.pk)
    assert Lead.objects.filter(owner=a).count() == 3
    assert Lead.objects.filter(owner=b).count() == 3
    assert summary["to_public_pool"] == 2
    assert orphaned() == 0


def test_back_to_the_public_pool_keeps_history_attributed(admin_user, rep, pool):
    lead = LeadFactory(pool=pool)
    services.claim_lead(actor=rep, lead_id=lead.pk)
    services.deactivate_user(actor=admin_user, user_id=rep.pk, mode="pool")
    lead.refresh_from_db()
    assert lead.owner is None
    history = list(OwnershipEvent.objects.filter(lead=lead).values_list("reason", "from_owner", "to_owner"))
    assert history == [("claim", None, rep.pk), ("handover", rep.pk, None)]


def test_failed_receiver_rolls_the_whole_deactivation_back(admin_user, rep, teammate, pool):
    LeadFactory.create_batch(2, pool=pool, owner=rep)

    def boom(sender, **kw):
        raise RuntimeError("follow-ups could not move")

    leads_handed_over.connect(boom, dispatch_uid="boom")
    try:
        with pytest.raises(RuntimeError):
            services.deactivate_user(actor=admin_user, user_id=rep.pk, mode="user", to_user_id=teammate.pk)
    finally:
        leads_handed_over.disconnect(dispatch_uid="boom")
    rep.refresh_from_db()
    assert rep.is_active
    assert Lead.objects.filter(owner=rep).count() == 2


def test_only_admins_deactivate(manager, rep):
    with pytest.raises(PermissionDenied):
        services.deactivate_user(actor=manager, user_id=rep.pk, mode="pool")


def test_cannot_hand_over_to_the_leaving_rep_or_an_inactive_one(admin_user, rep, teammate):
    teammate.is_active = False
    teammate.save()
    with pytest.raises(DomainError):
        services.deactivate_user(actor=admin_user, user_id=rep.pk, mode="user", to_user_id=teammate.pk)
    rep.refresh_from_db()
    assert rep.is_active
