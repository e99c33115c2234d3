"""Webhook endpoints, the events published for them, one delivery per (event, endpoint), and the
audit of every change an admin makes to an endpoint."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Endpoint(models.Model):
    """A URL an admin registered, the secret its deliveries are signed with, the event types it
    receives. `failing_since`: a delivery to it was given up after the retry window; cleared by
    the next successful delivery."""

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=128)
    event_types = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class EndpointChange(models.Model):
    """Audit row of every admin write on an endpoint, written in the same transaction."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        RESEND = "resend", _("Resent a delivery")

    endpoint = models.ForeignKey(Endpoint, null=True, on_delete=models.SET_NULL, related_name="changes")
    endpoint_name = models.CharField(max_length=100)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint change")
        verbose_name_plural = _("webhook endpoint changes")
        ordering = ["-at", "-id"]


class PendingEvent(models.Model):
    """What a service published, written in its transaction: the event type, the objects' ids and
    the endpoints that receive it. After the commit the fan-out (webhooks/fanout.py) turns it
    into one Event per object and one Delivery per endpoint, in id order, and deletes it."""

    type = models.CharField(max_length=40)
    object_ids = models.JSONField()
    endpoint_ids = models.JSONField()
    actor_id = models.BigIntegerField(null=True)
    occurred_at = models.DateTimeField()

    class Meta:
        verbose_name = _("pending webhook event")
        verbose_name_plural = _("pending webhook events")


class Event(models.Model):
    """What happened, with the object as it was when the fan-out read it, right after the commit.
    The id is the stable event id receivers de-duplicate on; a retry or a resend sends the same id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=40)
    object_type = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    actor_id = models.BigIntegerField(null=True)
    occurred_at = models.DateTimeField()
    payload = models.JSONField()

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        indexes = [models.Index(fields=["occurred_at"], name="webhook_event_at")]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Given up")


class Delivery(models.Model):
    """One event to one endpoint. Sent in id order per (endpoint, object): a later delivery for the
    same object waits while an earlier one is pending."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    object_key = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    resent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [
            # The sender's queue: pending deliveries of an endpoint, per object, in order.
            models.Index(fields=["endpoint", "object_key", "id"], name="webhook_pending_queue",
                         condition=models.Q(status="pending")),
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_log"),
        ]
