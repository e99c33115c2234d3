"""Many lead sets at once, for the KPI job's rebuild of whole months (kpis/services.py).

The job's statement (kpis.sql.rep_day_facts_sql) gives each rep-day's dialled calls as items
(lead id × 8 + stage). A year has ~1.5 million rep-day sets (a rep-day × 4 stages); building a
pyroaring bitmap for each costs a few microseconds in Python, which would be most of a rebuild.
Here a month's rep-day sets are built with numpy instead: one sort of the month's items, then
the portable roaring serialization (https://github.com/RoaringBitmap/RoaringFormatSpec) of every
set written by array operations (serialize_groups): the same bytes pyroaring deserializes. The
team, company and month sets are few and large: pyroaring bitmaps of slices of the same items,
and unions of those.

No database access here: rows in, counts and lead-set rows out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from kpis.leadsets import STAGES, Stages, bitmap_of

_COOKIE = 12346  # SERIAL_COOKIE_NO_RUNCONTAINER: array and bitset containers, with an offset header
_ARRAY_MAX = 4096  # a container with more values is a bitset; serialize_groups leaves those to pyroaring


def serialize_groups(groups: np.ndarray, leads: np.ndarray, n: int) -> tuple[list[str], np.ndarray]:
    """The roaring serialization (as hex text) of n sets at once and their sizes: set i holds
    the `leads` whose `groups` entry is i. Both arrays are sorted by (group, lead) without
    repeats. Each set is: cookie and container count (uint32 each), a (key, cardinality - 1)
    pair of uint16 per container, a uint32 byte offset per container, then each container's
    low 16 bits as sorted uint16, all little-endian: written here as one uint16 array."""
    groups = groups.astype(np.int64, copy=False)
    leads = leads.astype(np.uint32, copy=False)
    size_n = len(leads)
    high = leads >> 16
    starts = np.ones(size_n, dtype=bool)
    starts[1:] = (groups[1:] != groups[:-1]) | (high[1:] != high[:-1])
    first_value = np.flatnonzero(starts)  # each container's first value
    container_group, key = groups[first_value], high[first_value]
    cardinality = np.diff(first_value, append=size_n)
    containers = np.bincount(container_group, minlength=n)
    sizes = np.bincount(groups, minlength=n)
    words = 4 + 4 * containers + sizes  # uint16 words of each set
    offset = np.cumsum(words) - words
    out = np.zeros(int(words.sum()), dtype="<u2")
    out[offset] = _COOKIE
    out[offset + 2] = containers & 0xFFFF
    out[offset + 3] = containers >> 16
    rank = np.arange(len(first_value)) - (np.cumsum(containers) - containers)[container_group]
    pair = offset[container_group] + 4 + 2 * rank
    out[pair] = key
    out[pair + 1] = cardinality - 1
    first_of_group = np.cumsum(sizes) - sizes
    data_bytes = 2 * (4 + 4 * containers[container_group] + first_value - first_of_group[container_group])
    at = pair + 2 * containers[container_group]
    out[at] = data_bytes & 0xFFFF
    out[at + 1] = data_bytes >> 16
    out[np.arange(size_n) + np.repeat(offset + 4 + 4 * containers - first_of_group, sizes)] = leads & 0xFFFF
    text = out.tobytes().hex()
    hexes = [text[4 * a: 4 * b] for a, b in zip(offset.tolist(), (offset + words).tolist(), strict=True)]
    for group in np.unique(container_group[cardinality > _ARRAY_MAX]).tolist():
        hexes[group] = bitmap_of(leads[groups == group]).serialize().hex()
    return hexes, sizes


def highest_stages(positions: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(position, lead, stage) once per position and lead, with the lead's highest stage, sorted
    by position then lead, from items (lead id × 8 + stage) and the position each belongs to."""
    packed = np.sort((positions.astype(np.int64) << 35) | items)
    lead_key = packed >> 3
    last = np.ones(len(packed), dtype=bool)
    last[:-1] = lead_key[1:] != lead_key[:-1]
    packed = packed[last]
    return packed >> 35, ((packed >> 3) & 0xFFFFFFFF).astype(np.uint32), (packed & 7).astype(np.int8)


def _stages(leads: np.ndarray, stages: np.ndarray) -> Stages:
    return Stages(*(bitmap_of(leads[stages >= level]) for level in range(1, 5)))


@dataclass
class MonthSets:
    """The lead sets a rebuild writes for (part of) one month, from the month's rep-day rows.

    `counts[i]` holds row i's distinct customers per stage; `rows` the kpis_leadset rows as
    (level, key, team_key, grain, start, dialled, reached, quoted, sold), the sets as hex."""

    counts: np.ndarray
    rows: list[tuple]


