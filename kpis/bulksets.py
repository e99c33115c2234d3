"""The team, company and month lead sets of many rep-days at once (kpis/services.py).

The KPI job's statement (kpis.sql.rep_day_facts_sql) writes each rep-day's lead set on its fact
row as text, "lead id × 8 + stage" per dialled call. The other sets are unions of those: a
team's day (the lead at the highest stage any of its reps reached), the company's day, and each
rep's, team's and the company's month. A year has ~10 million such items; here they are parsed
with numpy a chunk of rows at a time, sorted once per grouping, and each group becomes four
pyroaring bitmaps (one per stage) built from a slice, merged in place across chunks.

No database access: rows in, kpis_leadset rows out.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from pyroaring import BitMap

from kpis.leadsets import Stages, month_of

Row = tuple  # (rep_id, team_id or None, day, lead_stages) of a rep-day


def parse_rows(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row index, lead id, stage) of every item of the rows' lead_stages texts, in row order."""
    lengths = np.fromiter((t.count(",") + 1 if t else 0 for t in texts), dtype=np.int64, count=len(texts))
    joined = ",".join(filter(None, texts))
    items = np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.empty(0, dtype=np.int64)
    dialled = (items & 7) > 0  # as written, every item is (a stage 0 call is not an attempt)
    return (np.repeat(np.arange(len(texts)), lengths)[dialled], (items[dialled] >> 3).astype(np.uint32),
            (items[dialled] & 7).astype(np.int64))


def _groups(*columns: np.ndarray) -> tuple[list[tuple], np.ndarray]:
    """The distinct combinations of the columns' values (in sorted order) and each row's index
    into them."""
    order = np.lexsort(columns[::-1])
    ordered = [column[order] for column in columns]
    starts = np.zeros(len(order), dtype=bool)
    starts[:1] = True
    for column in ordered:
        starts[1:] |= column[1:] != column[:-1]
    group_of = np.empty(len(order), dtype=np.int64)
    group_of[order] = np.cumsum(starts) - 1
    return list(zip(*(column[starts].tolist() for column in ordered), strict=True)), group_of


def _sets_by_group(groups: np.ndarray, count: int, leads: np.ndarray, stages: np.ndarray) -> list[Stages | None]:
    """The Stages of each group (None: no items) from items (group, lead, stage): the items of
    a group sorted by stage, highest first, so each stage's set is a prefix of them."""
    order = np.argsort(groups * 8 + (7 - stages))
    leads = leads[order].astype(np.uint32).tobytes()
    at_least = np.cumsum(np.bincount(groups * 4 + (4 - stages), minlength=4 * count).reshape(count, 4), axis=1)
    bounds = np.searchsorted(groups[order], np.arange(count + 1)).tolist()
    out = []
    for j, sizes in enumerate(at_least.tolist()):  # sizes: items at stage ≥ 4, 3, 2, 1
        a = 4 * bounds[j]
        out.append(Stages(*(BitMap(array("I", leads[a: a + 4 * n]), optimize=False) for n in reversed(sizes)))
                   if sizes[3] else None)
    return out


def _merge(into: dict, key, stages: Stages) -> None:
    """into[key] ∪= stages (the stored bitmaps are updated in place)."""
    have = into.get(key)
    if have is None:
        into[key] = stages
        return
    for mine, theirs in zip(have.sets(), stages.sets(), strict=True):
        mine |= theirs


class SetBuilder:
    """Team-day, company-day and month sets of rep-day rows added in chunks, in any order: a
    rep's rows of one month may come in several chunks."""

    def __init__(self) -> None:
        self.team_days: dict[tuple[int, dt.date], Stages] = {}  # team 0: the reps of no team
        self.rep_months: dict[tuple[int, int, dt.date], Stages] = {}

    def add(self, rows: Iterable[Row]) -> None:
        rows = list(rows)
        if not rows:
            return
        positions, leads, stages = parse_rows([row[3] for row in rows])
        reps = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        teams = np.fromiter((row[1] or 0 for row in rows), dtype=np.int64, count=len(rows))
        days = np.array([row[2] for row in rows], dtype="datetime64[D]")
        for into, columns in ((self.team_days, (teams, days)),
                              (self.rep_months, (reps, teams, days.astype("datetime64[M]").astype("datetime64[D]")))):
            keys, group_of = _groups(*(c.view(np.int64) for c in columns))
            for key, stages_ in zip(keys, _sets_by_group(group_of[positions], len(keys), leads, stages), strict=True):
                if stages_ is not None:
                    _merge(into, (*key[:-1], _date(key[-1])), stages_)

    def day_rows(self, days_from: dt.date | None = None) -> list[tuple]:
        """kpis_leadset rows (sets as bytes) of the team and company days (from `days_from`)."""
        company: dict[dt.date, list[Stages]] = defaultdict(list)
        rows = []
        for (team, day), stages in self.team_days.items():
            company[day].append(stages)
            if team and (days_from is None or day >= days_from):
                rows.append(_row("team", team, 0, "day", day, stages))
        rows += [_row("company", 0, 0, "day", day, Stages.union(sets)) for day, sets in company.items()
                 if days_from is None or day >= days_from]
        return rows

    def rep_month_rows(self) -> list[tuple]:
        return [_row("rep", rep, team, "month", month, stages) for (rep, team, month), stages in self.rep_months.items()]

    def team_month_rows(self) -> list[tuple]:
        """The team and company months, as unions of the days added (each month's days all added)."""
        teams: dict[tuple[int, dt.date], list[Stages]] = defaultdict(list)
        for (team, day), stages in self.team_days.items():
            teams[(team, month_of(day))].append(stages)
            teams[(-1, month_of(day))].append(stages)
        return [_row("company", 0, 0, "month", month, Stages.union(sets)) if team == -1 else
                _row("team", team, 0, "month", month, Stages.union(sets))
                for (team, month), sets in teams.items() if team]


_EPOCH = dt.date(1970, 1, 1)


def _date(days_since_epoch: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=days_since_epoch)


def _row(level: str, key: int, team_key: int, grain: str, start: dt.date, stages: Stages) -> tuple:
    return (level, key, team_key, grain, start, *stages.serialized().values())
