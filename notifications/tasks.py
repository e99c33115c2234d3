"""Mail jobs: each is safe to run twice (a sent mail or digest is marked in its row). A mail
server that refuses is logged by notifications/mail.py and retried here with backoff."""

from smtplib import SMTPException

from django.db.utils import InterfaceError, OperationalError

from notifications import mail
from telesales.celery import job

RETRY_ON = (OperationalError, InterfaceError, SMTPException, OSError)


@job("notifications.send_email", idempotent=True, autoretry_for=RETRY_ON, max_retries=8)
def send_email(notification_id: int) -> bool:
    return mail.send_notification_email(notification_id=notification_id)


@job("notifications.send_digest", idempotent=True, autoretry_for=RETRY_ON, max_retries=8)
def send_digest(digest_id: int) -> bool:
    return mail.send_digest(digest_id=digest_id)


@job("notifications.send_digests", idempotent=True)
def send_digests() -> int:
    """Daily: queue one digest per user who chose it (once a day, by the digest row)."""
    ids = mail.open_digests()
    for digest_id in ids:
        send_digest.delay(digest_id)
    return len(ids)
