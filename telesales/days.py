"""Local calendar days: the one place that turns instants into days and days into instants.

A day is a calendar day in settings.TIME_ZONE (the company's zone), whatever zone a request
runs in: the KPI facts, the call plan and the QA weeks all count the same days."""

import datetime as dt

from django.utils import timezone


def local_day(when: dt.datetime) -> dt.date:
    """The local calendar day of an instant."""
    return timezone.localtime(when, timezone.get_default_timezone()).date()


def local_midnight(day: dt.date) -> dt.datetime:
    """The instant a local calendar day begins."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def day_bounds(first: dt.date, days: int = 1) -> tuple[dt.datetime, dt.datetime]:
    """The instants [start, end) of `days` local calendar days from `first` (DST-safe: each
    bound is a local midnight)."""
    return local_midnight(first), local_midnight(first + dt.timedelta(days=days))
