"""A service that waited for a lead's row lock acts on the lead as it is after the wait."""

import threading
import time

import pytest
from django.db import connection, transaction

from leads import services
from leads.models import Lead, OwnershipEvent
from telesales.errors import PermissionDenied
from tests.factories import LeadFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"),
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 15


def _owners_chain(lead: Lead) -> list[tuple[int | None, int | None, str]]:
    return list(OwnershipEvent.objects.filter(lead=lead).order_by("id").values_list("from_owner", "to_owner", "reason"))


def test_claim_racing_a_managers_reassign_always_ends_with_the_reassigned_rep(run_concurrently, rep, teammate,
                                                                                manager, pool):
    for _ in range(ROUNDS):
        lead = LeadFactory(pool=pool)

        def act(i, lead_id=lead.pk):
            if i == 0:
                return services.claim_lead(actor=rep, lead_id=lead_id)
            return services.reassign_lead(actor=manager, lead_id=lead_id, to_user_id=teammate.pk)

        claimed, reassigned = run_concurrently(act, 2)
        # The manager may reassign the lead whether it is still in the pool or already claimed by
        # a rep of their team: never a 404, and the teammate always ends up holding it.
        assert isinstance(reassigned, Lead), reassigned
        lead.refresh_from_db()
        assert lead.owner == teammate
        if isinstance(claimed, Lead):
            assert _owners_chain(lead) == [(None, rep.pk, "claim"), (rep.pk, teammate.pk, "reassign")]
        else:
            assert isinstance(claimed, services.LeadAlreadyClaimed), claimed
            assert _owners_chain(lead) == [(None, teammate.pk, "reassign")]


def test_release_racing_a_managers_reassign_never_acts_on_the_previous_owner(run_concurrently, rep, teammate,
                                                                              manager, pool):
    for _ in range(ROUNDS):
        lead = LeadFactory(pool=pool, owner=rep)

        def act(i, lead_id=lead.pk):
            if i == 0:
                return services.release_lead(actor=rep, lead_id=lead_id, reason="不需要")
            return services.reassign_lead(actor=manager, lead_id=lead_id, to_user_id=teammate.pk)

        released, reassigned = run_concurrently(act, 2)
        assert isinstance(reassigned, Lead), reassigned
        lead.refresh_from_db()
        chain = _owners_chain(lead)
        if isinstance(released, Lead):  # released first, then the manager took it out of the pool
            assert chain == [(rep.pk, None, "release"), (None, teammate.pk, "reassign")]
        else:  # reassigned first: the rep no longer holds it and may not release it
            assert isinstance(released, PermissionDenied), released
            assert chain == [(rep.pk, teammate.pk, "reassign")]
        assert lead.owner == teammate


def _wait_until_someone_waits_for_a_lock() -> None:
    with connection.cursor() as cur:
        for _ in range(500):
            cur.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cur.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the other session never waited for the lead's lock")


def test_a_call_logged_after_waiting_for_a_reassign_is_credited_to_the_new_owner(run_concurrently, rep, teammate,
                                                                                 manager, pool):
    from calls.dispositions import ensure_standard
    from calls.models import Call, Disposition
    from calls.services import log_call

    ensure_standard()
    busy = Disposition.objects.get(code="busy")
    lead = LeadFactory(pool=pool, owner=rep)
    reassigned = threading.Event()

    def act(i):
        if i == 0:  # reassign, and commit only once the call is waiting for the lead's lock
            with transaction.atomic():
                services.reassign_lead(actor=manager, lead_id=lead.pk, to_user_id=teammate.pk)
                reassigned.set()
                _wait_until_someone_waits_for_a_lock()
            return None
        reassigned.wait(30)
        return log_call(actor=manager, lead_id=lead.pk, disposition_id=busy.pk, enforce_calling_hours=False)

    _, logged = run_concurrently(act, 2)
    # The manager logs on their team's lead; the call is credited to whoever holds it once the
    # lock is granted.
    assert isinstance(logged, Call), logged
    assert logged.rep == teammate
