"""Writes for notifications: `notify` (called by other apps' services inside their transaction,
so a rolled-back change notifies nobody), the set-based `notify_reminders` for the beat checks,
reading, and preferences. Mail is queued after commit (notifications/mail.py sends it)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from notifications import kinds, tasks
from notifications.models import Kind, Notification, Preference
from notifications.selectors import in_quiet_hours, notification_for, preferences_of
from telesales.errors import DomainError

COLUMNS = "recipient_id, kind, object_id, occurrence, params, url, count, created_at, updated_at, raised_at"
CHUNK = 500


def _ids(recipient) -> list[int]:
    if recipient is None:
        return []
    if isinstance(recipient, Iterable) and not isinstance(recipient, str):
        return sorted({getattr(r, "pk", r) for r in recipient if r is not None})
    return [getattr(recipient, "pk", recipient)]


def notify(*, recipient, kind: str, obj, params: dict | None = None, occurrence: dt.datetime | None = None) -> list[int]:
    """Tell `recipient` (a user, an id or several) about `obj`. Call it inside the caller's
    transaction. An event repeated within its kind's window is merged into the unread row
    (count + 1); later it is raised again as unread. Returns the ids raised (new or again)."""
    spec = kinds.SPECS[kind]
    prefs = preferences_of(_ids(recipient))
    wanted = [uid for uid, pref in prefs.items() if kind not in pref.muted]
    if not wanted:
        return []
    values = spec.params(obj) | (params or {})
    url = kinds.url_for(kind, obj)
    rows = [(uid, obj.pk, occurrence, values, url) for uid in wanted]
    return _write(kind, rows, prefs, merge_within=None if occurrence else spec.window)


def notify_reminders(*, kind: str, rows: list[tuple[int, int, dt.datetime, dict, str]], portable: bool = False) -> list[int]:
    """Beat checks: (recipient id, object id, occurrence, params, url) rows, each sent once per
    occurrence; a row another run inserted first is skipped by the unique constraint."""
    if not rows:
        return []
    prefs = preferences_of({r[0] for r in rows})
    rows = [r for r in rows if kind not in prefs[r[0]].muted]
    return _write(kind, rows, prefs, merge_within=None, portable=portable)


def notify_events(*, kind: str, rows: list[tuple[int, int, dict, str]], portable: bool = False) -> list[int]:
    """`notify` for many records at once: (recipient id, object id, params, url) rows, merged
    with a repeat within the kind's window like `notify`, in one statement (see `_write`)."""
    if not rows:
        return []
    prefs = preferences_of({r[0] for r in rows})
    once = {(uid, object_id): (uid, object_id, None, values, url) for uid, object_id, values, url in rows}
    rows = [row for row in once.values() if kind not in prefs[row[0]].muted]  # one row per conflict key
    return _write(kind, rows, prefs, merge_within=kinds.SPECS[kind].window, portable=portable)


