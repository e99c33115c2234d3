"""After the commit: pending events become one Event per object (the object as the API shows it
to an admin, read now) and one pending Delivery per endpoint, in the order they were published.

One fan-out runs at a time (PostgreSQL advisory lock): the deliveries' ids then follow the
publishing order, and the sender's per-object order relies on that. Rows go in set-based."""

from __future__ import annotations

import uuid
from collections import defaultdict
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from webhooks.models import Delivery, DeliveryStatus, Endpoint, Event, PendingEvent
from webhooks.payloads import objects_for, objects_for_type

LOCK_NAMESPACE = 7_302_001
BATCH = 500


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
                endpoints |= _expand(batch)
                PendingEvent.objects.filter(pk__in=[p.pk for p in batch]).delete()


def _expand(batch: list[PendingEvent]) -> set[int]:
    """Events and deliveries of a batch of pending events, in their order: each kind of object is
    read once for the batch, and all rows go in a few statements."""
    live = set(Endpoint.objects.filter(pk__in={e for p in batch for e in p.endpoint_ids}).values_list("pk", flat=True))
    wanted: dict[str, set[int]] = defaultdict(set)
    for pending in batch:
        wanted[pending.type].update(pending.object_ids)
    objects = {event_type: {obj["id"]: obj for obj in objects_for(event_type, sorted(ids))[1]}
               for event_type, ids in wanted.items()}
    types = {event_type: objects_for_type(event_type) for event_type in wanted}
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    id_field, payload_field = Event._meta.get_field("id"), Event._meta.get_field("payload")
    events, deliveries, used = [], [], set()
    for pending in batch:
        endpoint_ids = [e for e in pending.endpoint_ids if e in live]
        at = ops.adapt_datetimefield_value(pending.occurred_at)
        object_type = types[pending.type]
        for object_id in pending.object_ids:
            obj = objects[pending.type].get(object_id)
            if obj is None or not endpoint_ids:
                continue
            pk = id_field.get_db_prep_save(uuid.uuid4(), connection)
            events.append([pk, pending.type, object_type, object_id, pending.actor_id, at,
                           payload_field.get_db_prep_save(obj, connection)])
            deliveries += [[e, pk, f"{object_type}:{object_id}", DeliveryStatus.PENDING.value, 0, "", now, now]
                           for e in endpoint_ids]
            used.update(endpoint_ids)
    _insert(Event, ["id", "type", "object_type", "object_id", "actor_id", "occurred_at", "payload"], events)
    _insert(Delivery, ["endpoint_id", "event_id", "object_key", "status", "attempts", "error", "next_attempt_at",
                       "created_at"], deliveries)
    return used


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
