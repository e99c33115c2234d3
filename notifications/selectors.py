"""Reads: a user sees only their own notifications (admins included: they are personal)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from notifications.models import Kind, Notification, Preference
from telesales.errors import first_or_not_found


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications, newest change first."""
    return Notification.objects.filter(recipient_id=user.pk).order_by("-updated_at", "-id")


def notification_for(*, actor, notification_id: int) -> Notification:
    return first_or_not_found(notifications_for(actor).filter(pk=notification_id), gettext("Notification not found."))


UNREAD_SQL = f"SELECT count(*) FROM {Notification._meta.db_table} WHERE recipient_id = %s AND read_at IS NULL"


def unread_count(user) -> int:
    """One indexed count (the partial index on unread rows). The bell polls it on every open page,
    so the statement is written once here rather than compiled by the ORM on each request (that
    compilation was a fifth of the request's CPU time); plain SQL, the same on every database."""
    with connection.cursor() as cursor:
        cursor.execute(UNREAD_SQL, [user.pk])
        return cursor.fetchone()[0]


def upcoming_follow_ups(user, *, limit: int = 10) -> list[Notification]:
    """Unread follow-up reminders, for the desktop pop-up the page raises at the due time."""
    return list(notifications_for(user).filter(kind=Kind.FOLLOW_UP_DUE, read_at__isnull=True)
                .order_by("occurrence", "id")[:limit])


def preference(user) -> Preference:
    """The user's preferences; the defaults (everything in the app, no mail) when never saved."""
    return preferences_of([user.pk])[user.pk]


def preferences_of(user_ids: Iterable[int]) -> dict[int, Preference]:
    """{user id: preferences} in one query, defaults for users who never saved theirs."""
    ids = list(user_ids)
    found = {p.user_id: p for p in Preference.objects.filter(user_id__in=ids)} if ids else {}
    return {uid: found.get(uid) or Preference(user_id=uid) for uid in ids}


def in_quiet_hours(pref: Preference, now: dt.datetime | None = None) -> bool:
    """Inside the user's quiet hours (local time; a span may cross midnight)."""
    if pref.quiet_start is None or pref.quiet_end is None:
        return False
    t = timezone.localtime(now or timezone.now()).time()
    start, end = pref.quiet_start, pref.quiet_end
    return start <= t < end if start < end else (t >= start or t < end)
