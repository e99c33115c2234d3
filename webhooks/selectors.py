"""Reads for webhooks, scoped through accounts/access.py: only those who manage webhooks see
endpoints and deliveries at all."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext

from accounts.access import can_manage_webhooks
from accounts.models import User
from telesales.errors import first_or_not_found
from webhooks.models import Delivery, Endpoint, EndpointChange


def endpoints_visible_to(user: User) -> QuerySet[Endpoint]:
    qs = Endpoint.objects.select_related("created_by").order_by("pk")
    return qs if can_manage_webhooks(user) else qs.none()


def endpoint_for(*, actor: User, endpoint_id: int) -> Endpoint:
    return first_or_not_found(endpoints_visible_to(actor).filter(pk=endpoint_id), gettext("Webhook endpoint not found."))


def deliveries_of(*, actor: User, endpoint_id: int) -> QuerySet[Delivery]:
    """The endpoint's delivery log, newest first."""
    endpoint = endpoint_for(actor=actor, endpoint_id=endpoint_id)
    return Delivery.objects.filter(endpoint=endpoint).select_related("event", "resent_by").order_by("-pk")


def deliveries_visible_to(user: User) -> QuerySet[Delivery]:
    qs = Delivery.objects.select_related("event", "resent_by").order_by("-pk")
    return qs if can_manage_webhooks(user) else qs.none()


def changes_of(*, actor: User, endpoint_id: int) -> QuerySet[EndpointChange]:
    endpoint = endpoint_for(actor=actor, endpoint_id=endpoint_id)
    return EndpointChange.objects.filter(endpoint=endpoint).select_related("actor")
