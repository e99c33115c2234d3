import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from leads import services
from leads.models import Lead, OwnershipEvent
from telesales.errors import DomainError, NotFound, PermissionDenied
from tests.factories import LeadFactory, PoolFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_rep_claims_a_public_lead_and_the_claim_is_audited(rep, pool):
    lead = LeadFactory(pool=pool)
    services.claim_lead(actor=rep, lead_id=lead.pk)
    lead.refresh_from_db()
    assert lead.owner == rep and lead.claimed_at is not None
    event = OwnershipEvent.objects.get(lead=lead)
    assert (event.reason, event.from_owner, event.to_owner) == ("claim", None, rep)


def test_second_claimant_is_told_who_holds_the_lead(rep, teammate, pool):
    lead = LeadFactory(pool=pool)
    services.claim_lead(actor=rep, lead_id=lead.pk)
    with pytest.raises(services.LeadAlreadyClaimed) as exc:
        services.claim_lead(actor=teammate, lead_id=lead.pk)
    assert "already claimed by 王芳" in exc.value.message


def test_claim_over_the_hold_limit_is_refused(rep, pool):
    pool.max_held = 2
    pool.save()
    LeadFactory(pool=pool, owner=rep)
    leads = LeadFactory.create_batch(2, pool=pool)
    with pytest.raises(services.LimitReached) as exc:
        services.claim_leads(actor=rep, lead_ids=[lead.pk for lead in leads])
    assert "at most 2" in exc.value.message
    assert Lead.objects.filter(owner=rep).count() == 1


def test_won_customers_do_not_count_toward_the_hold_limit_unless_the_rule_says_so(rep, pool):
    pool.max_held = 1
    pool.save()
    LeadFactory(pool=pool, owner=rep, status="won")
    services.claim_lead(actor=rep, lead_id=LeadFactory(pool=pool).pk)
    pool.won_counts_toward_max, pool.max_held = True, 2
    pool.save()
    with pytest.raises(services.LimitReached):
        services.claim_lead(actor=rep, lead_id=LeadFactory(pool=pool).pk)


def test_a_batch_over_the_daily_claim_limit_is_refused_whole(rep, pool):
    pool.max_claims_per_day = 3
    pool.save()
    services.claim_lead(actor=rep, lead_id=LeadFactory(pool=pool).pk)
    batch = LeadFactory.create_batch(3, pool=pool)
    with pytest.raises(services.LimitReached) as exc:
        services.claim_leads(actor=rep, lead_ids=[lead.pk for lead in batch])
    assert "2 left today" in exc.value.message
    assert Lead.objects.filter(owner=rep).count() == 1
    services.claim_leads(actor=rep, lead_ids=[lead.pk for lead in batch[:2]])
    assert Lead.objects.filter(owner=rep).count() == 3


def test_daily_claim_limit_resets_the_next_day(rep, pool):
    pool.max_claims_per_day = 1
    pool.save()
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)):
        services.claim_lead(actor=rep, lead_id=LeadFactory(pool=pool).pk)
        with pytest.raises(services.LimitReached):
            services.claim_lead(actor=rep, lead_id=LeadFactory(pool=pool).pk)
    with time_machine.travel(dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)):
        services.claim_lead(actor=rep, lead_id=LeadFactory(pool=pool).pk)


def test_previous_owner_cannot_reclaim_during_the_cooldown(rep, teammate, pool):
    pool.reclaim_cooldown_days = 7
    pool.save()
    lead = LeadFactory(pool=pool)
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)):
        services.claim_lead(actor=rep, lead_id=lead.pk)
        services.release_lead(actor=rep, lead_id=lead.pk, reason="not interested")
    with time_machine.travel(dt.datetime(2026, 11, 5, 2, 0, tzinfo=dt.UTC)):
        with pytest.raises(services.CooldownActive) as exc:
            services.claim_lead(actor=rep, lead_id=lead.pk)
        assert "2026-11-09" in exc.value.message
    with time_machine.travel(dt.datetime(2026, 11, 9, 3, 0, tzinfo=dt.UTC)):
        services.claim_lead(actor=rep, lead_id=lead.pk)


