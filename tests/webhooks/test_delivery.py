"""Webhooks end to end against a local receiver: signed, retried, ordered, never for a rollback."""

import datetime as dt
import time

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from leads.services import claim_lead, release_lead
from tests.factories import LeadFactory
from webhooks import delivery
from webhooks.models import Delivery, DeliveryStatus, Endpoint, Event, PendingEvent
from webhooks.tasks import deliver_due

pytestmark = pytest.mark.django_db


def claim(rep, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        claim_lead(actor=rep, lead_id=lead.pk)


def test_a_claim_reaches_the_receiver_signed_with_the_event_and_the_lead(
        endpoint, receiver, rep, secret, verify, django_capture_on_commit_callbacks):
    lead = LeadFactory(phone="+8613800138000")
    claim(rep, lead, django_capture_on_commit_callbacks)
    [request] = receiver.requests
    body = request["body"]
    assert verify(secret, request["headers"]["X-Telesales-Signature"], body, now=time.time())
    assert not verify("another-secret-0123456789", request["headers"]["X-Telesales-Signature"], body, now=time.time())
    [event] = receiver.events()
    assert event["type"] == "lead.claimed" and event["object_type"] == "lead"
    assert event["id"] == request["headers"]["X-Telesales-Event-Id"] == str(Event.objects.get().id)
    # The lead as an admin reads it from the API: owner after the claim, the number in full.
    assert event["object"]["id"] == lead.pk and event["object"]["owner"] == rep.pk
    assert event["object"]["phone"] == "+8613800138000" and event["actor"] == rep.pk
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_receiver_failing_three_times_then_succeeding_gets_the_event_exactly_once_more(
        endpoint, receiver, rep, django_capture_on_commit_callbacks):
    receiver.fail_first = 3
    claim(rep, LeadFactory(), django_capture_on_commit_callbacks)  # attempt 1 fails at once
    start = timezone.now()
    for minutes in (1, 3, 7, 15, 31, 63):  # past each backoff (30 s, 1 min, 2 min, …)
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            deliver_due()
    assert [r["answered"] for r in receiver.requests] == [500, 500, 500, 200]
    assert len({r["headers"]["X-Telesales-Event-Id"] for r in receiver.requests}) == 1
    assert len(receiver.events(answered=200)) == 1
    d = Delivery.objects.get()
    assert (d.status, d.attempts, d.response_status) == (DeliveryStatus.DELIVERED, 4, 200)


def test_retries_back_off_exponentially(endpoint, receiver, rep, django_capture_on_commit_callbacks):
    receiver.fail_first = 100
    claim(rep, LeadFactory(), django_capture_on_commit_callbacks)
    d = Delivery.objects.get()
    assert d.attempts == 1 and d.next_attempt_at - d.last_attempt_at == dt.timedelta(seconds=30)
    with time_machine.travel(d.next_attempt_at - dt.timedelta(seconds=1), tick=False):
        deliver_due()  # not yet due
    assert len(receiver.requests) == 1
    with time_machine.travel(d.next_attempt_at, tick=False):
        deliver_due()
    d.refresh_from_db()
    assert d.attempts == 2 and d.next_attempt_at - d.last_attempt_at == dt.timedelta(seconds=60)
    assert [delivery.retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 9, 20)] == [30, 60, 120, 3600, 3600, 3600]


def test_after_a_day_of_failures_the_delivery_is_given_up_and_the_endpoint_is_failing(
        endpoint, receiver, rep, django_capture_on_commit_callbacks):
    receiver.fail_first = 1000
    claim(rep, LeadFactory(), django_capture_on_commit_callbacks)
    start = timezone.now()
    hours = 0.0
    while hours < 25:
        hours += 0.5
        with time_machine.travel(start + dt.timedelta(hours=hours), tick=False):
            deliver_due()
    d = Delivery.objects.get()
    assert d.status == DeliveryStatus.FAILED
    assert d.last_attempt_at - d.created_at >= dt.timedelta(hours=24)
    assert d.attempts >= 20
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None
    # A later success clears the mark.
    receiver.fail_first = 0
    with time_machine.travel(start + dt.timedelta(hours=26), tick=False):
        release_lead(actor=rep, lead_id=d.event.object_id, reason="not interested")
        deliver_due()
    assert receiver.events(answered=200)[0]["type"] == "lead.released"
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_a_later_event_for_the_same_lead_waits_for_the_earlier_one(
        endpoint, receiver, rep, django_capture_on_commit_callbacks):
    receiver.fail_first = 1
    lead, other = LeadFactory(), LeadFactory()
    claim(rep, lead, django_capture_on_commit_callbacks)  # fails: the lead's queue is held up
    with django_capture_on_commit_callbacks(execute=True):
        release_lead(actor=rep, lead_id=lead.pk, reason="wrong number")
        claim_lead(actor=rep, lead_id=other.pk)  # another object: not held up
    assert [e["type"] for e in receiver.events()] == ["lead.claimed", "lead.claimed"]
    assert receiver.events()[1]["object"]["id"] == other.pk
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1), tick=False):
        deliver_due()
    sent = [(e["type"], e["object"]["id"]) for e in receiver.events(answered=200)]
    assert sent == [("lead.claimed", other.pk), ("lead.claimed", lead.pk), ("lead.released", lead.pk)]


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_for_a_rolled_back_transaction(endpoint, receiver, rep):
    lead = LeadFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        claim_lead(actor=rep, lead_id=lead.pk)
        raise RuntimeError("something later in the same transaction failed")
    assert receiver.requests == [] and Event.objects.count() == 0 and Delivery.objects.count() == 0
    assert PendingEvent.objects.count() == 0
    claim_lead(actor=rep, lead_id=lead.pk)  # committed: sent after the commit
    assert [e["type"] for e in receiver.events()] == ["lead.claimed"]


def test_an_inactive_endpoint_or_an_unsubscribed_type_gets_nothing(
        endpoint, receiver, rep, admin_user, django_capture_on_commit_callbacks):
    from webhooks import services

    services.update_endpoint(actor=admin_user, endpoint_id=endpoint.pk, event_types=["sale.won"])
    claim(rep, LeadFactory(), django_capture_on_commit_callbacks)
    services.update_endpoint(actor=admin_user, endpoint_id=endpoint.pk, event_types=["lead.claimed"], active=False)
    claim(rep, LeadFactory(), django_capture_on_commit_callbacks)
    assert receiver.requests == [] and not Delivery.objects.exists()
    assert Endpoint.objects.get().changes.count() == 3
