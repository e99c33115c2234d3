"""E-mail through Django's mail framework: one notification at once, or the daily digest. A
failure is logged and raised again, so the Celery task retries it (notifications/tasks.py)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from notifications import kinds
from notifications.models import Digest, Notification, Preference
from notifications.selectors import in_quiet_hours, preference

logger = logging.getLogger(__name__)


def _send(user, subject: str, lines: list[str]) -> None:
    try:
        send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception:
        logger.exception("notification mail to user %s could not be sent; it will be retried", user.pk)
        raise


def send_notification_email(*, notification_id: int) -> bool:
    """Mail one notification to its recipient, once (`emailed_at` records it). False when there
    is nothing to send: already sent, read meanwhile, no address, or no longer chosen."""
    with transaction.atomic():
        note = (Notification.objects.select_for_update(of=("self",)).select_related("recipient")
                .filter(pk=notification_id, emailed_at__isnull=True, read_at__isnull=True).first())
        if note is None or not note.recipient.email or not note.recipient.is_active:
            return False
        pref = preference(note.recipient)
        if note.kind not in pref.email or in_quiet_hours(pref):
            return False
        with translation.override(pref.language or settings.LANGUAGE_CODE):
            subject = "[CRM] " + kinds.label(note.kind)
            _send(note.recipient, subject, [kinds.text(note.kind, note.params), note.url])
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    return True


def send_digest(*, digest_id: int) -> bool:
    """The daily digest: unread notifications of the last day (due today, returning soon,
    alerts …). Sent once: the digest row is locked and marked sent in the same transaction."""
    with transaction.atomic():
        digest = (Digest.objects.select_for_update(of=("self",)).select_related("user")
                  .filter(pk=digest_id, sent_at__isnull=True).first())
        if digest is None:
            return False
        user = digest.user
        since = timezone.now() - dt.timedelta(days=1)
        notes = list(Notification.objects.filter(recipient=user, read_at__isnull=True, updated_at__gte=since)
                     .order_by("kind", "-updated_at")[:100])
        if notes and user.email and user.is_active:
            with translation.override(preference(user).language or settings.LANGUAGE_CODE):
                lines = [f"- {kinds.label(n.kind)}: {kinds.text(n.kind, n.params)} {n.url}" for n in notes]
                _send(user, "[CRM] " + gettext("Your day: %(count)s notifications") % {"count": len(notes)}, lines)
        Digest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
    return True


def open_digests(*, day: dt.date | None = None) -> list[int]:
    """Create today's digest rows for users who chose the digest (a second run adds none) and
    return the ids still unsent."""
    day = day or timezone.localdate()
    users = Preference.objects.filter(daily_digest=True).values_list("user_id", flat=True)
    Digest.objects.bulk_create([Digest(user_id=uid, day=day) for uid in users], ignore_conflicts=True)
    return list(Digest.objects.filter(day=day, sent_at__isnull=True).values_list("pk", flat=True))
