"""What the funnel's SQL statements share: table names, bound datetimes, the owner filter, the
rank of a grade (won above A) and the per-grade tally a row adds to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from funnel.domain import GRADES
from leads.models import LeadStatus

RANK = {g: i for i, g in enumerate(GRADES)}  # E=0 … A=4; won counts as 5
WON_RANK = len(GRADES)


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def bound(value: dt.datetime):
    """A datetime as the database driver takes it as a parameter."""
    return connection.ops.adapt_datetimefield_value(value)


def owner_filter(column: str, owner_ids: list[int] | None) -> tuple[str, list]:
    """A WHERE condition (and its parameters) keeping the rows of these owners; None: any owner."""
    if owner_ids is None:
        return f"{column} IS NOT NULL", []
    if not owner_ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(owner_ids))})", list(owner_ids)


def empty_counts() -> dict[str, int]:
    return {**dict.fromkeys(GRADES, 0), "won": 0, "lost": 0}


def rank_sql(grade_col: str, status_col: str) -> str:
    """SQL for the rank of a grade change's result: E=0 … A=4, won 5, anything else -1."""
    whens = " ".join(f"WHEN {grade_col} = '{g}' THEN {r}" for g, r in RANK.items())
    return (
        f"CASE WHEN {status_col} = 'won' THEN {WON_RANK} "
        f"WHEN {status_col} = 'active' THEN (CASE {whens} ELSE -1 END) ELSE -1 END"
    )


def add_count(counts: dict[str, int], grade: str, status: str, n: int) -> None:
    """Add `n` leads to a funnel: active ones at their grade, won and lost ones by status."""
    if status == LeadStatus.ACTIVE:
        if grade in counts:
            counts[grade] += n
    elif status in ("won", "lost"):
        counts[status] += n


# The big funnel statements sort tens of thousands of grade changes: at PostgreSQL's default
# work_mem (4 MB) that sort spills to disk; and a low row estimate of the per-lead lateral lookups
# made PostgreSQL JIT-compile them, ~350 ms of compiling for a statement that runs in less.
HEAVY_WORK_MEM = "64MB"


@contextmanager
def heavy_read() -> Iterator[None]:
    """Run the statements inside with enough work_mem for their sorts and without JIT, for this
    transaction only (SET LOCAL: a pooled connection keeps its settings); a no-op off PostgreSQL."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)", [HEAVY_WORK_MEM])
        yield
