"""Celery tasks for webhooks: thin wrappers over webhooks/delivery.py, safe to run twice (a
second sender of the same endpoint finds it locked and stops; a resent request carries the same
event id)."""

from telesales.celery import job


@job("webhooks.deliver_endpoint", idempotent=True)
def deliver_endpoint(endpoint_id: int) -> int:
    """Queued after a commit that published events for this endpoint."""
    from webhooks import delivery

    return delivery.deliver_endpoint(endpoint_id)


@job("webhooks.fan_out", idempotent=True)
def fan_out() -> int:
    """Queued after a commit that published events: events and deliveries, then the senders."""
    from webhooks import fanout

    endpoints = sorted(fanout.fan_out())
    for endpoint_id in endpoints:
        deliver_endpoint.delay(endpoint_id)
    return len(endpoints)


@job("webhooks.deliver_due", idempotent=True)
def deliver_due() -> int:
    """Periodic: fan out what a lost task left pending, then queue a sender for every endpoint
    with a delivery (a retry) due."""
    from webhooks import delivery, fanout

    fanout.fan_out()
    endpoints = delivery.endpoints_due()
    for endpoint_id in endpoints:
        deliver_endpoint.delay(endpoint_id)
    return len(endpoints)
