"""The call timeline of a lead as display rows, formatted once in Python.

A lead page shows up to 50 calls; formatting each cell through template filters and lazy
labels cost more than the query behind them. Each row carries the text of its cells (the
template still escapes it), in the reader's language and time zone."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import Truncator

from calls.models import Call, Channel
from calls.templatetags.calls_tags import mmss

NOTES_CHARS = 120


@dataclass(slots=True)
class TimelineRow:
    pk: int
    when: str
    rep: str
    channel: str
    outcome: str
    duration: str
    amount: str
    notes: str


def _amount(call: Call) -> str:
    """Premium (· margin rate) of a sale, else the quoted amount, else nothing."""
    if call.premium is not None:
        return f"{call.premium:f}" + (f" · {call.margin_rate:f}" if call.margin_rate is not None else "")
    return f"{call.quote_amount:f}" if call.quote_amount is not None else ""


def timeline_rows(calls: list[Call]) -> list[TimelineRow]:
    """Rows for calls/_follow_ups_and_timeline.html (calls with their rep and disposition)."""
    channels = {value: str(label) for value, label in Channel.choices}
    outcomes: dict[int, str] = {}
    rows = []
    for call in calls:
        if call.disposition_id not in outcomes:
            outcomes[call.disposition_id] = str(call.disposition)
        rows.append(TimelineRow(
            pk=call.pk, when=timezone.localtime(call.started_at).strftime("%Y-%m-%d %H:%M"),
            rep=call.rep.display_name, channel=channels.get(call.channel, call.channel),
            outcome=outcomes[call.disposition_id], duration=mmss(call.duration_seconds), amount=_amount(call),
            notes=Truncator(call.notes).chars(NOTES_CHARS) if call.notes else "",
        ))
    return rows
