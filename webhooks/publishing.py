"""From a domain event to a pending event, inside the publishing transaction: one small row per
publish (the ids, not the objects), so a sync of a thousand calls pays one INSERT. Nothing leaves
the process before the commit: the fan-out and the senders are queued with transaction.on_commit,
so a rolled-back change leaves no row and sends nothing."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from webhooks.models import Endpoint, PendingEvent

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
    """The events.publish subscriber: a PendingEvent for the endpoints that receive the type, and
    the fan-out queued after the commit."""
    endpoint_ids = subscriptions().get(event_type)
    if not endpoint_ids:
        return
    PendingEvent.objects.create(type=event_type, object_ids=ids, endpoint_ids=endpoint_ids,
                                actor_id=getattr(actor, "pk", None), occurred_at=timezone.now())
    transaction.on_commit(queue_fan_out)


def queue_fan_out() -> None:
    from webhooks.tasks import fan_out

    fan_out.delay()


def queue_senders(endpoint_ids) -> None:
    from webhooks.tasks import deliver_endpoint

    for endpoint_id in endpoint_ids:
        deliver_endpoint.delay(endpoint_id)
