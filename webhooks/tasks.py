"""Celery tasks for webhooks: thin wrappers over webhooks/delivery.py, safe to run twice (a
second sender of the same endpoint finds it locked and stops; a resent request carries the same
event id)."""

from telesales.celery import job


@job("webhooks.deliver_endpoint", idempotent=True)
def deliver_endpoint(endpoint_id: int) -> int:
    """Queued after a commit that published events for this endpoint."""
    from webhooks import delivery

    return delivery.deliver_endpoint(endpoint_id)


@job("webhooks.deliver_due", idempotent=True)
def deliver_due() -> int:
    """Periodic: queue a sender for every endpoint with a delivery (a retry) due."""
    from webhooks import delivery

    endpoints = delivery.endpoints_due()
    for endpoint_id in endpoints:
        deliver_endpoint.delay(endpoint_id)
    return len(endpoints)