def test_others_may_claim_a_released_lead_at_once(rep, teammate, pool):
    lead = LeadFactory(pool=pool)
    services.claim_lead(actor=rep, lead_id=lead.pk)
    services.release_lead(actor=rep, lead_id=lead.pk, reason="wrong number owner")
    services.claim_lead(actor=teammate, lead_id=lead.pk)
    reasons = list(OwnershipEvent.objects.filter(lead=lead).values_list("reason", "note"))
    assert reasons == [("claim", ""), ("release", "wrong number owner"), ("claim", "")]


def test_release_needs_a_reason(rep, pool):
    lead = LeadFactory(pool=pool, owner=rep)
    with pytest.raises(DomainError):
        services.release_lead(actor=rep, lead_id=lead.pk, reason=" ")


def test_browsing_off_refuses_picking_but_next_lead_hands_out_the_best(rep, pool):
    pool.browsing_enabled = False
    pool.save()
    LeadFactory(pool=pool, grade="E")
    best = LeadFactory(pool=pool, grade="B")
    with pytest.raises(PermissionDenied):
        services.claim_lead(actor=rep, lead_id=best.pk)
    got = services.next_lead(actor=rep)
    assert got.pk == best.pk
    assert Lead.objects.get(pk=best.pk).owner == rep


def test_next_lead_says_so_when_the_pool_is_empty(rep, pool):
    with pytest.raises(NotFound):
        services.next_lead(actor=rep)


def test_rep_cannot_claim_from_another_teams_pool(rep, other_team):
    pool = PoolFactory(team=other_team)
    with pytest.raises(NotFound):
        services.claim_lead(actor=rep, lead_id=LeadFactory(pool=pool).pk)


def test_locked_leads_are_capped(rep, pool):
    pool.max_locked = 1
    pool.save()
    a, b = LeadFactory.create_batch(2, pool=pool, owner=rep)
    services.set_locked(actor=rep, lead_id=a.pk, locked=True)
    with pytest.raises(services.LimitReached):
        services.set_locked(actor=rep, lead_id=b.pk, locked=True)


concurrent = pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")


@concurrent
@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_claimants_get_exactly_one_winner(run_concurrently):
    pool = PoolFactory()
    lead = LeadFactory(pool=pool)
    reps = [UserFactory() for _ in range(50)]

    def claim(i):
        return services.claim_lead(actor=reps[i], lead_id=lead.pk)

    results = run_concurrently(claim, 50)
    winners = [r for r in results if isinstance(r, Lead)]
    losers = [r for r in results if isinstance(r, services.LeadAlreadyClaimed)]
    assert len(winners) == 1 and len(losers) == 49, [type(r) for r in results]
    lead.refresh_from_db()
    assert lead.owner_id == winners[0].owner_id
    assert all(f"already claimed by {lead.owner.display_name}" in e.message for e in losers)
    assert OwnershipEvent.objects.filter(lead=lead).count() == 1


@concurrent
@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_claim_racing_reassign_and_auto_return_leaves_one_consistent_owner(run_concurrently, admin_user):
    pool = PoolFactory(fresh_claim_hours=1)
    reps = [UserFactory() for _ in range(6)]
    old = timezone.now() - dt.timedelta(days=60)
    leads = [LeadFactory(pool=pool, owner=reps[0], claimed_at=old) for _ in range(10)]
    leads += LeadFactory.create_batch(10, pool=pool)
    ids = [lead.pk for lead in leads]

    def act(i):
        out = []
        for lid in ids:
            try:
                if i == 0:
                    out.append(services.auto_return_neglected())
                elif i in (1, 2):
                    out.append(services.reassign_lead(actor=admin_user, lead_id=lid, to_user_id=reps[i].pk))
                else:
                    out.append(services.claim_lead(actor=reps[i], lead_id=lid))
            except DomainError as exc:
                out.append(exc)
        return out

    results = run_concurrently(act, 6)
    assert not any(isinstance(r, BaseException) for r in results), results
    for lead in Lead.objects.filter(pk__in=ids):
        events = list(OwnershipEvent.objects.filter(lead=lead).order_by("id"))
        previous = reps[0].pk if lead.pk in ids[:10] else None
        for e in events:
            assert e.from_owner_id == previous, (lead.pk, [(x.from_owner_id, x.to_owner_id, x.reason) for x in events])
            previous = e.to_owner_id
        assert lead.owner_id == previous