def month_sets(facts: list[tuple], month: dt.date,
               earlier: dict[tuple[str, int, int], list[Stages]] | None = None) -> MonthSets:
    """Rep-day, team-day, company-day and month sets of the rows (rep_id, team_id, day, items)
    of one month's days, and each row's distinct customers. `earlier` adds stored day sets of the
    month's other days to its month sets: {(level, key, team_key): [Stages, …]}."""
    n = len(facts)
    reps = np.fromiter((row[0] for row in facts), dtype=np.int64, count=n)
    teams = np.fromiter((row[1] or 0 for row in facts), dtype=np.int64, count=n)
    days = np.fromiter((row[2].toordinal() for row in facts), dtype=np.int64, count=n)
    order = np.lexsort((reps, teams, days))  # by day, team, rep: a team-day is a run of positions
    texts = [facts[i][3] for i in order.tolist()]
    lengths = np.fromiter((t.count(",") + 1 if t else 0 for t in texts), dtype=np.int64, count=n)
    items = np.fromstring(",".join(filter(None, texts)), dtype=np.int64, sep=",") if lengths.any() else \
        np.empty(0, dtype=np.int64)
    positions, leads, stages = highest_stages(np.repeat(np.arange(n), lengths), items)
    counts = np.zeros((n, len(STAGES)), dtype=np.int64)
    hexes = []
    for level in range(1, len(STAGES) + 1):
        keep = stages >= level
        level_hexes, sizes = serialize_groups(positions[keep], leads[keep], n)
        hexes.append(level_hexes)
        counts[order, level - 1] = sizes
    reps, teams, days = reps[order].tolist(), teams[order].tolist(), days[order].tolist()
    rows = [("rep", reps[i], teams[i], "day", dt.date.fromordinal(days[i]), *(h[i] for h in hexes))
            for i in np.flatnonzero(counts[order, 0]).tolist()]
    unions = _Unions(earlier or {})
    _team_days(unions, positions, leads, stages, teams, days)
    _rep_months(unions, positions, leads, stages, reps, teams)
    rows += unions.rows(month)
    return MonthSets(counts=counts, rows=rows)


class _Unions:
    """The team-day, company-day and month sets of a month, as pyroaring Stages."""

    def __init__(self, earlier: dict[tuple[str, int, int], list[Stages]]) -> None:
        self.day: dict[tuple[str, int, int], Stages] = {}
        self.month: dict[tuple[str, int, int], list[Stages]] = defaultdict(list)
        for subject, sets in earlier.items():
            self.month[subject] += sets

    def rows(self, month: dt.date) -> list[tuple]:
        def row(level, key, team_key, grain, start, stages: Stages):
            return (level, key, team_key, grain, start, *(s.hex() for s in stages.serialized().values()))

        out = [row(level, key, 0, "day", dt.date.fromordinal(day), stages)
               for (level, key, day), stages in self.day.items() if level == "company" or key]
        out += [row(level, key, team_key, "month", month, Stages.union(sets))
                for (level, key, team_key), sets in self.month.items() if level != "team" or key]
        return out


def _team_days(unions: _Unions, positions, leads, stages, teams: list[int], days: list[int]) -> None:
    """Team-day sets from runs of positions (sorted by day, team), the company-day sets as their
    unions (reps of no team included), and both as parts of the month sets."""
    n = len(teams)
    starts = [i for i in range(n) if i == 0 or (days[i], teams[i]) != (days[i - 1], teams[i - 1])]
    bounds = np.searchsorted(positions, [*starts, n]).tolist()
    by_day: dict[int, list[Stages]] = defaultdict(list)
    for j, first in enumerate(starts):
        a, b = bounds[j], bounds[j + 1]
        if a == b:
            continue
        team_day = _stages(leads[a:b], stages[a:b])
        by_day[days[first]].append(team_day)
        if teams[first]:
            unions.day[("team", teams[first], days[first])] = team_day
            unions.month[("team", teams[first], 0)].append(team_day)
    for day, sets in by_day.items():
        company = Stages.union(sets)
        unions.day[("company", 0, day)] = company
        unions.month[("company", 0, 0)].append(company)


def _rep_months(unions: _Unions, positions, leads, stages, reps: list[int], teams: list[int]) -> None:
    """Each (rep, team) pair's month set from all its items of the month."""
    pairs, subject_of = np.unique((np.array(reps, dtype=np.int64) << 32) | np.array(teams, dtype=np.int64),
                                  return_inverse=True)
    of_item = subject_of.reshape(-1)[positions]
    order = np.argsort(of_item, kind="stable")
    bounds = np.searchsorted(of_item[order], np.arange(len(pairs) + 1)).tolist()
    leads, stages = leads[order], stages[order]
    for j, pair in enumerate(pairs.tolist()):
        a, b = bounds[j], bounds[j + 1]
        if a < b:
            unions.month[("rep", pair >> 32, pair & 0xFFFFFFFF)].append(_stages(leads[a:b], stages[a:b]))


def stored_subjects(sets: Iterable[tuple[str, int, int, Stages]]) -> dict[tuple[str, int, int], list[Stages]]:
    """{(level, key, team_key): [Stages, …]} of stored day sets, for month_sets' `earlier`."""
    out: dict[tuple[str, int, int], list[Stages]] = defaultdict(list)
    for level, key, team_key, stages in sets:
        out[(level, key, team_key)].append(stages)
    return out
