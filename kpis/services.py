"""The KPI job: recompute DailyRepKpi facts from calls with set-based SQL.

Every run is one transaction that first takes the KPI lock row (a second run waits, then sees the
first one's result), records itself in KpiRun, and writes facts only by
"DELETE the (rep, day) facts, INSERT … SELECT the recomputed ones", so running twice changes
nothing. The counting rules are documented in kpis/domain.py.

- incremental: consumes calls.DirtyRepDay marks (written by every call write/sync). The marks are
  deleted *first* in the run's transaction, so a call written while the run computes marks its day
  again (its writer updates/re-creates the mark) and the next run picks it up; a failed run rolls
  the marks back.
- full / since: rebuilds every day (or every day from `since`), one INSERT … SELECT per local day
  (a day's calls are one index range on started_at; no per-row time-zone conversion).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from calls.models import Call, DirtyRepDay
from kpis.models import DailyRepKpi, KpiLock, KpiRun, KpiRunKind
from telesales.days import day_bounds, local_day

LOCK_NAME = "recompute"
REP_CHUNK = 500

# Funnel is monotone per customer-day: sold ⇒ quoted ⇒ reached ⇒ dialled (see kpis/domain.py).
_SOLD = "d.sold"
_QUOTED = "(d.quoted OR d.sold)"
_REACHED = "(d.reached OR d.quoted OR d.sold)"
_DIALLED = "(d.attempted OR d.reached OR d.quoted OR d.sold)"

_FACT_COLUMNS = (
    "rep_id, team_id, day, calls_made, customers_dialled, customers_reached, customers_quoted, customers_sold, "
    "premium, margin_amount, talk_seconds"
)


def _ts(value: dt.datetime):
    """A datetime parameter as the backend stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def _insert_facts_sql(where_sql: str) -> str:
    """One INSERT … SELECT of the facts of one local day (the day is a parameter, so no time-zone
    maths runs per row): distinct customers per funnel stage, calls, money and talk per rep."""
    user_table = DailyRepKpi._meta.get_field("rep").related_model._meta.db_table
    return f"""
        INSERT INTO {DailyRepKpi._meta.db_table} ({_FACT_COLUMNS})
        SELECT c.rep_id, u.team_id, %s,
               SUM(CASE WHEN {_DIALLED} THEN 1 ELSE 0 END),
               COUNT(DISTINCT CASE WHEN {_DIALLED} THEN c.lead_id END),
               COUNT(DISTINCT CASE WHEN {_REACHED} THEN c.lead_id END),
               COUNT(DISTINCT CASE WHEN {_QUOTED} THEN c.lead_id END),
               COUNT(DISTINCT CASE WHEN {_SOLD} THEN c.lead_id END),
               SUM(CASE WHEN {_SOLD} THEN COALESCE(c.premium, 0) ELSE 0 END),
               SUM(CASE WHEN {_SOLD} THEN ROUND(COALESCE(c.premium, 0) * COALESCE(c.margin_rate, 0), 2) ELSE 0 END),
               SUM(c.duration_seconds)
        FROM calls_call c
        JOIN calls_disposition d ON d.id = c.disposition_id
        JOIN {user_table} u ON u.id = c.rep_id
        WHERE c.started_at >= %s AND c.started_at < %s {where_sql}
        GROUP BY c.rep_id, u.team_id
    """


def _take_lock() -> None:
    """Serialize runs: the row update blocks a second run until this transaction ends."""
    KpiLock.objects.filter(name=LOCK_NAME).update(held_at=timezone.now())
    if connection.vendor == "postgresql":
        # The per-(rep, day, lead) hash aggregate of a month of calls fits in memory instead of
        # spilling to disk (only for this transaction).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")


def _rebuild_day(cursor, day: dt.date, rep_ids: list[int] | None = None) -> int:
    """Recompute the facts of one local day, for all reps or only `rep_ids` (after deleting them)."""
    start, end = day_bounds(day)
    params = [connection.ops.adapt_datefield_value(day), _ts(start), _ts(end)]
    if rep_ids is None:
        DailyRepKpi.objects.filter(day=day).delete()
        cursor.execute(_insert_facts_sql(""), params)
        return max(cursor.rowcount, 0)
    written = 0
    for i in range(0, len(rep_ids), REP_CHUNK):
        chunk = rep_ids[i : i + REP_CHUNK]
        DailyRepKpi.objects.filter(day=day, rep_id__in=chunk).delete()
        placeholders = ", ".join(["%s"] * len(chunk))
        cursor.execute(_insert_facts_sql(f"AND c.rep_id IN ({placeholders})"), [*params, *chunk])
        written += max(cursor.rowcount, 0)
    return written


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


def recompute_full(*, since: dt.date | None = None) -> KpiRun:
    """Rebuild every fact (or every fact from local day `since`) from the calls table."""
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
            else:
                DailyRepKpi.objects.all().delete()
            marks.delete()
            span = _calls_day_range()
            if span:
                first, last = span
                first = max(first, since) if since else first
                with connection.cursor() as cursor:
                    day = first
                    while day <= last:
                        rows += _rebuild_day(cursor, day)
                        day += dt.timedelta(days=1)
    except Exception as exc:
        _finish_run(run, started, error=f"{type(exc).__name__}: {exc}")
        raise
    return _finish_run(run, started, rows=rows)


def recompute_incremental() -> KpiRun:
    """Recompute only the (rep, day) pairs marked dirty by call writes since the last run."""
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
            with connection.cursor() as cursor:
                for day in sorted(by_day):
                    rows += _rebuild_day(cursor, day, sorted(by_day[day]))
    except Exception as exc:
        _finish_run(run, started, error=f"{type(exc).__name__}: {exc}")
        raise
    return _finish_run(run, started, rows=rows, rep_days=pairs)

