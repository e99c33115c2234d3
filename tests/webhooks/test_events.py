"""Each service publishes its event, with the object as it is after the change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Q

from calls.models import Call
from calls.services import log_call
from calls.sync import sync_calls
from leads import services as leads
from leads.grading import change_grade
from targets import services as targets
from tests.factories import AlertRuleFactory, DailyRepKpiFactory, LeadFactory, TargetFactory, UserFactory
from webhooks.fanout import fan_out
from webhooks.models import Delivery, Event, PendingEvent

pytestmark = pytest.mark.django_db


def published() -> list[tuple[str, str, int]]:
    fan_out()  # what the task queued after the commit does
    return list(Event.objects.order_by("occurred_at", "object_id", "type").values_list("type", "object_type",
                                                                                      "object_id"))


def test_lead_moves_publish_claimed_released_reassigned_and_returned(endpoint, rep, teammate, manager):
    lead = LeadFactory()
    # Each commit queues the fan-out, which reads the lead as it is then.
    leads.claim_lead(actor=rep, lead_id=lead.pk)
    fan_out()
    leads.release_lead(actor=rep, lead_id=lead.pk, reason="wrong number")
    fan_out()
    leads.reassign_lead(actor=manager, lead_id=lead.pk, to_user_id=teammate.pk)
    fan_out()
    leads.recycle_leads(condition=Q(pk=lead.pk), note=lambda _lead: "recycled by rule")
    fan_out()
    types = [e.type for e in Event.objects.order_by("occurred_at")]
    assert types == ["lead.claimed", "lead.released", "lead.reassigned", "lead.returned_to_pool"]
    owners = [e.payload["owner"] for e in Event.objects.order_by("occurred_at")]
    assert owners == [rep.pk, None, teammate.pk, None]
    assert Delivery.objects.count() == 4  # one endpoint


def test_every_other_way_a_lead_changes_hands_publishes_it(endpoint, rep, teammate, manager, admin_user):
    from tests.factories import PoolFactory

    contested = LeadFactory(owner=teammate, pool=PoolFactory(team=rep.team))
    appeal = leads.create_appeal(actor=rep, lead_id=contested.pk, reason="I called first")
    leads.decide_appeal(actor=manager, appeal_id=appeal.pk, approve=True)
    assert published() == [("lead.reassigned", "lead", contested.pk)]
    Event.objects.all().delete()

    pool = PoolFactory(team=rep.team)
    spread = LeadFactory.create_batch(2, pool=pool)
    leads.distribute(actor=manager, pool_id=pool.pk, rep_ids=[rep.pk, teammate.pk])
    assert sorted(published()) == sorted(("lead.reassigned", "lead", lead.pk) for lead in spread)
    Event.objects.all().delete()

    leaving = LeadFactory(owner=teammate)
    leads.deactivate_user(actor=admin_user, user_id=teammate.pk, mode="user", to_user_id=rep.pk)
    assert ("lead.reassigned", "lead", leaving.pk) in published()
    assert Event.objects.get(type="lead.reassigned", object_id=leaving.pk).payload["owner"] == rep.pk


def test_a_sale_logged_in_the_app_publishes_the_call_the_sale_and_the_grade(endpoint, rep, dispo):
    lead = LeadFactory(owner=rep)
    call = log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["sold"].pk, duration_seconds=300,
                    premium="1200", margin_rate="0.2")
    assert sorted(published()) == sorted([("call.logged", "call", call.pk), ("sale.won", "call", call.pk),
                                          ("lead.grade_changed", "lead", lead.pk)])
    sale = Event.objects.get(type="sale.won")  # published() fanned out
    assert sale.payload["premium"] == "1200.00" and sale.payload["disposition"] == "sold"
    assert Event.objects.get(type="lead.grade_changed").payload["status"] == "won"


def test_a_dialer_sync_publishes_one_event_per_written_call_and_nothing_for_a_resend(endpoint, admin_user, rep, dispo):
    lead_ids = [LeadFactory(owner=rep).pk for _ in range(3)]
    rows = [{"source": "dialer", "external_id": f"x-{i}", "lead_id": lead_id, "rep_id": rep.pk,
             "started_at": "2026-03-10T10:15:00+08:00", "duration_seconds": 30, "disposition": "no_answer"}
            for i, lead_id in enumerate(lead_ids)]
    sync_calls(actor=admin_user, rows=rows)
    assert [t for t, _, _ in published()] == ["call.synced"] * 3
    sync_calls(actor=admin_user, rows=rows)  # unchanged: no new events
    assert len(published()) == 3
    rows[0]["disposition"] = "sold"
    rows[0].update(premium="500", margin_rate="0.1")
    before = set(Event.objects.values_list("id", flat=True))
    sync_calls(actor=admin_user, rows=rows)  # the first call became a sale
    fan_out()
    later = Event.objects.exclude(id__in=before)
    sale_call = Call.objects.get(external_id="x-0").pk
    assert sorted(later.values_list("type", "object_id")) == sorted([
        ("call.synced", sale_call), ("sale.won", sale_call), ("lead.grade_changed", lead_ids[0])])


def test_grade_change_alert_and_deactivation_publish_their_events(endpoint, rep, teammate, admin_user):
    lead = LeadFactory(owner=rep)
    change_grade(actor=rep, lead_id=lead.pk, to_grade="B")
    TargetFactory(owner_kind="rep", rep=rep, team=rep.team, value=Decimal("220000.00"))
    AlertRuleFactory()
    for day in (1, 2, 3):
        DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, day), premium=Decimal(0))
    assert targets.evaluate_alert_rules(as_of=dt.date(2026, 6, 3))["created"] == 1
    leaver = UserFactory(team=rep.team)
    leads.deactivate_user(actor=admin_user, user_id=leaver.pk, mode="pool")
    assert [t for t, _, _ in published()] == ["lead.grade_changed", "target.alert_raised", "user.deactivated"]
    user = Event.objects.get(type="user.deactivated")
    assert user.object_id == leaver.pk and user.payload["is_active"] is False and user.actor_id == admin_user.pk


def test_without_an_endpoint_publishing_writes_nothing(rep):
    leads.claim_lead(actor=rep, lead_id=LeadFactory().pk)
    assert not PendingEvent.objects.exists() and not published()


def test_a_call_event_carries_the_call_exactly_as_the_api_shows_it(rep, dispo):
    import json

    from rest_framework.utils.encoders import JSONEncoder

    from calls.api import CallSerializer
    from webhooks.payloads import objects_for

    call = log_call(actor=rep, lead_id=LeadFactory(owner=rep).pk, disposition_id=dispo["sold"].pk,
                    duration_seconds=61, premium="1200.5", margin_rate="0.185", notes="回电")
    call.refresh_from_db()
    api = json.loads(json.dumps(CallSerializer(call).data, cls=JSONEncoder))
    assert objects_for("call.logged", [call.pk]) == ("call", [api])
