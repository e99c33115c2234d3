"""The team, company and month lead sets of many rep-days at once (kpis/services.py).

The KPI job's statement (kpis.sql.rep_day_facts_sql) writes each rep-day's lead set on its fact
row as text, "lead id × 8 + highest stage" per lead. The other sets are unions of those: a
team's day (the lead at the highest stage any of its reps reached), the company's day, and each
rep's, team's and the company's month. A year has ~10 million such items; here they are parsed
with numpy a chunk of rows at a time, sorted once per grouping, and each group becomes four
pyroaring bitmaps (one per stage) built from a slice, merged in place across chunks.

No database access: rows in, kpis_leadset rows out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from kpis.leadsets import Stages, bitmap_of, month_of

Row = tuple  # (rep_id, team_id or None, day, lead_stages) of a rep-day


def parse_rows(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row index, lead id, stage) of every item of the rows' lead_stages texts, in row order."""
    lengths = np.fromiter((t.count(",") + 1 if t else 0 for t in texts), dtype=np.int64, count=len(texts))
    joined = ",".join(filter(None, texts))
    items = np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.empty(0, dtype=np.int64)
    return np.repeat(np.arange(len(texts)), lengths), (items >> 3).astype(np.uint32), (items & 7).astype(np.int8)


def _stages(leads: np.ndarray, stages: np.ndarray) -> Stages:
    return Stages(*(bitmap_of(leads[stages >= level]) for level in range(1, 5)))


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
        for into, key_of in ((self.team_days, lambda r: (r[1] or 0, r[2])),
                             (self.rep_months, lambda r: (r[0], r[1] or 0, month_of(r[2])))):
            keys: dict = {}
            group_of_row = np.fromiter((keys.setdefault(key_of(row), len(keys)) for row in rows), dtype=np.int64,
                                       count=len(rows))
            group = group_of_row[positions]
            order = np.argsort(group, kind="stable")
            bounds = np.searchsorted(group[order], np.arange(len(keys) + 1)).tolist()
            sorted_leads, sorted_stages = leads[order], stages[order]
            for key, j in keys.items():
                a, b = bounds[j], bounds[j + 1]
                if a < b:
                    _merge(into, key, _stages(sorted_leads[a:b], sorted_stages[a:b]))

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


def _row(level: str, key: int, team_key: int, grain: str, start: dt.date, stages: Stages) -> tuple:
    return (level, key, team_key, grain, start, *stages.serialized().values())
