"""The KPI job: recompute DailyRepKpi facts from calls with set-based SQL.

Every run is one transaction that first takes the KPI lock row (a second run waits, then sees the
first one's result), records itself in KpiRun, and writes facts only by "DELETE the (rep, day)
facts, then write the recomputed ones", so running twice changes nothing. The counting rules are
documented in kpis/domain/drivers.py; the statement that applies them is kpis.sql.rep_day_facts_sql.

- incremental: consumes calls.DirtyRepDay marks (written by every call write/sync). The marks are
  deleted *first* in the run's transaction, so a call written while the run computes marks its day
  again (its writer updates/re-creates the mark) and the next run picks it up; a failed run rolls
  the marks back. One statement per marked day (its reps only).
- full / since: rebuilds every day (or every day from `since`): on PostgreSQL one statement per
  chunk of reps over the whole span, on SQLite one per day.

- fanned out (kpis/fanout.py, kpis.tasks.rebuild_fanned_out): a full rebuild as one task per
  month (rebuild_month), each its own transaction under the KPI lock taken shared.

The statement writes the facts and each rep-day's lead set (DailyRepKpi.lead_stages) itself;
every run then rewrites the team-day, company-day and month lead sets (unions of those,
kpis/bulksets.py) and the team-day sums (TeamDayKpi) of the days it recomputed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from accounts.models import User
from calls.models import Call, DirtyRepDay
from kpis import segment_store
from kpis.bulksets import SetBuilder
from kpis.leadsets import Stages, month_of, next_month
from kpis.models import DailyRepKpi, KpiLock, KpiRun, KpiRunKind, LeadSet, SegmentDayKpi, TeamDayKpi
from kpis.segment_store import Tracker
from kpis.sql import ITEM_COLUMNS, LEAD_SET_COLUMNS, SUMMED, bytea_text, copy_rows, rep_day_facts, reps_sql
from telesales.days import local_day

LOCK_NAME = "recompute"
logger = logging.getLogger(__name__)
REP_CHUNK = 250  # reps per statement of a rebuild (PostgreSQL): each is one range of the (rep, started_at) index


def _take_lock(*, shared: bool = False) -> None:
    """Serialize runs: the row update blocks a second run until this transaction ends. The month
    tasks of a fanned-out rebuild (kpis/fanout.py) take it `shared` (FOR SHARE on PostgreSQL):
    they run side by side, each on its own days, while every other run waits for them."""
    if shared and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {KpiLock._meta.db_table} WHERE name = %s FOR SHARE", [LOCK_NAME])
    else:
        KpiLock.objects.filter(name=LOCK_NAME).update(held_at=timezone.now())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the statements are long but simple (this transaction only)
            cursor.execute("SET LOCAL jit = off")


def _rebuild_day(cursor, day: dt.date, rep_ids: list[int], tracker: Tracker | None) -> list[tuple]:
    """Recompute the facts (with their rep-day lead sets) of one local day for `rep_ids`, after
    deleting theirs, whose items the tracker takes away from the segment sums. Returns the new
    rows (ITEM_COLUMNS)."""
    written = []
    for i in range(0, len(rep_ids), REP_CHUNK):
        chunk = rep_ids[i : i + REP_CHUNK]
        cursor.execute(f"DELETE FROM {DailyRepKpi._meta.db_table} WHERE day = %s {reps_sql('rep_id', chunk)} "
                       f"RETURNING {', '.join(ITEM_COLUMNS)}", [connection.ops.adapt_datefield_value(day), *chunk])
        old = [(rep, team, day, *rest) for rep, team, _day, *rest in cursor.fetchall()]
        if tracker is not None:
            tracker.add_rows(old, -1)
        written += rep_day_facts(cursor, day, day, reps_sql("c.rep_id", chunk), chunk, insert=True)
    return written


def _write_sets(rows: list[tuple]) -> None:
    """kpis_leadset rows (sets as bytes) in one COPY."""
    with connection.cursor() as cursor:
        copy_rows(cursor, LeadSet._meta.db_table, LEAD_SET_COLUMNS,
                  [(*row[:5], *(bytea_text(blob.hex()) for blob in row[5:])) for row in rows])


def _fact_rows(facts) -> Iterable[tuple]:
    """(rep_id, team_id, day, lead_stages) of fact rows: their rep-day lead sets."""
    return facts.values_list("rep_id", "team_id", "day", "lead_stages").iterator(chunk_size=5000)


def _stored_sets(level: str, grain: str, start: dt.date, end: dt.date) -> Iterable[tuple[int, int, Stages]]:
    rows = LeadSet.objects.filter(level=level, grain=grain, start__gte=start, start__lte=end)
    for key, team_key, *blobs in rows.values_list("key", "team_key", "dialled", "reached", "quoted", "sold").iterator():
        yield key, team_key, Stages.deserialize(blobs)


def _roll_up_day(day: dt.date) -> None:
    """Team-day and company-day sets and team-day sums of `day` from all its stored facts."""
    sets = SetBuilder()
    sets.add(_fact_rows(DailyRepKpi.objects.filter(day=day)))
    LeadSet.objects.filter(level__in=["team", "company"], grain=LeadSet.Grain.DAY, start=day).delete()
    _write_sets(sets.day_rows())
    _roll_up_team_days(day, day)


def _roll_up_month(month: dt.date, rep_ids: Iterable[int] | None = None) -> None:
    """Month sets of the given reps (all if None) from their stored facts, and every team's and
    the company's as unions of the month's stored team and company day sets."""
    last = next_month(month) - dt.timedelta(days=1)
    facts = DailyRepKpi.objects.filter(day__gte=month, day__lte=last)
    stale = LeadSet.objects.filter(grain=LeadSet.Grain.MONTH, start=month)
    stale.exclude(level=LeadSet.Level.REP).delete()
    if rep_ids is not None:
        rep_ids = list(rep_ids)
        facts, stale = facts.filter(rep_id__in=rep_ids), stale.filter(key__in=rep_ids)
    stale.filter(level=LeadSet.Level.REP).delete()
    sets = SetBuilder()
    sets.add(_fact_rows(facts))
    unions: dict[tuple[str, int], list[Stages]] = defaultdict(list)
    for level in ("team", "company"):
        for key, _team_key, stages in _stored_sets(level, LeadSet.Grain.DAY, month, last):
            unions[(level, key)].append(stages)
    _write_sets([*sets.rep_month_rows(),
                 *((level, key, 0, "month", month, *Stages.union(days).serialized().values())
                   for (level, key), days in unions.items())])


def _roll_up_team_days(first: dt.date, last: dt.date) -> None:
    """TeamDayKpi of the days first…last: the stored facts summed per team and day."""
    TeamDayKpi.objects.filter(day__gte=first, day__lte=last).delete()
    sums = ", ".join(SUMMED)
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TeamDayKpi._meta.db_table} (team_key, day, {sums}) "
            f"SELECT COALESCE(team_id, 0), day, {', '.join(f'SUM({name})' for name in SUMMED)} "
            f"FROM {DailyRepKpi._meta.db_table} WHERE day >= %s AND day <= %s GROUP BY 1, 2",
            [adapt(first), adapt(last)])


def _calls_day_range() -> tuple[dt.date, dt.date] | None:
    span = Call.objects.aggregate(first=Min("started_at"), last=Max("started_at"))
    first, last = span["first"], span["last"]
    if first is None:
        return None
    return local_day(first), local_day(last)


def _start_run(kind: str, since: dt.date | None) -> KpiRun:
    KpiLock.objects.get_or_create(name=LOCK_NAME)
    return KpiRun.objects.create(kind=kind, since=since, started_at=timezone.now())


def _finish_run(run: KpiRun, started: float, *, rows: int = 0, rep_days: int = 0, error: str = "") -> KpiRun:
    run.finished_at = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.rows, run.rep_days, run.error = rows, rep_days, error
    run.save(update_fields=["finished_at", "duration_ms", "rows", "rep_days", "error"])
    return run


def refresh_roll_ups(*, days: Iterable[dt.date], rep_ids: Iterable[int] | None = None) -> None:
    """Rebuild the team, company and month sets and the team-day sums of `days` from their stored
    facts (month sets of `rep_ids` only, all reps' if None). The KPI runs do this for the days
    they rebuild; it is also how facts written by other means (test data) become consistent."""
    days = sorted(set(days))
    with transaction.atomic():
        _take_lock()
        for day in days:
            _roll_up_day(day)
        for month in sorted({month_of(day) for day in days}):
            _roll_up_month(month, None if rep_ids is None else sorted(set(rep_ids)))


def _rebuild(first: dt.date, last: dt.date, tracker: Tracker | None) -> int:
    """Facts, lead sets and team-day sums of the days first…last (every earlier fact already
    deleted): per chunk of reps one statement writes the facts (kpis.sql.rep_day_facts) and
    answers the rep-day sets, of which the team, company and month sets are unions (the facts
    of `first`'s month before it join its month sets). Returns the fact rows written."""
    sets = SetBuilder()
    sets.add(_fact_rows(DailyRepKpi.objects.filter(day__gte=month_of(first), day__lt=first)))
    rep_ids = sorted(User.objects.values_list("id", flat=True))
    chunks = [rep_ids[i : i + REP_CHUNK] for i in range(0, len(rep_ids), REP_CHUNK)]
    if connection.vendor != "postgresql":
        chunks = [None]  # one statement per day for all reps
    written = 0
    later: list[tuple] = []

    def fold(rows):  # the sets and segment sums of one chunk, while the next chunk's statement runs
        sets.add(rows)
        if tracker is not None:
            later.extend(tracker.fold(rows))

    started = time.monotonic()
    with connection.cursor() as cursor, ThreadPoolExecutor(max_workers=1) as pool:
        folding = None
        for chunk in chunks:
            where, params = ("", []) if chunk is None else (reps_sql("c.rep_id", chunk), chunk)
            rows = rep_day_facts(cursor, first, last, where, params, insert=True)
            written += len(rows)
            if folding is not None:
                folding.result()
            folding = pool.submit(fold, rows)
        logger.info("rebuild: statements and copies %.1f s", time.monotonic() - started)
        if folding is not None:
            folding.result()
    if tracker is not None and later:
        tracker.add_rows(later)
    logger.info("rebuild: facts, sets and segment sums folded %.1f s", time.monotonic() - started)
    _write_sets([*sets.day_rows(days_from=first), *sets.rep_month_rows(), *sets.team_month_rows()])
    logger.info("rebuild: lead sets written %.1f s", time.monotonic() - started)
    _roll_up_team_days(first, last)
    if tracker is not None:
        tracker.save()
    logger.info("rebuild: team-day and segment sums written %.1f s", time.monotonic() - started)
    return written


def _segment_tracker(since: dt.date | None) -> Tracker | None:
    """The stored segment cuts' tracker of a rebuild: a full one starts them afresh, one since
    a day keeps them (if a full rebuild ever built them)."""
    if since is None:
        segment_store.reset()
        tracker = Tracker(fresh=True)
        tracker.map_all()
        return tracker
    return Tracker() if segment_store.ready() else None


def _clear_days(first: dt.date, last: dt.date | None = None) -> None:
    """Delete the facts, sums and sets of the local days first… (…last) and the month sets of
    their months (DELETE: readers keep seeing them until the run commits)."""
    days = {"day__gte": first, **({"day__lte": last} if last else {})}
    for model in (DailyRepKpi, SegmentDayKpi, TeamDayKpi):
        model.objects.filter(**days).delete()
    before = {"start__lte": last} if last else {}
    LeadSet.objects.filter(grain=LeadSet.Grain.DAY, start__gte=first, **before).delete()
    LeadSet.objects.filter(grain=LeadSet.Grain.MONTH, start__gte=month_of(first), **before).delete()


def rebuild_month(month: dt.date, *, marked_before: dt.datetime) -> int:
    """One calendar month of a full rebuild fanned out over workers (kpis/fanout.py), in its own
    transaction: the month's facts, day and month sets, team-day and segment sums are deleted
    and rebuilt from its calls, exactly as the single-process rebuild writes them (a month's
    sets are unions of its own days only). Dirty marks of its days written before
    `marked_before` (the fan-out's start) are satisfied. Returns the fact rows written."""
    last = next_month(month) - dt.timedelta(days=1)
    with transaction.atomic():
        _take_lock(shared=True)
        DirtyRepDay.objects.filter(marked_at__lte=marked_before, day__gte=month, day__lte=last).delete()
        _clear_days(month, last)
        span = _calls_day_range()
        if not span or span[1] < month or span[0] > last:
            return 0
        return _rebuild(max(span[0], month), min(span[1], last), Tracker() if segment_store.ready() else None)


def recompute_full(*, since: dt.date | None = None) -> KpiRun:
    """Rebuild every fact and lead set (or those from local day `since`) from the calls table."""
    run = _start_run(KpiRunKind.SINCE if since else KpiRunKind.FULL, since)
    started = time.monotonic()
    rows = 0
    try:
        with transaction.atomic():
            _take_lock()
            # Marks written before now are satisfied by this rebuild (later ones stay for the next run).
            marks = DirtyRepDay.objects.filter(marked_at__lte=run.started_at)
            tracker = _segment_tracker(since)
            if since:
                marks = marks.filter(day__gte=since)
                _clear_days(since)
            else:
                DailyRepKpi.objects.all().delete()
                TeamDayKpi.objects.all().delete()
                LeadSet.objects.all().delete()
            marks.delete()
            if since and tracker is not None:  # only days before `since` keep stored items
                tracker.move_changed_leads(skip=set())
            span = _calls_day_range()
            if span and (not since or since <= span[1]):
                rows = _rebuild(max(span[0], since) if since else span[0], span[1], tracker)
            else:
                if tracker is not None:
                    tracker.save()
                if since:  # no calls from `since` on: the month's earlier days keep their month sets
                    _roll_up_month(month_of(since))
    except Exception as exc:
        _finish_run(run, started, error=f"{type(exc).__name__}: {exc}")
        raise
    return _finish_run(run, started, rows=rows)


def recompute_incremental() -> KpiRun:
    """Recompute only the (rep, day) pairs marked dirty by call writes since the last run, then
    the team, company and month sets and the team-day sums those days belong to."""
    run = _start_run(KpiRunKind.INCREMENTAL, None)
    started = time.monotonic()
    rows = pairs = 0
    try:
        with transaction.atomic():
            _take_lock()
            marks = list(DirtyRepDay.objects.select_for_update().values_list("id", "rep_id", "day"))
            ids = [m[0] for m in marks]
            for i in range(0, len(ids), 1000):
                DirtyRepDay.objects.filter(id__in=ids[i : i + 1000]).delete()
            by_day: dict[dt.date, set[int]] = defaultdict(set)
            for _, rep_id, day in marks:
                by_day[day].add(rep_id)
            pairs = sum(len(reps) for reps in by_day.values())
            by_month: dict[dt.date, set[int]] = defaultdict(set)
            tracker = Tracker() if segment_store.ready() else None
            new_rows = []
            with connection.cursor() as cursor:
                for day, reps in sorted(by_day.items()):
                    new_rows += _rebuild_day(cursor, day, sorted(reps), tracker)
                    _roll_up_day(day)
                    by_month[month_of(day)] |= reps
            rows = len(new_rows)
            if tracker is not None:  # changed leads move first: new items count under new combinations
                tracker.move_changed_leads(skip={(rep, day) for _, rep, day in marks})
                tracker.add_rows(new_rows)
                tracker.save()
            for month, rep_ids in sorted(by_month.items()):
                _roll_up_month(month, sorted(rep_ids))
    except Exception as exc:
        _finish_run(run, started, error=f"{type(exc).__name__}: {exc}")
        raise
    return _finish_run(run, started, rows=rows, rep_days=pairs)


def fail_stalled_runs(*, now: dt.datetime | None = None) -> int:
    """Close KPI runs whose worker died (the sweeper, telesales/jobs.py). A run is one
    transaction holding the KPI lock row, so an unfinished run while nobody holds the lock
    wrote nothing: it is marked failed and the next run does its work. Returns how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    unfinished = KpiRun.objects.filter(finished_at__isnull=True, started_at__lt=cutoff)
    if not unfinished.exists():
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            lock = KpiLock.objects.filter(name=LOCK_NAME)
            if lock.exists() and not lock.select_for_update(skip_locked=True).exists():
                return 0  # a run holds the lock now: it is alive
        else:  # no row locks to ask: only runs past the hard time limit are surely dead
            unfinished = unfinished.filter(started_at__lt=cutoff - dt.timedelta(seconds=settings.LONG_TASK_TIME_LIMIT))
        count = unfinished.update(finished_at=now, error=(
            "The worker stopped before this run finished; it wrote nothing (a run is one transaction) "
            "and the next run does its work."))
    if count:
        logger.warning("%s KPI run(s) failed by the sweeper: their worker stopped", count)
    return count
