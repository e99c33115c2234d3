"""Stage conversion stored with the nightly snapshots: the figures of the default period (the
DEFAULT_STAGE_DAYS days ending at a snapshot's moment) per owner, written by the snapshot job
(funnel.services.take_snapshots) from funnel.selectors.stages_past, read back for a page asking
for exactly that period. Portable (plain ORM reads, SQLite too).

The figures of a period depend only on rows dated at or before its end, like the snapshot's
counts: a row inserted after the newest snapshot and dated at or before the moment (a late
dialer sync) makes them stale. The job then deletes the snapshot with its figures and takes it
again; until it has, a read skips them (None: the caller computes the period from scratch)."""

from __future__ import annotations

import datetime as dt

from funnel.domain import GRADES
from funnel.models import FunnelSnapshot, FunnelSnapshotStage
from funnel.selectors.stages_sql import StageStats, empty_stats
from leads.models import GradeChange, Lead, OwnershipEvent

DEFAULT_STAGE_DAYS = 30  # the pages' "conversion over the last N days" when no days= is asked for
BC = "BC"


def stage_rows(stats: dict[int, StageStats]) -> list[tuple[int, str, int, int]]:
    """(owner, grade or "BC", at, reached) for each non-zero figure: what the job stores."""
    rows = []
    for owner_id, s in stats.items():
        for g in GRADES:
            if s.at[g] or s.reached[g]:
                rows.append((owner_id, g, s.at[g], s.reached[g]))
        if s.bc_at or s.bc_to_a:
            rows.append((owner_id, BC, s.bc_at, s.bc_to_a))
    return rows


def late_rows_before(moment: dt.datetime) -> bool:
    """Is any row inserted after the newest snapshot dated at or before `moment`?"""
    newest = FunnelSnapshot.objects.order_by("-taken_at", "-id").values(
        "grade_change_mark", "ownership_mark", "lead_mark").first()
    if newest is None:
        return False
    return (GradeChange.objects.filter(id__gt=newest["grade_change_mark"], changed_at__lte=moment).exists()
            or OwnershipEvent.objects.filter(id__gt=newest["ownership_mark"], at__lte=moment).exists()
            or Lead.objects.filter(id__gt=newest["lead_mark"], created_at__lte=moment).exists())


def stored_stage_stats(owner_ids: list[int] | None, start: dt.datetime,
                       end: dt.datetime) -> dict[int, StageStats] | None:
    """Per owner, the stored stage figures of [start, end], or None when none are stored for
    exactly that period (a snapshot at `end` with figures over whole days back to `start`) or
    late rows made them stale."""
    length = end - start
    if length.seconds or length.microseconds or length.days <= 0:
        return None
    snapshot_id = (FunnelSnapshot.objects.filter(moment=end, stage_days=length.days)
                   .values_list("id", flat=True).first())
    if snapshot_id is None or late_rows_before(end):
        return None
    out: dict[int, StageStats] = {}
    rows = FunnelSnapshotStage.objects.filter(snapshot_id=snapshot_id)
    if owner_ids is not None:
        out = {pk: empty_stats() for pk in owner_ids}
        rows = rows.filter(owner_id__in=owner_ids)
    for owner_id, grade, at, reached in rows.values_list("owner_id", "grade", "at", "reached"):
        stats = out.setdefault(owner_id, empty_stats())
        if grade == BC:
            stats.bc_at, stats.bc_to_a = at, reached
        else:
            stats.at[grade], stats.reached[grade] = at, reached
    return out
