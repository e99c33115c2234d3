"""The KPI job: recompute DailyRepKpi facts from calls with set-based SQL.

Every run is one transaction that first takes the KPI lock row (a second run waits, then sees the
first one's result), records itself in KpiRun, and writes facts only by "DELETE the (rep, day)
facts, then write the recomputed ones", so running twice changes nothing. The counting rules are
documented in kpis/domain.py; the statement that applies them is kpis.sql.rep_day_facts_sql.

- incremental: consumes calls.DirtyRepDay marks (written by every call write/sync). The marks are
  deleted *first* in the run's transaction, so a call written while the run computes marks its day
  again (its writer updates/re-creates the mark) and the next run picks it up; a failed run rolls
  the marks back. One statement per marked day (its reps only).
- full / since: rebuilds every day (or every day from `since`), one statement per calendar month
  on PostgreSQL (per day on SQLite), and the month's lead sets at once (kpis/bulksets.py).

Beside the additive facts, every run rewrites the lead sets (kpis/leadsets.py) of the days it
recomputes (rep-day sets from the statement's items; team-day, company-day and month sets as
unions) and the team-day sums (TeamDayKpi) of those days.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from calls.models import Call, DirtyRepDay
from kpis.bulksets import month_sets, stored_subjects
from kpis.leadsets import Stages, month_of, next_month, stages_from_items
from kpis.models import DailyRepKpi, KpiLock, KpiRun, KpiRunKind, LeadSet, TeamDayKpi
from kpis.sql import (
    COUNTED,
    LEAD_SET_COLUMNS,
    MONEY,
    SUMMED,
    bytea_text,
    copy_rows,
    money,
    rep_day_facts,
)
from telesales.days import local_day

LOCK_NAME = "recompute"
REP_CHUNK = 500
FACT_COLUMNS = ("rep_id", "team_id", "day", *SUMMED, *COUNTED)
_MONEY_AT = [SUMMED.index(name) for name in MONEY]


def _take_lock() -> None:
    """Serialize runs: the row update blocks a second run until this transaction ends."""
    KpiLock.objects.filter(name=LOCK_NAME).update(held_at=timezone.now())
    if connection.vendor == "postgresql":
        # A month of calls is sorted in memory instead of on disk, and the month statements are
        # not worth compiling (only for this transaction).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")


RepSets = dict[tuple[int, int], Stages]  # (rep id, team id or 0) → the rep's sets for one span


def _fact_row(row: tuple, counts) -> tuple:
    """A DailyRepKpi row for COPY from a row of kpis.sql.rep_day_facts (its items dropped)."""
    rep, team, day, *summed = row[:-1]
    if connection.vendor != "postgresql":
        for i in _MONEY_AT:
            summed[i] = money(summed[i])
    return (rep, team, day, *summed, *counts)


def _write_facts(cursor, rows: list[tuple]) -> None:
    copy_rows(cursor, DailyRepKpi._meta.db_table, FACT_COLUMNS, rows)


def _rebuild_day(cursor, day: dt.date, rep_ids: list[int]) -> tuple[int, RepSets]:
    """Recompute the facts and rep-day lead sets of one local day for `rep_ids` (after deleting
    theirs). Returns the fact rows written and the new rep-day sets."""
    written, sets = 0, {}
    for i in range(0, len(rep_ids), REP_CHUNK):
        chunk = rep_ids[i : i + REP_CHUNK]
        DailyRepKpi.objects.filter(day=day, rep_id__in=chunk).delete()
        LeadSet.objects.filter(level=LeadSet.Level.REP, grain=LeadSet.Grain.DAY, start=day, key__in=chunk).delete()
        rows = rep_day_facts(cursor, day, day, f"AND c.rep_id IN ({', '.join(['%s'] * len(chunk))})", chunk)
        stages = [stages_from_items(row[-1]) for row in rows]
        _write_facts(cursor, [_fact_row(row, s.counts().values()) for row, s in zip(rows, stages, strict=True)])
        written += len(rows)
        sets.update({(row[0], row[1] or 0): s for row, s in zip(rows, stages, strict=True) if row[-1]})
    _write_sets(LeadSet.Level.REP, LeadSet.Grain.DAY, day, sets)
    return written, sets


def _write_sets(level: str, grain: str, start: dt.date, sets: dict[tuple[int, int], Stages]) -> None:
    rows = [(level, key, team_key, grain, start, *(bytea_text(b.hex()) for b in stages.serialized().values()))
            for (key, team_key), stages in sets.items()]
    with connection.cursor() as cursor:
        copy_rows(cursor, LeadSet._meta.db_table, LEAD_SET_COLUMNS, rows)


def _stored_sets(level: str, grain: str, start: dt.date, end: dt.date,
                 keys: Iterable[int] | None = None) -> Iterable[tuple[int, int, Stages]]:
    rows = LeadSet.objects.filter(level=level, grain=grain, start__gte=start, start__lte=end)
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    for key, team_key, *blobs in rows.values_list("key", "team_key", "dialled", "reached", "quoted", "sold").iterator():
        yield key, team_key, Stages.deserialize(blobs)


class _Unions:
    """Unions of rep sets into team and company sets (and of day sets into month sets)."""

    def __init__(self) -> None:
        self.rep: dict[tuple[int, int], list[Stages]] = defaultdict(list)
        self.team: dict[tuple[int, int], list[Stages]] = defaultdict(list)
        self.company: dict[tuple[int, int], list[Stages]] = defaultdict(list)

    def add_rep(self, key: int, team_key: int, stages: Stages) -> None:
        self.rep[(key, team_key)].append(stages)
        if team_key:
            self.team[(team_key, 0)].append(stages)
        self.company[(0, 0)].append(stages)

    def write(self, grain: str, start: dt.date, *, levels=("rep", "team", "company")) -> None:
        for level in levels:
            groups = getattr(self, level)
            _write_sets(level, grain, start, {subject: Stages.union(items) for subject, items in groups.items()})


def _roll_up_day(day: dt.date, rep_sets: RepSets) -> None:
    """Team-day and company-day sets of `day` from all its rep-day sets: `rep_sets` holds the
    ones just rebuilt, the others are read back."""
    unions = _Unions()
    for (key, team_key), stages in rep_sets.items():
        unions.add_rep(key, team_key, stages)
    rebuilt = {key for key, _ in rep_sets}
    for key, team_key, stages in _stored_sets(LeadSet.Level.REP, LeadSet.Grain.DAY, day, day):
        if key not in rebuilt:
            unions.add_rep(key, team_key, stages)
    LeadSet.objects.filter(level__in=["team", "company"], grain=LeadSet.Grain.DAY, start=day).delete()
    unions.write(LeadSet.Grain.DAY, day, levels=("team", "company"))


def _roll_up_month(month: dt.date, rep_ids: Iterable[int] | None = None) -> None:
    """Month sets as unions of the month's stored day sets: the given reps' (all if None), and
    every team's and the company's."""
    last = next_month(month) - dt.timedelta(days=1)
    unions = _Unions()
    for key, team_key, stages in _stored_sets(LeadSet.Level.REP, LeadSet.Grain.DAY, month, last, rep_ids):
        unions.rep[(key, team_key)].append(stages)
    for level in ("team", "company"):
        for key, team_key, stages in _stored_sets(level, LeadSet.Grain.DAY, month, last):
            getattr(unions, level)[(key, team_key)].append(stages)
    stale = LeadSet.objects.filter(grain=LeadSet.Grain.MONTH, start=month)
    stale.exclude(level=LeadSet.Level.REP).delete()
    stale_reps = stale.filter(level=LeadSet.Level.REP)
    if rep_ids is not None:
        stale_reps = stale_reps.filter(key__in=list(rep_ids))
    stale_reps.delete()
    unions.write(LeadSet.Grain.MONTH, month)


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
    rep-day sets and facts (month sets of `rep_ids` only, all reps' if None). The KPI runs do
    this for the days they rebuild; it is also how rep-day sets and facts written by other means
    (test data) become consistent."""
    days = sorted(set(days))
    with transaction.atomic():
        _take_lock()
        for day in days:
            _roll_up_day(day, {})
            _roll_up_team_days(day, day)
        for month in sorted({month_of(day) for day in days}):
            _roll_up_month(month, None if rep_ids is None else sorted(set(rep_ids)))


