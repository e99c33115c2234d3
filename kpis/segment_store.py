"""Stored company cuts by lead segment, kept by the KPI job (kpis/services.py).

Every lead the job counts belongs to one combination of the fields a segment can read
(SegmentCombo: source, region, product interest, pool, import batch, attributes; a small
integer id), recorded in SegmentLead. The job sums each rep-day's items per (combination, day)
in numpy (kpis/segment_sums.py) into SegmentDayKpi, in the same pass that writes the facts, and
keeps each combination's leads as a bitmap. A cut by any segment then groups the combinations
by their value in it: sums add up, and a value's distinct customers at each stage are its
combinations' leads ∩ the company's lead sets of the period (exact, kpis/segments.py).

- incremental: a recomputed rep-day first takes its stored items away (with the combinations
  they were counted under), then adds the new ones;
- a lead whose segment fields change (a database trigger marks it, SegmentLeadMark) has only its
  own items moved: the lead index gives its rep-days, their stored items of that lead go from
  the old combination to the new one. Never whole days;
- a full rebuild rewrites all of it with DELETE inside the run's transaction (readers keep
  seeing the previous figures until it commits).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict

import numpy as np
from django.db import connection
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from pyroaring import BitMap

from calls.models import Call, DirtyRepDay
from kpis.leadsets import bitmap_of
from kpis.models import DailyRepKpi, KpiLock, SegmentCombo, SegmentDayKpi, SegmentLead, SegmentLeadMark
from kpis.segment_sums import SUMS, Items, SegmentSums
from kpis.sql import ITEM_COLUMNS, copy_rows
from leads.models import Lead

READY = "segments"  # a KpiLock row: present once a full rebuild built the stored cuts
COMBO_FIELDS = ("source", "region", "product_interest", "pool_id", "import_job_id", "attributes")
_CHUNK = 5000


def ready() -> bool:
    return KpiLock.objects.filter(name=READY).exists()


def _digest(values: tuple) -> str:
    return hashlib.sha1(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


class Tracker:
    """One run's view of the stored cuts: lead → combination (a numpy lookup by lead id), the
    sums it changes and the combination bitmaps it touches. save() writes them."""

    def __init__(self, *, fresh: bool = False) -> None:
        self.fresh = fresh
        self.sums = SegmentSums()
        self.combos = {} if fresh else dict(SegmentCombo.objects.values_list("digest", "id"))
        pairs = [] if fresh else list(SegmentLead.objects.values_list("lead_id", "combo_id").iterator(chunk_size=20000))
        size = max((lead for lead, _ in pairs), default=0) + 1
        self.lookup = np.full(size, -1, dtype=np.int64)
        if pairs:
            leads, combos = np.array(pairs, dtype=np.int64).T
            self.lookup[leads] = combos
        self.added: dict[int, list[np.ndarray]] = defaultdict(list)
        self.removed: dict[int, list[np.ndarray]] = defaultdict(list)
        self.new_leads: list[tuple[int, int]] = []

    # ---- lead → combination ----------------------------------------------------------------
    def combo_of(self, leads: np.ndarray) -> np.ndarray:
        """The combination of each lead, mapping the leads met for the first time."""
        known = np.where(leads < len(self.lookup), self.lookup[np.minimum(leads, len(self.lookup) - 1)], -1)
        missing = np.unique(leads[known < 0])
        if len(missing):
            self._map(missing)
            known = self.lookup[leads]
        return known

    def _current(self, lead_ids: list[int] | None) -> dict[int, int]:
        """{lead id: the combination of its fields now} of these leads (None: all), creating the
        combinations not stored yet in bulk."""
        found: dict[int, str] = {}
        fresh: dict[str, tuple] = {}
        chunks = [None] if lead_ids is None else [lead_ids[i : i + _CHUNK] for i in range(0, len(lead_ids), _CHUNK)]
        for chunk in chunks:
            leads = Lead.objects.all() if chunk is None else Lead.objects.filter(id__in=chunk)
            for lead, *values in leads.order_by().values_list("id", *COMBO_FIELDS).iterator(chunk_size=_CHUNK):
                digest = found[lead] = _digest(tuple(values))
                if digest not in self.combos:
                    fresh.setdefault(digest, tuple(values))
        created = SegmentCombo.objects.bulk_create(
            [SegmentCombo(digest=digest, **dict(zip(COMBO_FIELDS, values, strict=True))) for digest, values in fresh.items()],
            batch_size=1000)
        self.combos.update({combo.digest: combo.id for combo in created})
        return {lead: self.combos[digest] for lead, digest in found.items()}

    def _combo(self, values: tuple) -> int:
        digest = _digest(values)
        if digest not in self.combos:
            self.combos[digest] = SegmentCombo.objects.create(
                digest=digest, **dict(zip(COMBO_FIELDS, values, strict=True))).id
        return self.combos[digest]

    def map_all(self) -> None:
        """Map every lead now (a full rebuild: then folding rows needs no database)."""
        current = self._current(None)
        if current:
            self._assign(np.array(sorted(current), dtype=np.int64), current)

    def _grow(self, size: int) -> None:
        if size > len(self.lookup):
            self.lookup = np.concatenate([self.lookup, np.full(size - len(self.lookup), -1, dtype=np.int64)])

    def _map(self, leads: np.ndarray) -> None:
        self._assign(leads, self._current(leads.tolist()))

    def _assign(self, leads: np.ndarray, current: dict[int, int]) -> None:
        self._grow(int(leads.max()) + 1)
        combos = np.array([current.get(lead) or self._combo(("(deleted lead)", lead)) for lead in leads.tolist()],
                          dtype=np.int64)  # a deleted lead's calls are gone with it: a combination of its own
        self.lookup[leads] = combos
        self.new_leads += zip(leads.tolist(), combos.tolist(), strict=True)
        order = np.argsort(combos, kind="stable")
        starts = np.flatnonzero(np.r_[True, combos[order][1:] != combos[order][:-1]])
        for part in np.split(leads[order], starts[1:]):
            self.added[int(self.lookup[part[0]])].append(part)

    # ---- sums ---------------------------------------------------------------------------------
    def add_rows(self, rows: list[tuple], sign: int = 1) -> None:
        """Add (or take away) rep-day rows' items (ITEM_COLUMNS) under their leads' combinations."""
        self.sums.add(Items.from_rows(rows), self.combo_of, sign)

    def fold(self, rows: list[tuple]) -> list[tuple]:
        """add_rows without the database (another thread may run it): the rows with a lead not
        mapped yet are given back for add_rows."""
        items = Items.from_rows(rows)
        if not len(items.lead) or (items.lead.max() < len(self.lookup) and (self.lookup[items.lead] >= 0).all()):
            self.sums.add(items, self.lookup.__getitem__)
            return []
        return rows

    def move_changed_leads(self, skip: set[tuple[int, dt.date]]) -> int:
        """Move the stored items of leads marked changed to their new combinations; rep-days in
        `skip` are being recomputed by this run (their items are taken away and added anew).
        Returns the leads moved."""
        marked = list(SegmentLeadMark.objects.select_for_update().values_list("lead_id", flat=True))
        SegmentLeadMark.objects.filter(lead_id__in=marked).delete()
        mapped = [lead for lead in marked if lead < len(self.lookup) and self.lookup[lead] >= 0]
        now = self._current(mapped)
        moved = {lead: now.get(lead, int(self.lookup[lead])) for lead in mapped}
        moved = {lead: combo for lead, combo in moved.items() if combo != self.lookup[lead]}
        if not moved:
            return 0
        leads = np.array(sorted(moved), dtype=np.int64)
        items = _stored_items(_rep_days_of(leads.tolist(), skip))
        keep = np.isin(items.lead, leads)
        mine = Items(*(getattr(items, f)[keep] for f in ("day", "lead", "stage", "talk", "premium", "margin")))
        self.sums.add(mine, self.combo_of, -1)
        for lead, combo in moved.items():
            self.removed[int(self.lookup[lead])].append(np.array([lead], dtype=np.int64))
            self.added[combo].append(np.array([lead], dtype=np.int64))
            self.lookup[lead] = combo
        self.sums.add(mine, self.combo_of, 1)
        for combo in set(moved.values()):
            SegmentLead.objects.filter(lead_id__in=[lead for lead, c in moved.items() if c == combo]).update(combo=combo)
        return len(moved)

    # ---- writing ------------------------------------------------------------------------------
    def save(self) -> None:
        """Write the sums (added to the stored ones), the new lead mappings and the bitmaps."""
        with connection.cursor() as cursor:
            copy_rows(cursor, SegmentLead._meta.db_table, ("lead_id", "combo_id"), self.new_leads)
            totals = [(combo, day, *values) for combo, day, values in self.sums.totals() if any(values)]
            if self.fresh:
                copy_rows(cursor, SegmentDayKpi._meta.db_table, ("combo_id", "day", *SUMS),
                          [(*row[:6], _cents(row[6]), _cents(row[7]), row[8]) for row in totals])
            else:
                _upsert(cursor, totals)
        self._save_bitmaps()

    def _save_bitmaps(self) -> None:
        touched = sorted(set(self.added) | set(self.removed))
        # Locked: the month tasks of a fanned-out rebuild may map a new lead at the same time.
        stored = {} if self.fresh else dict(
            SegmentCombo.objects.select_for_update().filter(id__in=touched).order_by("id").values_list("id", "leads"))
        for combo in touched:
            leads = BitMap.deserialize(bytes(stored[combo])) if stored.get(combo) else BitMap()
            for part in self.added.get(combo, []):
                leads |= bitmap_of(part)
            for part in self.removed.get(combo, []):
                leads -= bitmap_of(part)
            SegmentCombo.objects.filter(id=combo).update(leads=leads.serialize())


def _cents(value: int) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"


def _upsert(cursor, totals: list[tuple]) -> None:
    """Add the changes to the stored (combination, day) sums; drop rows left with no call."""
    if not totals:
        return
    table = SegmentDayKpi._meta.db_table
    columns = ", ".join(SUMS)
    added = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in SUMS)
    cursor.executemany(
        f"INSERT INTO {table} (combo_id, day, {columns}) VALUES (%s, %s, {', '.join(['%s'] * len(SUMS))}) "
        f"ON CONFLICT (day, combo_id) DO UPDATE SET {added}",
        [(combo, connection.ops.adapt_datefield_value(day), *values[:4], _cents(values[4]), _cents(values[5]),
          values[6]) for combo, day, *values in totals])
    SegmentDayKpi.objects.filter(calls=0).delete()


def _rep_days_of(lead_ids: list[int], skip: set) -> set[tuple[int, dt.date]]:
    """The (rep, local day) pairs whose stored items may hold these leads: those of their calls
    (the lead index) and of every rep-day still marked for a later run (its stored items may
    hold a call that has since moved away), less the pairs in `skip`."""
    tz = timezone.get_default_timezone()
    pairs = set()
    for i in range(0, len(lead_ids), _CHUNK):
        calls = Call.objects.filter(lead_id__in=lead_ids[i : i + _CHUNK]).order_by()
        pairs |= set(calls.annotate(local=TruncDate("started_at", tzinfo=tz)).values_list("rep_id", "local").distinct())
    pairs |= set(DirtyRepDay.objects.values_list("rep_id", "day"))
    return pairs - skip


def _stored_items(pairs: set[tuple[int, dt.date]]) -> Items:
    by_rep = defaultdict(list)
    for rep, day in pairs:
        by_rep[rep].append(day)
    reps = sorted(by_rep)
    rows = []
    for i in range(0, len(reps), 50):
        where = Q()
        for rep in reps[i : i + 50]:
            where |= Q(rep_id=rep, day__in=by_rep[rep])
        rows += DailyRepKpi.objects.filter(where).values_list(*ITEM_COLUMNS)
    return Items.from_rows(rows)


def prepare_fan_out() -> None:
    """Before a fanned-out full rebuild (kpis/fanout.py): every lead mapped to the combination
    of its fields now, so the month tasks only sum. The stored sums stay (each month's task
    replaces its own days'), so readers keep the previous cuts until their month is rewritten;
    without stored cuts yet, they are started afresh as a single-process rebuild does."""
    if not ready():
        reset()
        tracker = Tracker(fresh=True)
        tracker.map_all()
    else:
        tracker = Tracker()
        tracker.move_changed_leads(skip=set())
        leads = np.fromiter(Lead.objects.order_by().values_list("id", flat=True).iterator(chunk_size=_CHUNK),
                            dtype=np.int64)
        if len(leads):
            tracker.combo_of(leads)
    tracker.save()


def drop_unused() -> None:
    """After a fanned-out rebuild: forget the combinations no lead belongs to any more (a
    single-process rebuild starts them afresh; their sums are gone with the months rewritten)."""
    unused = SegmentCombo.objects.exclude(id__in=SegmentLead.objects.values("combo_id"))
    SegmentDayKpi.objects.filter(combo_id__in=unused.values("id")).delete()
    unused.delete()


def reset() -> None:
    """Before a full rebuild: forget every stored cut (DELETE: readers keep the old ones until commit)."""
    for model in (SegmentDayKpi, SegmentLead, SegmentLeadMark, SegmentCombo):
        model.objects.all().delete()
    KpiLock.objects.get_or_create(name=READY)
