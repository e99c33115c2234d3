"""From a domain event to pending deliveries, inside the publishing transaction. Nothing leaves
the process before the commit: the sender is queued with transaction.on_commit, so a rolled-back
change has no event rows and sends nothing."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from webhooks.models import Delivery, DeliveryStatus, Endpoint, Event
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
    receives the type, and the sender queued after the commit. Rows go in set-based (a sync
    publishes a thousand calls in one call)."""
    endpoint_ids = subscriptions().get(event_type)
    if not endpoint_ids:
        return
    object_type, objects = objects_for(event_type, ids)
    if not objects:
        return
    ops, now = connection.ops, timezone.now()
    at = ops.adapt_datetimefield_value(now)
    id_field, payload_field = Event._meta.get_field("id"), Event._meta.get_field("payload")
    events = [(uuid.uuid4(), obj) for obj in objects]
    _insert(Event, ["id", "type", "object_type", "object_id", "actor_id", "occurred_at", "payload"], [
        [id_field.get_db_prep_save(pk, connection), event_type, object_type, obj["id"], getattr(actor, "pk", None),
         at, payload_field.get_db_prep_save(obj, connection)]
        for pk, obj in events
    ])
    _insert(Delivery, ["endpoint_id", "event_id", "object_key", "status", "attempts", "error", "next_attempt_at",
                       "created_at"], [
        [endpoint_id, id_field.get_db_prep_save(pk, connection), f"{object_type}:{obj['id']}",
         DeliveryStatus.PENDING.value, 0, "", at, at]
        for pk, obj in events for endpoint_id in endpoint_ids
    ])
    transaction.on_commit(lambda: queue_senders(endpoint_ids))


def _insert(model, columns: list[str], rows: list[list]) -> None:
    """Multi-row INSERTs of `rows` (bulk_create would build a model instance per row)."""
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    per_statement = min(1000, (connection.features.max_query_params or 65535) // len(columns))
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cur:
        for i in range(0, len(rows), per_statement):
            part = rows[i : i + per_statement]
            cur.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([row_sql] * len(part))}",
                        [value for row in part for value in row])


def queue_senders(endpoint_ids) -> None:
    from webhooks.tasks import deliver_endpoint

    for endpoint_id in endpoint_ids:
        deliver_endpoint.delay(endpoint_id)