def _rebuild_month(cursor, first: dt.date, last: dt.date) -> int:
    """Facts, every lead set and the team-day sums of the days first…last of one month, all
    reps: one statement, then the month's sets at once (the month's stored day sets before
    `first` join its month sets)."""
    month = month_of(first)
    rows = rep_day_facts(cursor, first, last)
    earlier = {}
    if first > month:
        before = first - dt.timedelta(days=1)
        earlier = stored_subjects((level, key, team_key, stages) for level in ("rep", "team", "company")
                                  for key, team_key, stages in _stored_sets(level, LeadSet.Grain.DAY, month, before))
    built = month_sets([(row[0], row[1], row[2], row[-1]) for row in rows], month, earlier)
    _write_facts(cursor, [_fact_row(row, counts) for row, counts in zip(rows, built.counts.tolist(), strict=True)])
    copy_rows(cursor, LeadSet._meta.db_table, LEAD_SET_COLUMNS,
              [(*row[:5], *map(bytea_text, row[5:])) for row in built.rows])
    _roll_up_team_days(first, last)
    return len(rows)


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
            if since:
                marks = marks.filter(day__gte=since)
                DailyRepKpi.objects.filter(day__gte=since).delete()
                TeamDayKpi.objects.filter(day__gte=since).delete()
                LeadSet.objects.filter(grain=LeadSet.Grain.DAY, start__gte=since).delete()
                LeadSet.objects.filter(grain=LeadSet.Grain.MONTH, start__gte=month_of(since)).delete()
            else:
                DailyRepKpi.objects.all().delete()
                TeamDayKpi.objects.all().delete()
                LeadSet.objects.all().delete()
            marks.delete()
            span = _calls_day_range()
            if span and (not since or since <= span[1]):
                first = max(span[0], since) if since else span[0]
                with connection.cursor() as cursor:
                    while first <= span[1]:
                        last = min(next_month(month_of(first)) - dt.timedelta(days=1), span[1])
                        rows += _rebuild_month(cursor, first, last)
                        first = last + dt.timedelta(days=1)
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
            with connection.cursor() as cursor:
                for day in sorted(by_day):
                    written, sets = _rebuild_day(cursor, day, sorted(by_day[day]))
                    rows += written
                    _roll_up_day(day, sets)
                    _roll_up_team_days(day, day)
                    by_month[month_of(day)] |= by_day[day]
            for month, rep_ids in sorted(by_month.items()):
                _roll_up_month(month, sorted(rep_ids))
    except Exception as exc:
        _finish_run(run, started, error=f"{type(exc).__name__}: {exc}")
        raise
    return _finish_run(run, started, rows=rows, rep_days=pairs)
