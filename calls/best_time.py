"""Follow-ups at the hours the customer answers: the lead's best hours to call (the nightly contact
model's, `LeadScore.best_hours`, read through the lead's `score` relation: calls may not import
scoring), kept within the team's calling hours.

A rep who types a day without a time ("tomorrow", "明天", "2026-03-12") or "best" / "最佳" (the next
good slot) gets the customer's best hour that day; the call form shows the suggestion; the API
takes `next_follow_up_on` (a day). Without best hours the day starts at the calling hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

DAYS_AHEAD = 7  # "best": the next slot within a week


@dataclass(frozen=True)
class OnDay:
    """A follow-up day without a time (`day` None: the next good slot from now)."""

    day: dt.date | None = None


def best_hours_of(lead) -> list[int]:
    """The lead's best hours to call, best first ([] when it has no score)."""
    score = getattr(lead, "score", None)
    return [int(h) for h in (score.best_hours if score is not None else []) or []]


def calling_window(team) -> tuple[dt.time, dt.time]:
    if team is None:
        return dt.time(0, 0), dt.time(23, 59, 59)
    start, end = team.calling_hours_start, team.calling_hours_end
    if isinstance(start, str):  # unsaved defaults
        start, end = dt.time.fromisoformat(start), dt.time.fromisoformat(end)
    return start, end


def slot_times(lead, team) -> list[dt.time]:
    """The times a follow-up may be put at, best first: the best hours inside the calling hours,
    else the start of the calling hours."""
    start, end = calling_window(team)
    hours = [dt.time(h) for h in best_hours_of(lead) if start <= dt.time(h) < end]
    return hours or [start]


def best_slot(lead, team, *, now: dt.datetime | None = None, day: dt.date | None = None) -> dt.datetime:
    """On `day`, the best of the lead's slots (still ahead, if that day is today); without `day`,
    the first day from today with a slot ahead, at its best slot."""
    now = now or timezone.now()
    times = slot_times(lead, team)
    today = timezone.localdate(now)
    days = [day] if day is not None else [today + dt.timedelta(days=n) for n in range(DAYS_AHEAD + 1)]
    for on in days:
        for at in times:
            when = timezone.make_aware(dt.datetime.combine(on, at))
            if when > now:
                return when
    return timezone.make_aware(dt.datetime.combine(days[0], times[0]))  # a day in the past: the caller refuses it


def resolve(value, lead, team, *, now: dt.datetime | None = None):
    """A typed follow-up time as a moment: an OnDay at the lead's best slot, anything else as is."""
    if isinstance(value, OnDay):
        return best_slot(lead, team, now=now, day=value.day)
    return value


def suggestion(lead, team, *, now: dt.datetime | None = None) -> dict | None:
    """What the call form offers: the lead's best hours (within calling hours) and the next slot at
    one of them, as the text the follow-up field takes; None when the lead has no best hours."""
    if not best_hours_of(lead):
        return None
    now = now or timezone.now()
    start, end = calling_window(team)
    when = timezone.localtime(best_slot(lead, team, now=now))
    hours = [h for h in best_hours_of(lead) if start <= dt.time(h) < end]
    return {"hours": hours, "at": when, "text": f"{when:%Y-%m-%d %H:%M}",
            "tomorrow": when.date() == timezone.localdate(now) + dt.timedelta(days=1),
            "today": when.date() == timezone.localdate(now)}
