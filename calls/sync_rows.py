"""Shape checks of one dialer record before the sync touches the database.

Everything that PostgreSQL or the JSON renderer would refuse (NUL characters, lone surrogates,
over-long text, wrong JSON types, dates outside 2000…tomorrow, links that are not http(s)) is a
per-row error here, so one bad row can never fail the batch or leave it half-written."""

import datetime as dt
import re
import time
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from calls.models import Channel
from calls.services import check_recording_url
from telesales.errors import DomainError

CHANNELS = frozenset(Channel.values)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_LATEST = [0.0, EARLIEST]
# NUL cannot be stored by PostgreSQL; a lone surrogate cannot be encoded as UTF-8.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _latest() -> dt.datetime:
    """Now + 1 day, recomputed at most once a second (checked for every row)."""
    tick = time.monotonic()
    # abs(): a test's time travel can move the clock back, and a bound from the future must not stick.
    if abs(tick - _LATEST[0]) > 1:
        _LATEST[:] = [tick, timezone.now() + dt.timedelta(days=1)]
    return _LATEST[1]


class RowError(Exception):
    """A row the sync refuses, with the reason."""


@dataclass
class Row:
    index: int
    source: str
    external_id: str
    values: dict | None = None
    error: str | None = None
    code: str | None = None
    status: str | None = None
    call_id: int | None = None
    lead_phone: str | None = None
    lead_id: int | None = None
    phone: str | None = None
    rep_id: int | None = None
    disposition: object = None
    rejected_early: bool = False  # shape error, duplicate or recognised re-send: never retried
    digest: str | None = None  # of the row as sent (calls.sync_unchanged)
    known_new: bool = False  # no call held its key when the batch began (calls.sync_unchanged)

    def fail(self, message: str, code: str = "invalid") -> None:
        self.error, self.code, self.status = message, code, "error"

    def result(self) -> dict:
        return {"index": self.index, "source": self.source, "external_id": self.external_id,
                "status": self.status, "id": self.call_id, "code": self.code, "reason": self.error}


def text_value(value, name: str, max_len: int, *, required: bool = False) -> str:
    """A text field (a number is taken as its digits), stripped; "" when absent."""
    if value is None or value == "":
        if required:
            raise RowError(f"{name} is required.")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RowError(f"{name} must be text.")
    value = str(value).strip()
    if UNSTORABLE.search(value):
        raise RowError(f"{name} contains a NUL character or a lone surrogate.")
    if required and not value:
        raise RowError(f"{name} is required.")
    if len(value) > max_len:
        raise RowError(f"{name} is longer than {max_len} characters.")
    return value


def _text(raw: dict, name: str, max_len: int, *, required: bool = False) -> str:
    return text_value(raw.get(name), name, max_len, required=required)


def _int(raw: dict, name: str, *, default=None, low=0, high=2**31 - 1):
    value = raw.get(name, default)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise RowError(f"{name} must be a whole number.")
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise RowError(f"{name} must be a whole number.") from exc
    if number != value and not (isinstance(value, str) and value.strip().lstrip("-").isdigit()):
        raise RowError(f"{name} must be a whole number.")
    if not low <= number <= high:
        raise RowError(f"{name} must be between {low} and {high}.")
    return number


def _when(raw: dict, name: str) -> dt.datetime:
    if not isinstance(raw.get(name), str) or not raw[name]:
        raise RowError(f"{name} is required (ISO 8601, e.g. 2026-03-10T10:15:00+08:00).")
    value = _text(raw, name, 40)
    try:
        when = parse_datetime(value)
    except ValueError:
        when = None
    if when is None:
        raise RowError(f"{name} “{value}” is not an ISO 8601 date-time.")
    if timezone.is_naive(when):
        # A time without an offset would be guessed in the server's zone: refused instead.
        raise RowError(gettext("%(name)s “%(value)s” has no time zone offset; add one, e.g. "
                               "2026-03-10T10:15:00+08:00 or …Z for UTC.") % {"name": name, "value": value})
    if not EARLIEST <= when <= _latest():
        raise RowError(f"{name} must be between 2000 and now.")
    return when.astimezone(dt.UTC)


def _channel(raw: dict) -> str:
    channel = raw.get("channel")
    if channel is None or channel == "":
        return Channel.PHONE
    if not isinstance(channel, str) or channel not in CHANNELS:
        raise RowError(f"channel must be one of {', '.join(Channel.values)}.")
    return channel


def _recording_url(raw: dict) -> str:
    url = _text(raw, "recording_url", 500)
    try:
        check_recording_url(url)
    except DomainError as exc:
        raise RowError(exc.message) from exc
    return url


def _echo(value, max_len: int) -> str:
    """The row's key as sent, for the result; "" when it cannot be echoed back."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    text = str(value)[:max_len]
    return "" if UNSTORABLE.search(text) else text


def parse_row(index: int, raw) -> Row:
    """Shape checks that need no database."""
    if not isinstance(raw, dict):
        row = Row(index=index, source="", external_id="", rejected_early=True)
        row.fail("Each row must be an object.")
        return row
    row = Row(index=index, source=_echo(raw.get("source"), 50), external_id=_echo(raw.get("external_id"), 100))
    try:
        row.source = _text(raw, "source", 50, required=True)
        row.external_id = _text(raw, "external_id", 100, required=True)
        row.lead_id = _int(raw, "lead_id", low=1)
        phone = _text(raw, "phone", 40)
        if row.lead_id is None and not phone:
            raise RowError("Give lead_id or phone to match the lead.")
        row.phone = phone or None
        row.rep_id = _int(raw, "rep_id", low=1)
        row.values = {
            "channel": _channel(raw),
            "started_at": _when(raw, "started_at"),
            "duration_seconds": _int(raw, "duration_seconds", default=0, high=24 * 3600),
            "notes": _text(raw, "notes", 4000),
            "recording_url": _recording_url(raw),
            "premium": raw.get("premium"),
            "margin_rate": raw.get("margin_rate"),
            "quote_amount": raw.get("quote_amount"),
            "disposition": _text(raw, "disposition", 40, required=True),
        }
        for name in ("premium", "margin_rate", "quote_amount"):
            if isinstance(row.values[name], bool) or not isinstance(row.values[name], str | int | float | type(None)):
                raise RowError(f"{name} must be a number.")
    except RowError as exc:
        row.fail(str(exc))
        row.rejected_early = True
    return row
