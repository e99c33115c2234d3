"""Writes of the funnel: the daily funnel snapshots (funnel.models), which the as-of counts start
from (funnel.selectors.snapshots). Run by the beat job funnel.tasks.take_funnel_snapshots."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from funnel.models import FunnelSnapshot, FunnelSnapshotCount
from funnel.selectors import as_of_moment, funnel_counts_by_owner
from leads.models import GradeChange, Lead, OwnershipEvent
from telesales.days import local_day


def _marks() -> tuple[int, int, int]:
    """The highest ids of the grade history, the ownership history and the leads."""
    return (GradeChange.objects.aggregate(m=Max("id"))["m"] or 0,
            OwnershipEvent.objects.aggregate(m=Max("id"))["m"] or 0,
            Lead.objects.aggregate(m=Max("id"))["m"] or 0)


def _drop_stale(marks: tuple[int, int, int]) -> int:
    """Delete the snapshots that rows inserted since the newest snapshot (up to `marks`) change:
    rows dated at or before their moment. Returns how many were deleted."""
    newest = FunnelSnapshot.objects.order_by("-taken_at", "-id").first()
    if newest is None:
        return 0
    gc_mark, oe_mark, lead_mark = marks
    earliest = [
        GradeChange.objects.filter(id__gt=newest.grade_change_mark, id__lte=gc_mark).aggregate(t=Min("changed_at"))["t"],
        OwnershipEvent.objects.filter(id__gt=newest.ownership_mark, id__lte=oe_mark).aggregate(t=Min("at"))["t"],
        Lead.objects.filter(id__gt=newest.lead_mark, id__lte=lead_mark).aggregate(t=Min("created_at"))["t"],
    ]
    late = [t for t in earliest if t is not None]
    if not late:
        return 0
    return FunnelSnapshot.objects.filter(moment__gte=min(late)).delete()[1].get("funnel.FunnelSnapshot", 0)


def take_snapshots(*, days: int | None = None, until: dt.date | None = None) -> list[dt.date]:
    """Snapshot the funnel of every owner at the end of each of the `days` local days up to
    `until` (default: yesterday) that has no snapshot yet, oldest first, each from the nearest one
    before it; first delete the snapshots that late rows made stale. Safe to run twice. Returns
    the days snapshotted.

    One REPEATABLE READ transaction: the marks and the counts are read from the same state of
    the database, so a row is either counted in a snapshot or above its marks."""
    days = settings.FUNNEL_SNAPSHOT_DAYS if days is None else days
    until = until or local_day(timezone.now()) - dt.timedelta(days=1)
    taken = []
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        marks = _marks()
        _drop_stale(marks)
        wanted = [until - dt.timedelta(days=i) for i in range(days - 1, -1, -1)]
        have = set(FunnelSnapshot.objects.filter(moment__in=[as_of_moment(d) for d in wanted if as_of_moment(d)])
                   .values_list("moment", flat=True))
        now = timezone.now()
        for day in wanted:
            moment = as_of_moment(day)
            if moment is None or moment in have:
                continue
            counts = funnel_counts_by_owner(None, moment)
            snapshot = FunnelSnapshot.objects.create(moment=moment, grade_change_mark=marks[0], ownership_mark=marks[1],
                                                     lead_mark=marks[2], taken_at=now)
            FunnelSnapshotCount.objects.bulk_create(_count_rows(snapshot, counts))
            taken.append(day)
    return taken


def _count_rows(snapshot: FunnelSnapshot, counts: dict[int, dict[str, int]]) -> list[FunnelSnapshotCount]:
    rows = []
    for owner_id, by_key in counts.items():
        for key, n in by_key.items():
            if n:
                grade, status = (key, "active") if key not in ("won", "lost") else ("E", key)
                rows.append(FunnelSnapshotCount(snapshot=snapshot, owner_id=owner_id, grade=grade, status=status, n=n))
    return rows
