import datetime as dt

import pytest
import time_machine

from leads import services
from leads.models import DoNotCallNumber, Lead, OwnershipEvent
from leads.phones import InvalidPhone
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_rep_creates_a_lead_into_their_private_pool_with_a_normalized_phone(rep):
    lead = services.create_lead(actor=rep, name="赵先生", phone="138 0013 8000")
    assert lead.phone == "+8613800138000"
    assert lead.owner == rep
    event = OwnershipEvent.objects.get(lead=lead)
    assert (event.reason, event.to_owner, event.actor) == ("create", rep, rep)


def test_second_creator_is_told_who_holds_the_number_and_since_when(rep, teammate):
    with time_machine.travel(dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC)):
        first = services.create_lead(actor=rep, name="赵先生", phone="13800138000")
    with pytest.raises(services.LeadCollision) as exc:
        services.create_lead(actor=teammate, name="赵总", phone="+86 138-0013-8000")
    assert "held by 王芳 since 2026-11-02" in exc.value.message
    assert exc.value.extra["lead_id"] == first.pk
    assert exc.value.extra["owner"] == rep.pk
    assert Lead.objects.count() == 1


def test_collision_with_a_public_pool_lead_says_so(rep, pool):
    LeadFactory(phone="+8613900139000", pool=pool)
    with pytest.raises(services.LeadCollision) as exc:
        services.create_lead(actor=rep, name="x", phone="13900139000")
    assert "in the public pool" in exc.value.message


def test_unparseable_number_is_refused_with_a_reason(rep):
    with pytest.raises(InvalidPhone) as exc:
        services.create_lead(actor=rep, name="x", phone="12345")
    assert "12345" in exc.value.message


def test_do_not_call_number_cannot_become_a_lead(rep, admin_user):
    DoNotCallNumber.objects.create(phone="+8613700137000", reason="complained", added_by=admin_user)
    with pytest.raises(services.DoNotCall):
        services.create_lead(actor=rep, name="x", phone="13700137000")
    assert not Lead.objects.exists()


def test_rep_cannot_create_beyond_their_hold_limit(rep, pool):
    pool.max_held = 1
    pool.save()
    services.create_lead(actor=rep, name="a", phone="13800000001", pool_id=pool.pk)
    with pytest.raises(services.LimitReached):
        services.create_lead(actor=rep, name="b", phone="13800000002", pool_id=pool.pk)


def test_manager_can_create_into_the_public_pool(manager, pool):
    lead = services.create_lead(actor=manager, name="a", phone="13800000001", pool_id=pool.pk)
    assert lead.owner is None and lead.pool == pool
