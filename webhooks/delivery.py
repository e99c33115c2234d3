"""Sending: the signed request, the per-endpoint queue in order per object, retries with
exponential backoff, and giving up after the retry window (the endpoint is then failing).

Signature: header `X-Telesales-Signature: t=<unix seconds>,v1=<hex>`, where hex is
HMAC-SHA256(secret, "<t>." + body). Receivers check it, refuse an old `t`, and de-duplicate on
the event id (`X-Telesales-Event-Id`, also `id` in the body): delivery is at least once."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from webhooks.addresses import UnsafeTarget, resolve_public, split_url
from webhooks.fanout import advisory_lock
from webhooks.models import Delivery, DeliveryStatus, Endpoint, Event

SIGNATURE_HEADER = "X-Telesales-Signature"
BATCH = 200
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 3600
USER_AGENT = "Telesales-Webhooks/1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def body_for(event: Event) -> bytes:
    return json.dumps({
        "id": str(event.id), "type": event.type, "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor_id, "object_type": event.object_type, "object": event.payload,
    }, ensure_ascii=False, separators=(",", ":")).encode()


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait after the `attempts`-th failure: 30 s, 1 min, 2 min … doubling, at most an hour."""
    return dt.timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), LONGEST_RETRY_SECONDS))


def due_heads(endpoint_id: int, now: dt.datetime):
    """Pending deliveries of the endpoint that may go now: the first pending one of their object
    (a later event for the same object waits for the earlier one, even while that one waits for
    its retry), and due. One pass over the endpoint's pending rows, ranked per object."""
    first = Window(RowNumber(), partition_by=[F("object_key")], order_by=F("id").asc())
    heads = (Delivery.objects.filter(endpoint_id=endpoint_id, status=DeliveryStatus.PENDING)
             .annotate(place=first).filter(place=1).values("pk"))
    return (Delivery.objects.filter(pk__in=heads, next_attempt_at__lte=now)
            .select_related("event").order_by("pk"))


class Sender:
    """POSTs to the address it checked (never resolving the name again between the check and the
    connection); keeps up to WEBHOOKS_SENDER_CONNECTIONS connections open across one run and
    sends that many heads at once (distinct objects, so their order does not matter)."""

    def __init__(self):
        self.pools: dict[tuple, urllib3.HTTPConnectionPool] = {}
        self.timeout = urllib3.Timeout(connect=settings.WEBHOOKS_CONNECT_TIMEOUT_SECONDS,
                                       read=settings.WEBHOOKS_READ_TIMEOUT_SECONDS)
        self.connections = max(1, settings.WEBHOOKS_SENDER_CONNECTIONS)
        self.threads = ThreadPoolExecutor(self.connections) if self.connections > 1 else None

    def close(self) -> None:
        if self.threads is not None:
            self.threads.shutdown()
        for pool in self.pools.values():
            pool.close()

    def target(self, url: str) -> tuple[urllib3.HTTPConnectionPool, str, str]:
        """(connection pool to the checked address, path, Host header); UnsafeTarget if refused."""
        scheme, host, port = split_url(url)
        address = resolve_public(host, port)
        key = (scheme, address, port, host)
        pool = self.pools.get(key)
        if pool is None:
            if scheme == "https":
                pool = urllib3.HTTPSConnectionPool(address, port, server_hostname=host, assert_hostname=host,
                                                   timeout=self.timeout, retries=False, maxsize=self.connections,
                                                   block=True)
            else:
                pool = urllib3.HTTPConnectionPool(address, port, timeout=self.timeout, retries=False,
                                                  maxsize=self.connections, block=True)
            self.pools[key] = pool
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        default = 443 if scheme == "https" else 80
        return pool, path, host if port == default else f"{host}:{port}"

    def post(self, target, delivery: Delivery, secret: str) -> tuple[int | None, str]:
        """(HTTP status or None, error text) of one attempt."""
        pool, path, host = target
        body = body_for(delivery.event)
        headers = {
            "Host": host, "Content-Type": "application/json", "User-Agent": USER_AGENT,
            "X-Telesales-Event-Id": str(delivery.event_id), "X-Telesales-Event-Type": delivery.event.type,
            "X-Telesales-Delivery": str(delivery.pk), SIGNATURE_HEADER: sign(secret, int(time.time()), body),
        }
        try:
            response = pool.urlopen("POST", path, body=body, headers=headers, redirect=False, retries=False,
                                    assert_same_host=False)
        except urllib3.exceptions.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"[:300]
        if 200 <= response.status < 300:
            return response.status, ""
        return response.status, f"HTTP {response.status}"


