"""The call timeline of a lead (newest first), read and formatted in one pass.

A lead page shows up to 50 calls. Read as model instances and formatted cell by cell through
template filters and lazy labels, they cost more than the query behind them; here one query
reads just the columns shown and each row becomes its table row once (escaped by
format_html), in the reader's language and time zone."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import get_language

from calls.models import Call, Channel
from calls.templatetags.calls_tags import mmss
from telesales.i18n import pick
from telesales.prepared import Prepared

NOTES_CHARS = 120
_COLUMNS = ("pk", "started_at", "channel", "duration_seconds", "premium", "margin_rate", "quote_amount", "notes",
            "disposition_id", "disposition__name", "disposition__name_i18n", "rep__full_name", "rep__first_name",
            "rep__last_name", "rep__username")
_ROW = ('<tr id="call-{}"{}><td>{}</td><td>{}</td><td>{}</td><td><span class="badge">{}</span></td>'
        '<td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>')
_JUST_LOGGED = SafeString(' class="just-logged"')


@dataclass(slots=True)
class TimelineRow:
    pk: int
    html: SafeString


def _amount(premium, margin_rate, quote_amount) -> str:
    """Premium (· margin rate) of a sale, else the quoted amount, else nothing."""
    if premium is not None:
        return f"{premium:f}" + (f" · {margin_rate:f}" if margin_rate is not None else "")
    return f"{quote_amount:f}" if quote_amount is not None else ""


_TIMELINES: dict[int, Prepared] = {}


def _timeline(limit: int) -> Prepared:
    """The timeline read for `limit` rows (a constant of its page), compiled once (telesales/prepared.py)."""
    if limit not in _TIMELINES:
        _TIMELINES[limit] = Prepared(lambda lead_id: Call.objects.filter(lead_id=lead_id)
                                     .order_by("-started_at", "-id").values_list(*_COLUMNS)[:limit])
    return _TIMELINES[limit]


def lead_timeline_rows(lead_id: int, *, limit: int, saved_pk: int | None = None) -> list[TimelineRow]:
    """The lead's `limit` latest calls as rows of calls/_follow_ups_and_timeline.html (one query);
    the call `saved_pk` (just logged) is marked."""
    channels = {value: str(label) for value, label in Channel.choices}
    language = get_language()
    outcomes: dict[int, str] = {}
    rows = []
    calls = _timeline(limit)(lead_id)
    for (pk, started_at, channel, seconds, premium, margin_rate, quote_amount, notes, disposition_id, name,
         name_i18n, full_name, first_name, last_name, username) in calls:
        if disposition_id not in outcomes:
            outcomes[disposition_id] = pick(name, name_i18n, language)
        rep = full_name or f"{first_name} {last_name}".strip() or username
        rows.append(TimelineRow(pk=pk, html=format_html(
            _ROW, pk, _JUST_LOGGED if pk == saved_pk else "",
            timezone.localtime(started_at).strftime("%Y-%m-%d %H:%M"), rep, channels.get(channel, channel),
            outcomes[disposition_id], mmss(seconds), _amount(premium, margin_rate, quote_amount),
            Truncator(notes).chars(NOTES_CHARS) if notes else "",
        )))
    return rows
