"""The company's summed facts per segment combination and day, from the rep-day items the KPI
job's statement already returns (kpis/sql.py): every call is an item "lead id × 8 + stage" in
DailyRepKpi.lead_stages, with its talk seconds at the same place in `talk_items` and, for a sold
call, its premium and margin cents in `sale_items`. Each item's lead has a small integer
combination id (kpis.models.SegmentCombo, a numpy lookup by lead id), so the sums per
(combination, day) are one numpy grouping per chunk of rows: no second scan of the calls.

No database access: rows and calls in, sums out (kpis/segment_store.py reads and writes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import numpy as np

# Per (combination, day): calls (all), calls_made, calls_reached, policies_sold, premium and margin cents, talk seconds.
SUMS = ("calls", "calls_made", "calls_reached", "policies_sold", "premium", "margin_amount", "talk_seconds")
_EPOCH = dt.date(1970, 1, 1)
_DAY_BITS = 20  # days since 1970 < 2^20 (until year 4840)


def _ints(texts: list[str]) -> np.ndarray:
    joined = ",".join(filter(None, texts))
    return np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.empty(0, dtype=np.int64)


class Items:
    """Every call of some rep-day rows (ITEM_COLUMNS: rep, team, day, lead_stages, talk_items,
    sale_items) as parallel arrays: day (days since 1970), lead, stage, talk, premium, margin."""

    def __init__(self, day, lead, stage, talk, premium, margin) -> None:
        self.day, self.lead, self.stage, self.talk, self.premium, self.margin = day, lead, stage, talk, premium, margin

    @classmethod
    def from_rows(cls, rows: list[tuple]) -> Items:
        texts = [row[3] or "" for row in rows]
        lengths = np.fromiter((t.count(",") + 1 if t else 0 for t in texts), dtype=np.int64, count=len(texts))
        items, talk = _ints(texts), _ints([row[4] or "" for row in rows])
        sales = _ints([row[5] or "" for row in rows]).reshape(-1, 2)
        if len(talk) != len(items):
            raise ValueError("talk_items is not aligned with lead_stages (facts from before segment sums: rebuild)")
        days = np.array([(row[2] - _EPOCH).days for row in rows], dtype=np.int64)
        stage = items & 7
        premium, margin = np.zeros(len(items), dtype=np.int64), np.zeros(len(items), dtype=np.int64)
        sold = stage == 4
        premium[sold], margin[sold] = sales[:, 0], sales[:, 1]
        return cls(np.repeat(days, lengths), items >> 3, stage, talk, premium, margin)

    @classmethod
    def from_calls(cls, calls: Iterable[tuple]) -> Items:
        """From call rows (local day, lead id, stage, talk, premium cents, margin cents)."""
        calls = list(calls)
        if not calls:
            return cls(*(np.empty(0, dtype=np.int64) for _ in range(6)))
        day, *rest = zip(*calls, strict=True)
        return cls(np.array([(d - _EPOCH).days for d in day], dtype=np.int64),
                   *(np.array(column, dtype=np.int64) for column in rest))

    def measures(self) -> np.ndarray:
        """One row per item: what it adds to each of SUMS."""
        return np.stack([np.ones(len(self.stage), dtype=bool), self.stage >= 1, self.stage >= 2, self.stage == 4,
                         self.premium, self.margin, self.talk], axis=1).astype(np.int64)


class SegmentSums:
    """Sums per (combination, day) of items added (or taken away, sign -1) in chunks."""

    def __init__(self) -> None:
        self._keys: list[np.ndarray] = []
        self._values: list[np.ndarray] = []

    def add(self, items: Items, combo_of: Callable[[np.ndarray], np.ndarray], sign: int = 1) -> None:
        """Sum the items per (combination, day) now (a chunk of rows is reduced to a few rows)."""
        if not len(items.lead):
            return
        keys = (combo_of(items.lead).astype(np.int64) << _DAY_BITS) | items.day
        self._keep(*_reduce(keys, items.measures() * sign))

    def _keep(self, keys: np.ndarray, values: np.ndarray) -> None:
        self._keys.append(keys)
        self._values.append(values)
        if len(self._keys) > 16:  # keep memory flat over many chunks
            merged = _reduce(np.concatenate(self._keys), np.concatenate(self._values))
            self._keys, self._values = [merged[0]], [merged[1]]

    def totals(self) -> list[tuple[int, dt.date, list[int]]]:
        """(combination id, day, SUMS as ints) of every (combination, day) added to, including
        those whose changes cancel out (all zeros: the caller may drop or keep them)."""
        if not self._keys:
            return []
        keys, sums = _reduce(np.concatenate(self._keys), np.concatenate(self._values))
        combos, days = (keys >> _DAY_BITS).tolist(), (keys & ((1 << _DAY_BITS) - 1)).tolist()
        return [(combo, _EPOCH + dt.timedelta(days=day), row)
                for combo, day, row in zip(combos, days, sums.tolist(), strict=True)]


def _reduce(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys (sorted) and the exact int64 sum of the values' rows of each."""
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[starts], np.add.reduceat(values, starts, axis=0)
