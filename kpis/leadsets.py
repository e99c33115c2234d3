"""Exact distinct customers over any period: sets of lead ids per funnel stage (roaring bitmaps).

A customer called on five days of a month is one outbound customer of that month, and a lead two
reps called is one customer of their team. Counts of distinct leads do not add up over days or
people, but sets do: the KPI job (kpis/services.py) stores, for every rep, team and the company,
the set of leads dialled / reached / quoted / sold on each local day and in each calendar month.
A rep's day is kept on its fact row as the job's statement writes it (DailyRepKpi.lead_stages:
"lead id × 8 + stage" per dialled call, stages_from_items); every other set is a union of those,
stored as roaring bitmaps (models.LeadSet, built by kpis/bulksets.py). A period's distinct count
is the size of the union of the month sets the period covers whole and the day sets of its
partial months: at most ~12 + 60 small unions for a year.

The funnel stays monotone per customer over any period because each call's stage already is
(sold ⇒ quoted ⇒ reached ⇒ dialled, kpis/domain/drivers.py) and a union keeps inclusion.

This module has no database access: building sets from (lead, stage) items, union, (de)serializing,
and splitting a period into months and days. Reads are in kpis/selectors.py, writes in services.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from pyroaring import BitMap

# Stage of a lead for one subject and span: 1 dialled, 2 reached, 3 quoted, 4 sold (the highest).
STAGES = ("dialled", "reached", "quoted", "sold")
COUNT_OF = {stage: f"customers_{stage}" for stage in STAGES}


def bitmap_of(lead_ids: np.ndarray) -> BitMap:
    """A bitmap of uint32 lead ids, in any order and with repeats (pyroaring copies an
    array.array in one call; from numpy it would add the ids one by one). Not run-optimized, so
    a set serializes to the same bytes however it was built."""
    return BitMap(array("I", lead_ids.astype(np.uint32, copy=False).tobytes()), optimize=False)


@dataclass(frozen=True)
class Stages:
    """The leads at each stage; each set contains the next (dialled ⊇ reached ⊇ quoted ⊇ sold)."""

    dialled: BitMap
    reached: BitMap
    quoted: BitMap
    sold: BitMap

    @classmethod
    def empty(cls) -> Stages:
        return cls(BitMap(), BitMap(), BitMap(), BitMap())

    @classmethod
    def from_leads(cls, lead_ids: np.ndarray, stages: np.ndarray) -> Stages:
        """From parallel arrays: lead id and its highest stage (1–4) for one subject and span."""
        lead_ids = np.asarray(lead_ids, dtype=np.uint32)
        stages = np.asarray(stages)
        return cls(*(bitmap_of(lead_ids[stages >= level]) for level in range(1, 5)))

    @classmethod
    def union(cls, items: Iterable[Stages]) -> Stages:
        items = list(items)
        if not items:
            return cls.empty()
        return cls(*(BitMap.union(*(getattr(s, stage) for s in items)) for stage in STAGES))

    @classmethod
    def deserialize(cls, blobs: Iterable[bytes | memoryview]) -> Stages:
        return cls(*(BitMap.deserialize(bytes(blob)) for blob in blobs))

    def sets(self) -> tuple[BitMap, BitMap, BitMap, BitMap]:
        return self.dialled, self.reached, self.quoted, self.sold

    def serialized(self) -> dict[str, bytes]:
        return {stage: getattr(self, stage).serialize() for stage in STAGES}

    def counts(self) -> dict[str, int]:
        """The distinct customers at each stage, as the KPI count fields."""
        return {COUNT_OF[stage]: len(getattr(self, stage)) for stage in STAGES}


def stages_from_items(items: str | None) -> Stages:
    """A subject's Stages from the text "item,item,…" (or None/"": none) kpis.sql gives for its
    dialled calls, each item lead id × 8 + the call's stage (1 dialled … 4 sold): a lead is in
    the set of every stage up to the highest of its calls."""
    values = np.fromstring(items, dtype=np.int64, sep=",") if items else np.empty(0, dtype=np.int64)
    return Stages.from_leads(values >> 3, values & 7)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def split_period(start: dt.date, end: dt.date) -> tuple[list[dt.date], list[dt.date]]:
    """The calendar months inside [start, end] whole (their first days) and the other days."""
    months, days = [], []
    month = month_of(start)
    while month <= end:
        following = next_month(month)
        last = following - dt.timedelta(days=1)
        if month >= start and last <= end:
            months.append(month)
        else:
            day = max(month, start)
            while day <= min(last, end):
                days.append(day)
                day += dt.timedelta(days=1)
        month = following
    return months, days


def span_owners(buckets: Iterable[tuple[object, dt.date, dt.date]]) -> dict[tuple[str, dt.date], object]:
    """Which bucket each stored span belongs to: {("month" | "day", start): bucket}, for buckets
    given as (bucket, first day, last day) that do not overlap."""
    owners: dict[tuple[str, dt.date], object] = {}
    for bucket, start, end in buckets:
        months, days = split_period(start, end)
        owners.update({("month", m): bucket for m in months})
        owners.update({("day", d): bucket for d in days})
    return owners
