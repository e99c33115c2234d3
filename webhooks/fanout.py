"""After the commit: pending events become one Event per object (the object as the API shows it
to an admin, read now) and one pending Delivery per endpoint, in the order they were published.

One fan-out runs at a time (PostgreSQL advisory lock): the deliveries' ids then follow the
publishing order, and the sender's per-object order relies on that. Rows go in set-based."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from webhooks.models import Delivery, DeliveryStatus, Endpoint, Event, PendingEvent
from webhooks.payloads import objects_for

LOCK_NAMESPACE = 7_302_001
BATCH = 50


@contextmanager
def advisory_lock(key: int):
    """A PostgreSQL session advisory lock in the webhooks namespace, or False when someone holds
    it. SQLite runs one writer anyway."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, key])
        got = cur.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, key])


def fan_out() -> set[int]:
    """Turn every pending event into events and deliveries; returns the endpoints that got some."""
    endpoints: set[int] = set()
    with advisory_lock(0) as got:
        if not got:
            return endpoints
        while True:
            with transaction.atomic():
                batch = list(PendingEvent.objects.order_by("pk")[:BATCH])
                if not batch:
                    return endpoints
                for pending in batch:
                    endpoints |= _expand(pending)
                PendingEvent.objects.filter(pk__in=[p.pk for p in batch]).delete()


def _expand(pending: PendingEvent) -> set[int]:
    endpoint_ids = sorted(Endpoint.objects.filter(pk__in=pending.endpoint_ids).values_list("pk", flat=True))
    object_type, objects = objects_for(pending.type, pending.object_ids) if endpoint_ids else ("", [])
    if not objects:
        return set()
    ops = connection.ops
    at, now = ops.adapt_datetimefield_value(pending.occurred_at), ops.adapt_datetimefield_value(timezone.now())
    id_field, payload_field = Event._meta.get_field("id"), Event._meta.get_field("payload")
    events = [(id_field.get_db_prep_save(uuid.uuid4(), connection), obj) for obj in objects]
    _insert(Event, ["id", "type", "object_type", "object_id", "actor_id", "occurred_at", "payload"], [
        [pk, pending.type, object_type, obj["id"], pending.actor_id, at, payload_field.get_db_prep_save(obj, connection)]
        for pk, obj in events
    ])
    _insert(Delivery, ["endpoint_id", "event_id", "object_key", "status", "attempts", "error", "next_attempt_at",
                       "created_at"], [
        [endpoint_id, pk, f"{object_type}:{obj['id']}", DeliveryStatus.PENDING.value, 0, "", now, now]
        for pk, obj in events for endpoint_id in endpoint_ids
    ])
    return set(endpoint_ids)


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