def _write(kind: str, rows: list, prefs: dict, *, merge_within: dt.timedelta | None, portable: bool = False) -> list[int]:
    """INSERT … ON CONFLICT: reminders DO NOTHING, events merge into the existing row; only rows
    raised here come back, and are mailed after commit. PostgreSQL: one INSERT … SELECT FROM
    unnest(arrays) for all rows; elsewhere (and `portable`, its tested twin) VALUES in chunks of 500."""
    ops = connection.ops
    table = ops.quote_name(Notification._meta.db_table)
    now = timezone.now()
    stamp = ops.adapt_datetimefield_value(now)
    if merge_within is None:
        conflict = "(recipient_id, kind, object_id, occurrence) WHERE occurrence IS NOT NULL DO NOTHING RETURNING id, recipient_id"
        tail: list = []
    else:
        recent = f"{table}.raised_at >= %s"
        conflict = (
            "(recipient_id, kind, object_id) WHERE occurrence IS NULL DO UPDATE SET "
            f"params = EXCLUDED.params, url = EXCLUDED.url, raised_at = EXCLUDED.raised_at, "
            f"updated_at = EXCLUDED.updated_at, count = CASE WHEN {recent} THEN {table}.count + 1 ELSE 1 END, "
            f"read_at = CASE WHEN {recent} THEN {table}.read_at ELSE NULL END, "
            f"created_at = CASE WHEN {recent} THEN {table}.created_at ELSE EXCLUDED.created_at END "
            f"RETURNING id, recipient_id, created_at = raised_at"
        )
        tail = [ops.adapt_datetimefield_value(now - merge_within)] * 3
    raised: list[tuple[int, int]] = []
    one_statement = connection.vendor == "postgresql" and not portable
    with transaction.atomic(), connection.cursor() as cursor:
        if one_statement:
            cursor.execute(
                f"INSERT INTO {table} ({COLUMNS}) SELECT r, %s, o, oc, p::jsonb, u, 1, %s, %s, %s "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::timestamptz[], %s::text[], %s::text[]) AS x(r, o, oc, p, u) "
                f"ON CONFLICT {conflict}",
                [kind, stamp, stamp, stamp, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                 [json.dumps(r[3]) for r in rows], [r[4] for r in rows]] + tail)
            raised += [(row[0], row[1]) for row in cursor.fetchall() if len(row) == 2 or row[2]]
        for i in range(0, 0 if one_statement else len(rows), CHUNK):
            chunk = rows[i : i + CHUNK]
            params: list = []
            for uid, object_id, occurrence, values, url in chunk:
                params += [uid, kind, object_id, ops.adapt_datetimefield_value(occurrence),
                           ops.adapt_json_value(values, None), url, 1, stamp, stamp, stamp]
            placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({COLUMNS}) VALUES {placeholders} ON CONFLICT {conflict}",
                           params + tail)
            raised += [(row[0], row[1]) for row in cursor.fetchall() if len(row) == 2 or row[2]]
    queued = [nid for nid, uid in raised if kind in prefs[uid].email and not in_quiet_hours(prefs[uid], now)]
    if queued:  # after commit: a rolled-back change mails nobody
        transaction.on_commit(lambda: [tasks.send_email.delay(nid) for nid in queued])
    return [nid for nid, _uid in raised]


def mark_read(*, actor, notification_id: int) -> Notification:
    """The reader marks one of their notifications read (again is harmless)."""
    note = notification_for(actor=actor, notification_id=notification_id)
    if note.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=now, updated_at=now)
        note.read_at = note.updated_at = now
    return note


def mark_all_read(*, actor, kind: str | None = None) -> int:
    """Mark every unread notification of the reader read (of one kind, when given)."""
    if kind is not None and kind not in Kind.values:
        raise DomainError(gettext("Choose a kind of notification."))
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    now = timezone.now()
    return qs.update(read_at=now, updated_at=now)


def save_preferences(*, actor, muted: list[str], email: list[str], daily_digest: bool,
                     quiet_start: dt.time | None, quiet_end: dt.time | None, language: str = "") -> Preference:
    """The reader's choices: kinds muted, kinds mailed at once, the digest, quiet hours."""
    unknown = sorted((set(muted) | set(email)) - set(Kind.values))
    if unknown:
        raise DomainError(gettext("Unknown kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    if (quiet_start is None) != (quiet_end is None):
        raise DomainError(gettext("Give both ends of the quiet hours, or neither."))
    if quiet_start is not None and quiet_start == quiet_end:
        raise DomainError(gettext("Quiet hours must start and end at different times."))
    pref, _created = Preference.objects.update_or_create(user=actor, defaults={
        "muted": sorted(set(muted)), "email": sorted(set(email)), "daily_digest": daily_digest,
        "quiet_start": quiet_start, "quiet_end": quiet_end, "language": language[:10],
    })
    return pref
