"""Target-alert e-mail to a team's managers, sent by Celery after the alert commits. A mail
server that refuses is logged with its traceback and the task is retried with backoff (up to 8
times), never silent; the alert itself is in the app either way."""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db.utils import InterfaceError, OperationalError

from telesales.celery import job

logger = logging.getLogger(__name__)
RETRY_ON = (OperationalError, InterfaceError, SMTPException, OSError)


@job("targets.send_alert_mail", idempotent=True, autoretry_for=RETRY_ON, max_retries=8)
def send_alert_mail(alert_id: int, subject: str, body: str, emails: list[str]) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails)
    except Exception:
        logger.exception("alert %s: the e-mail to %s manager(s) could not be sent; it will be retried",
                         alert_id, len(emails))
        raise
