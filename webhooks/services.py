"""Writes on webhook endpoints (admins): register, change, delete, resend a delivery. Each runs
in one transaction with its audit row (EndpointChange); the secret never enters the audit."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import can_manage_webhooks
from accounts.models import User
from telesales.errors import DomainError, NotFound, PermissionDenied
from telesales.events import EVENT_TYPES
from webhooks.addresses import check_url
from webhooks.models import Delivery, DeliveryStatus, Endpoint, EndpointChange
from webhooks.publishing import forget_subscriptions, queue_senders

FIELDS = ("name", "url", "secret", "event_types", "active")
MIN_SECRET = 16


def _require(actor: User) -> None:
    if not can_manage_webhooks(actor):
        raise PermissionDenied(gettext("Only admins manage webhooks."))


def _clean(field: str, value):
    """A field's value as stored, or DomainError naming the field."""
    def bad(message: str):
        return DomainError(message, details={field: [message]})

    if field == "name":
        value = (value or "").strip()
        if not value or len(value) > 100:
            raise bad(gettext("Give the endpoint a name of at most 100 characters."))
    elif field == "url":
        value = (value or "").strip()
        if len(value) > 500:
            raise bad(gettext("The URL is at most 500 characters."))
        check_url(value)
    elif field == "secret":
        value = value or secrets.token_urlsafe(32)
        if not MIN_SECRET <= len(value) <= 128:
            raise bad(gettext("The secret has 16 to 128 characters (leave it empty to have one made)."))
    elif field == "event_types":
        if not isinstance(value, list | tuple) or not value:
            raise bad(gettext("Choose at least one event type."))
        unknown = sorted({str(v) for v in value} - set(EVENT_TYPES))
        if unknown:
            raise bad(gettext("Unknown event type “%(type)s”.") % {"type": unknown[0]})
        value = sorted(set(value))
    elif field == "active":
        value = bool(value)
    return value


def _audited(endpoint: Endpoint, values: dict) -> dict:
    return {k: ("(changed)" if k == "secret" else v) for k, v in values.items()}


@transaction.atomic
def create_endpoint(*, actor: User, name: str, url: str, event_types: list[str], secret: str = "",
                    active: bool = True) -> Endpoint:
    """Register an endpoint; the URL is checked (https in production, public addresses only)."""
    _require(actor)
    values = {f: _clean(f, v) for f, v in
              {"name": name, "url": url, "secret": secret, "event_types": event_types, "active": active}.items()}
    endpoint = Endpoint.objects.create(created_by=actor, **values)
    EndpointChange.objects.create(endpoint=endpoint, endpoint_name=endpoint.name, actor=actor,
                                  action=EndpointChange.Action.CREATE, after=_audited(endpoint, values))
    forget_subscriptions()
    return endpoint


@transaction.atomic
def update_endpoint(*, actor: User, endpoint_id: int, **changes) -> Endpoint:
    """Change some of name, URL, secret, event types, active; audited with before and after."""
    _require(actor)
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise DomainError(gettext("“%(field)s” is not a field of an endpoint.") % {"field": unknown[0]})
    endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound(gettext("Webhook endpoint not found."))
    before, after = {}, {}
    for field, value in changes.items():
        if field == "secret" and not value:
            continue  # empty: keep the secret
        value = _clean(field, value)
        if getattr(endpoint, field) != value:
            before[field], after[field] = getattr(endpoint, field), value
            setattr(endpoint, field, value)
    if after:
        endpoint.save(update_fields=[*after, "updated_at"])
        EndpointChange.objects.create(endpoint=endpoint, endpoint_name=endpoint.name, actor=actor,
                                      action=EndpointChange.Action.UPDATE, before=_audited(endpoint, before),
                                      after=_audited(endpoint, after))
        forget_subscriptions()
        if after.get("active"):
            transaction.on_commit(lambda: queue_senders([endpoint.pk]))
    return endpoint


@transaction.atomic
def delete_endpoint(*, actor: User, endpoint_id: int) -> None:
    """Delete an endpoint with its delivery log; the audit row keeps its name."""
    _require(actor)
    endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound(gettext("Webhook endpoint not found."))
    EndpointChange.objects.create(endpoint=None, endpoint_name=endpoint.name, actor=actor,
                                  action=EndpointChange.Action.DELETE,
                                  before=_audited(endpoint, {f: getattr(endpoint, f) for f in FIELDS}))
    endpoint.delete()
    forget_subscriptions()


@transaction.atomic
def resend_delivery(*, actor: User, delivery_id: int) -> Delivery:
    """Send a delivery's event again (same event id) as a new delivery at the end of the queue."""
    _require(actor)
    original = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if original is None:
        raise NotFound(gettext("Delivery not found."))
    now = timezone.now()
    copy = Delivery.objects.create(endpoint=original.endpoint, event_id=original.event_id,
                                   object_key=original.object_key, status=DeliveryStatus.PENDING,
                                   next_attempt_at=now, created_at=now, resent_by=actor)
    EndpointChange.objects.create(endpoint=original.endpoint, endpoint_name=original.endpoint.name, actor=actor,
                                  action=EndpointChange.Action.RESEND,
                                  after={"delivery": original.pk, "resent_as": copy.pk, "event": str(original.event_id)})
    transaction.on_commit(lambda: queue_senders([original.endpoint_id]))
    return copy
