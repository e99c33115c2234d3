"""The rebuild's team, company and month lead sets built many at a time (kpis/bulksets.py) equal
plain Python sets of the same rep-day rows, however the rows are split into chunks; a rep-day's
items read back as its sets; a month's stored sets move onto the fact rows unchanged (0006)."""

import datetime as dt
import importlib
from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st
from pyroaring import BitMap

from kpis.bulksets import SetBuilder
from kpis.leadsets import STAGES, Stages, stages_from_items

DAYS = [dt.date(2025, 1, 30) + dt.timedelta(days=i) for i in range(5)]  # across a month's end
BIG = 2**32 - 1  # the largest lead id a set holds

calls = st.lists(st.tuples(st.sampled_from([1, 2, 3, 70_000, 70_001, BIG]), st.integers(1, 4)), max_size=6)
rep_days = st.dictionaries(
    st.tuples(st.integers(1, 4), st.sampled_from(DAYS)),  # (rep, day): one fact row each
    calls, max_size=12)
teams = st.fixed_dictionaries({rep: st.sampled_from([None, 7, 8]) for rep in range(1, 5)})


def _rows(rep_days, teams):
    return [(rep, teams[rep], day, ",".join(str(lead * 8 + stage) for lead, stage in items))
            for (rep, day), items in rep_days.items()]


def _expected(rows):
    """{(level, key, team_key, grain, start): [set of leads at stage ≥ k for k = 1…4]} by hand."""
    out = defaultdict(lambda: [set(), set(), set(), set()])
    for rep, team, day, text in rows:
        month = day.replace(day=1)
        subjects = [("company", 0, 0, "day", day), ("company", 0, 0, "month", month), ("rep", rep, team or 0, "month", month)]
        if team:
            subjects += [("team", team, 0, "day", day), ("team", team, 0, "month", month)]
        for item in filter(None, text.split(",")):
            lead, stage = int(item) >> 3, int(item) & 7
            for subject in subjects:
                for level in range(stage):
                    out[subject][level].add(lead)
    return {subject: sets for subject, sets in out.items()}


def _built(builder):
    rows = [*builder.day_rows(), *builder.rep_month_rows(), *builder.team_month_rows()]
    return {tuple(row[:5]): [set(BitMap.deserialize(blob)) for blob in row[5:]] for row in rows}


@given(rep_days, teams, st.lists(st.integers(0, 12), max_size=3))
def test_sets_built_in_chunks_equal_plain_sets(rep_days, teams, cuts):
    rows = _rows(rep_days, teams)
    builder = SetBuilder()
    bounds = [0, *sorted(cuts), len(rows)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        builder.add(rows[a:b])
    assert _built(builder) == _expected(rows)


def test_days_from_leaves_out_the_day_sets_before_it_but_not_their_months():
    rows = [(1, 7, DAYS[2], "9"), (1, 7, DAYS[3], "18")]  # lead 1 dialled on the 1st, lead 2 reached on the 2nd
    builder = SetBuilder()
    builder.add(rows)
    assert {(r[0], r[4]) for r in builder.day_rows(days_from=DAYS[3])} == {("team", DAYS[3]), ("company", DAYS[3])}
    months = {r[:2]: [set(BitMap.deserialize(b)) for b in r[5:]] for r in builder.team_month_rows()}
    assert months[("team", 7)] == [{1, 2}, {2}, set(), set()]


@given(calls)
def test_a_rep_days_items_read_back_as_its_sets(items):
    text = ",".join(str(lead * 8 + stage) for lead, stage in items)
    stages = stages_from_items(text)
    for level, stage in enumerate(STAGES, start=1):
        assert set(getattr(stages, stage)) == {lead for lead, s in items if s >= level}


def test_the_migration_moves_a_stored_rep_day_set_onto_its_fact_unchanged():
    migration = importlib.import_module("kpis.migrations.0006_move_rep_day_sets_onto_facts")
    stored = Stages.from_leads([5, 6, 7, BIG], [1, 4, 2, 3])
    moved = stages_from_items(migration._lead_stages(stored.serialized().values()))
    assert moved.counts() == stored.counts() and all(a == b for a, b in zip(moved.sets(), stored.sets(), strict=True))
