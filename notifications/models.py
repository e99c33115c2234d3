"""Notifications: one row per (recipient, kind, object) event, merged while it repeats, or per
(recipient, kind, object, occurrence) reminder, sent once. The text is rendered when read, in
the reader's language, from the kind and its parameters (notifications/kinds.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
    LEAD_RETURNING = "lead_returning", _("Lead returning to the pool")
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
    LEAD_REASSIGNED = "lead_reassigned", _("Lead assigned to you")
    QA_REVIEW_COMPLETE = "qa_review_complete", _("QA review complete")
    CHECK_IN_DUE = "check_in_due", _("Check-in due")
    TARGET_ALERT = "target_alert", _("Target alert")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # The record it is about (a follow-up, lead, appeal, sampled call, plan or alert, by kind).
    object_id = models.BigIntegerField()
    # Reminders: the due time they remind of (sent once per occurrence); events: empty (merged).
    occurrence = models.DateTimeField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()  # any change, read included: the API's pull cursor
    raised_at = models.DateTimeField()  # the last time the event happened (merging window)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "object_id"], condition=Q(occurrence__isnull=True),
                                    name="notification_event_once"),
            models.UniqueConstraint(fields=["recipient", "kind", "object_id", "occurrence"],
                                    condition=Q(occurrence__isnull=False), name="notification_reminder_once"),
            models.CheckConstraint(condition=Q(count__gte=1), name="notification_count_positive"),
        ]
        indexes = [
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(fields=["recipient", "updated_at", "id"], name="notification_recent"),
        ]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """What a user receives: kinds muted in the app, kinds mailed at once, the daily digest and
    quiet hours (local time; no mail and no desktop pop-up inside them)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="notification_preference")
    muted = models.JSONField(default=list, blank=True)
    email = models.JSONField(default=list, blank=True)
    daily_digest = models.BooleanField(default=False)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    # The language mail is written in: the one the user last saved these preferences in.
    language = models.CharField(max_length=10, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")


class Digest(models.Model):
    """One daily digest per user and local day; the row decides that it is sent once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]