def send_batch(sender: Sender, endpoint: Endpoint, heads: list[Delivery]) -> list[tuple[int | None, str]]:
    """One attempt for each head; once the endpoint cannot be reached, the heads not sent yet
    count as failed with it instead of waiting for a timeout each."""
    try:
        target = sender.target(endpoint.url)
    except UnsafeTarget as exc:
        return [(None, exc.message[:300])] * len(heads)
    unreachable: list[tuple[int | None, str]] = []

    def attempt(delivery: Delivery) -> tuple[int | None, str]:
        if unreachable:
            return unreachable[0]
        result = sender.post(target, delivery, endpoint.secret)
        if result[0] is None:
            unreachable.append(result)
        return result

    if sender.threads is None:
        return [attempt(d) for d in heads]
    return list(sender.threads.map(attempt, heads))


def record_attempts(endpoint: Endpoint, heads: list[Delivery], results, now: dt.datetime) -> int:
    """Store the outcome of each attempt; returns how many were delivered. Successes are one
    UPDATE per answer code; failures (rarer) one each, with their own backoff."""
    give_up_after = dt.timedelta(hours=settings.WEBHOOKS_RETRY_HOURS)
    delivered: dict[int, list[int]] = {}
    failed: list[Delivery] = []
    gave_up = False
    for d, (status, error) in zip(heads, results, strict=True):
        if not error:
            delivered.setdefault(status, []).append(d.pk)
            continue
        d.attempts += 1
        d.last_attempt_at, d.response_status, d.error = now, status, error
        if now - d.created_at >= give_up_after:
            d.status, gave_up = DeliveryStatus.FAILED, True
        else:
            d.next_attempt_at = now + retry_delay(d.attempts)
        failed.append(d)
    with transaction.atomic():
        for status, ids in delivered.items():
            Delivery.objects.filter(pk__in=ids).update(
                status=DeliveryStatus.DELIVERED, delivered_at=now, last_attempt_at=now, attempts=F("attempts") + 1,
                response_status=status, error="")
        for d in failed:
            d.save(update_fields=["attempts", "last_attempt_at", "response_status", "error", "status",
                                  "next_attempt_at"])
        if gave_up and endpoint.failing_since is None:
            Endpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
        elif delivered and not gave_up and endpoint.failing_since is not None:
            Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
    return sum(len(ids) for ids in delivered.values())


def deliver_endpoint(endpoint_id: int, *, max_seconds: float = 50.0) -> int:
    """Send what is due for one endpoint, batch by batch, until nothing is due or `max_seconds`
    passed (the periodic run continues). Returns how many were delivered."""
    delivered = 0
    started = time.monotonic()
    with advisory_lock(endpoint_id) as got:
        if not got:
            return 0
        sender = Sender()
        try:
            delivered = _send_due(sender, endpoint_id, started, max_seconds)
        finally:
            sender.close()
    return delivered


def _send_due(sender: Sender, endpoint_id: int, started: float, max_seconds: float) -> int:
    delivered = 0
    while time.monotonic() - started < max_seconds:
        endpoint = Endpoint.objects.filter(pk=endpoint_id, active=True).first()
        heads = list(due_heads(endpoint_id, timezone.now())[:BATCH]) if endpoint else []
        if not heads:
            break
        results = send_batch(sender, endpoint, heads)
        delivered += record_attempts(endpoint, heads, results, timezone.now())
        if any(status is None for status, _ in results):
            break  # unreachable: the backoff decides when to try again
    return delivered


def endpoints_due(now: dt.datetime | None = None) -> list[int]:
    """Active endpoints with a delivery due now (the periodic sender's work list)."""
    now = now or timezone.now()
    return sorted(set(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now, endpoint__active=True)
        .values_list("endpoint_id", flat=True).distinct()
    ))
