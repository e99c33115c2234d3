"""From a domain event to pending deliveries, inside the publishing transaction. Nothing leaves
the process before the commit: the sender is queued with transaction.on_commit, so a rolled-back
change has no event rows and sends nothing."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from webhooks.models import Delivery, Endpoint, Event
from webhooks.payloads import objects_for

SUBSCRIPTIONS_KEY = "webhooks:subscriptions"
SUBSCRIPTIONS_SECONDS = 300


def subscriptions() -> dict[str, list[int]]:
    """{event type: ids of the active endpoints that receive it}, cached: most events have no
    endpoint, and a service then pays one cache read for publishing."""
    found = cache.get(SUBSCRIPTIONS_KEY)
    if found is None:
        found = {}
        for pk, types in Endpoint.objects.filter(active=True).order_by("pk").values_list("pk", "event_types"):
            for event_type in types:
                found.setdefault(event_type, []).append(pk)
        cache.set(SUBSCRIPTIONS_KEY, found, SUBSCRIPTIONS_SECONDS)
    return found


def forget_subscriptions() -> None:
    """After an endpoint changed: now, and again once its transaction committed."""
    cache.delete(SUBSCRIPTIONS_KEY)
    transaction.on_commit(lambda: cache.delete(SUBSCRIPTIONS_KEY))


def record_event(event_type: str, ids: list[int], actor) -> None:
    """The events.publish subscriber: one Event per object, one pending Delivery per endpoint that
    receives the type, and the sender queued after the commit."""
    endpoint_ids = subscriptions().get(event_type)
    if not endpoint_ids:
        return
    object_type, objects = objects_for(event_type, ids)
    if not objects:
        return
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    created = Event.objects.bulk_create([
        Event(type=event_type, object_type=object_type, object_id=obj["id"], actor_id=actor_id, occurred_at=now,
              payload=obj)
        for obj in objects
    ])
    Delivery.objects.bulk_create([
        Delivery(endpoint_id=endpoint_id, event=event, object_key=f"{object_type}:{event.object_id}",
                 next_attempt_at=now, created_at=now)
        for event in created for endpoint_id in endpoint_ids
    ])
    transaction.on_commit(lambda: queue_senders(endpoint_ids))


def queue_senders(endpoint_ids) -> None:
    from webhooks.tasks import deliver_endpoint

    for endpoint_id in endpoint_ids:
        deliver_endpoint.delay(endpoint_id)
