"""The per-rep counters a claim checks its limits with (leads.models.HeldCount, ClaimCount) are kept
by PostgreSQL triggers on every change of a lead's owner or status and every claim audit row: after
any sequence of claims, releases, reassignments, auto-returns, wins and deletions, and after
concurrent claims on real connections, they equal a recount, and the limits still hold exactly."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leads import services
from leads.models import ClaimCount, HeldCount, Lead, LeadStatus, OwnershipEvent, OwnershipReason
from telesales.days import local_day, local_midnight
from telesales.errors import DomainError
from tests.factories import LeadFactory, PoolFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the counters are PostgreSQL triggers"),
]


def recount() -> tuple[dict, dict]:
    """(held per (owner, status), claims since today's local midnight per rep), from the rows."""
    held = {(r["owner_id"], r["status"]): r["n"] for r in Lead.objects.filter(owner__isnull=False)
            .values("owner_id", "status").annotate(n=Count("id")).order_by()}
    since = local_midnight(local_day(timezone.now()))
    claims = {r["to_owner_id"]: r["n"] for r in OwnershipEvent.objects.filter(reason=OwnershipReason.CLAIM, at__gte=since)
              .values("to_owner_id").annotate(n=Count("id")).order_by()}
    return held, claims


def counters() -> tuple[dict, dict]:
    held = {(h.owner_id, h.status): h.n for h in HeldCount.objects.exclude(n=0)}
    since = local_midnight(local_day(timezone.now()))
    claims: dict[int, int] = {}
    for c in ClaimCount.objects.filter(bucket__gte=since):
        claims[c.rep_id] = claims.get(c.rep_id, 0) + c.n
    return held, {rep: n for rep, n in claims.items() if n}


action = st.tuples(st.sampled_from(["claim", "release", "reassign", "return", "win", "delete", "batch"]),
                   st.integers(0, 2), st.integers(0, 5))


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(actions=st.lists(action, min_size=1, max_size=12))
def test_counters_equal_a_recount_after_any_sequence_of_owner_changes(admin_user, actions):
    with transaction.atomic():
        pool = PoolFactory(fresh_claim_hours=1, reclaim_cooldown_days=0)
        reps = [UserFactory() for _ in range(3)]
        old = timezone.now() - dt.timedelta(days=30)
        leads = [LeadFactory(pool=pool) for _ in range(4)] + [LeadFactory(pool=pool, owner=reps[0], claimed_at=old)
                                                              for _ in range(2)]
        for name, who, which in actions:
            lead = leads[which]
            try:
                with transaction.atomic():
                    if name == "claim":
                        services.claim_lead(actor=reps[who], lead_id=lead.pk)
                    elif name == "batch":
                        services.claim_leads(actor=reps[who], lead_ids=[x.pk for x in leads[:3]])
                    elif name == "release":
                        services.release_lead(actor=reps[who], lead_id=lead.pk, reason="not interested")
                    elif name == "reassign":
                        services.reassign_lead(actor=admin_user, lead_id=lead.pk, to_user_id=reps[who].pk)
                    elif name == "return":
                        services.auto_return_neglected(now=timezone.now() + dt.timedelta(days=2))
                    elif name == "win":
                        Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.WON)
                    else:
                        Lead.objects.filter(pk=lead.pk).delete()
            except DomainError:
                pass
            assert counters() == recount(), actions
        transaction.set_rollback(True)


def test_the_hold_limit_is_read_from_the_counter(rep):
    """A lead handed to the rep by any path counts at once toward the limit of the next claim."""
    pool = PoolFactory(max_held=2)
    LeadFactory(pool=pool, owner=rep)
    Lead.objects.filter(pk=LeadFactory(pool=pool).pk).update(owner=rep)  # a manual fix counts too
    with pytest.raises(services.LimitReached):
        services.claim_lead(actor=rep, lead_id=LeadFactory(pool=pool).pk)
    assert HeldCount.objects.get(owner_id=rep.pk, status=LeadStatus.ACTIVE).n == 2


concurrent = pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")


@concurrent
@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_keep_the_counters_and_the_limits_exact(run_concurrently, admin_user):
    """Eight reps race for the same twenty leads while a manager reassigns and the rep releases:
    the counters equal a recount and nobody claims more a day than the pool allows."""
    pool = PoolFactory(max_held=3, max_claims_per_day=4, reclaim_cooldown_days=0)
    reps = [UserFactory() for _ in range(8)]
    ids = [lead.pk for lead in LeadFactory.create_batch(20, pool=pool)]

    def act(i):
        out = []
        for n, lid in enumerate(ids[i % 4:] + ids[:i % 4]):
            try:
                if i == 7 and n % 3 == 0:
                    services.reassign_lead(actor=admin_user, lead_id=lid, to_user_id=reps[n % 7].pk)
                elif i == 6 and n % 4 == 0:
                    services.release_lead(actor=reps[6], lead_id=lid, reason="no")
                else:
                    services.claim_lead(actor=reps[i], lead_id=lid)
                out.append("ok")
            except DomainError as exc:
                out.append(type(exc).__name__)
        return out

    results = run_concurrently(act, 8)
    assert not any(isinstance(r, BaseException) for r in results), results
    assert counters() == recount()
    since = local_midnight(local_day(timezone.now()))
    for rep in reps[:7]:
        claimed = OwnershipEvent.objects.filter(to_owner=rep, reason=OwnershipReason.CLAIM, at__gte=since).count()
        assert claimed <= 4
