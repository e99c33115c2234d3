"""The KPI definitions in SQL, one place for the KPI job (kpis/services.py), today's live numbers
(kpis/live.py) and the cuts by lead segment (kpis/segments.py): which calls count at which
funnel stage, what each call adds to the summed facts, and the statements built from them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.conf import settings
from django.db import connection

from kpis.leadsets import COUNT_OF, STAGES
from kpis.models import DailyRepKpi
from telesales.days import day_bounds

# Funnel is monotone per call: sold ⇒ quoted ⇒ reached ⇒ dialled (see kpis/domain/drivers.py).
_SOLD = "d.sold"
_QUOTED = "(d.quoted OR d.sold)"
_REACHED = "(d.reached OR d.quoted OR d.sold)"
_DIALLED = "(d.attempted OR d.reached OR d.quoted OR d.sold)"

# A call's stage (1 dialled … 4 sold, 0 not an attempt); a lead's stage for a span is the highest.
_STAGE = "CASE WHEN d.sold THEN 4 WHEN d.quoted THEN 3 WHEN d.reached THEN 2 WHEN d.attempted THEN 1 ELSE 0 END"

# The facts that add up, as aggregates over a group of calls (c, with its disposition d). A
# filter, not a CASE, so a call that sold nothing adds nothing (no money arithmetic per call).
MEASURES = {
    "calls_made": f"COUNT(*) FILTER (WHERE {_DIALLED})",
    "calls_reached": f"COUNT(*) FILTER (WHERE {_REACHED})",
    "policies_sold": f"COUNT(*) FILTER (WHERE {_SOLD})",
    "premium": f"SUM(c.premium) FILTER (WHERE {_SOLD})",  # no premium: 0
    "margin_amount": f"SUM(ROUND(c.premium * c.margin_rate, 2)) FILTER (WHERE {_SOLD})",  # either missing: 0
    "talk_seconds": "SUM(c.duration_seconds)",
}
SUMMED = tuple(MEASURES)  # the facts that add up over calls, days and people
COUNTED = tuple(COUNT_OF[stage] for stage in STAGES)  # distinct customers per stage
MONEY = ("premium", "margin_amount")
CENT = Decimal("0.01")


def ts(value: dt.datetime):
    """A datetime parameter as the backend stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def money(value) -> Decimal:
    """A summed amount as the facts' decimal columns keep it (SQLite sums money as floats)."""
    return Decimal(str(value or 0)).quantize(CENT)


def _text_agg(expression: str) -> str:
    if connection.vendor == "postgresql":
        return f"string_agg(CAST({expression} AS text), ',')"
    return f"group_concat({expression}, ',')"


def _user_table() -> str:
    return DailyRepKpi._meta.get_field("rep").related_model._meta.db_table


FACT_COLUMNS = ("rep_id", "team_id", "day", *SUMMED, *COUNTED, "lead_stages", "talk_items", "sale_items")
ITEM_COLUMNS = ("rep_id", "team_id", "day", "lead_stages", "talk_items", "sale_items")  # what the job reads back
_AT_STAGE = dict(zip(COUNTED, (_DIALLED, _REACHED, _QUOTED, _SOLD), strict=True))  # a call at this stage or later
# A dialled call as one number: its lead id × 8 + its stage (kpis.leadsets.stages_from_items).
_ITEM = f"c.lead_id * 8 + {_STAGE}"
# A sold call's premium and margin in cents, "premium,margin" (each as the facts round it).
_SALE = ("CAST(CAST(ROUND(COALESCE(c.premium, 0) * 100) AS bigint) AS text) || ',' || "
         "CAST(CAST(ROUND(COALESCE(ROUND(c.premium * c.margin_rate, 2), 0) * 100) AS bigint) AS text)")


def rep_day_facts_sql(where_sql: str, *, per_day: bool) -> str:
    """The facts of each rep and local day (FACT_COLUMNS) in one pass over the calls: per
    (rep, day) the SUMMED facts, the distinct customers at each stage (COUNTED) and
    `lead_stages`, the rep-day's lead set as its calls (lead id × 8 + the call's stage, 0 for a
    call that is not an attempt, a lead called twice twice: kpis.leadsets), `talk_items` (each
    call's talk seconds, in the same order) and `sale_items` (each sold call's premium and margin
    cents, in the same order), with the rep's team now (NULL for none).
    Parameters: the time zone (the local day of each call) or, `per_day`, the one day the bounds
    hold (as stored: SQLite has no time zones), the bounds [start, end) as `ts` values, then
    those of `where_sql` (an `AND …` on `c`, the calls).

    Calls are grouped by rep, day and lead first (a lead's highest stage, its sums and items),
    then by rep and day over that one sort: the distinct customers at a stage are the leads whose
    highest stage reaches it, with no COUNT(DISTINCT) (which sorts each group once per count).
    The team is joined to the groups."""
    day = "(c.started_at AT TIME ZONE %s)::date"
    if per_day:
        day = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    sums = ", ".join(f"{aggregate} AS {name}" for name, aggregate in MEASURES.items())
    summed = ", ".join(f"SUM(p.{name}) AS {name}" for name in SUMMED)
    counts = ", ".join(f"COUNT(*) FILTER (WHERE p.stage >= {level}) AS {name}"
                       for level, name in enumerate(COUNTED, start=1))
    money = ", ".join(f"COALESCE(f.{name}, 0) AS {name}" if name in MONEY else f"f.{name}" for name in SUMMED)
    return f"""
        SELECT f.rep_id, u.team_id, f.day, {money}, {", ".join(f"f.{name}" for name in COUNTED)},
               COALESCE(f.lead_stages, '') AS lead_stages, COALESCE(f.talk_items, '') AS talk_items,
               COALESCE(f.sale_items, '') AS sale_items
        FROM (
            SELECT p.rep_id, p.day, {summed}, {counts}, {_text_agg("p.lead_stages")} AS lead_stages,
                   {_text_agg("p.talk_items")} AS talk_items, {_text_agg("p.sale_items")} AS sale_items
            FROM (
                SELECT c.rep_id, {day} AS day, c.lead_id, MAX({_STAGE}) AS stage, {sums},
                       {_text_agg(_ITEM)} AS lead_stages, {_text_agg("c.duration_seconds")} AS talk_items,
                       {_text_agg(_SALE)} FILTER (WHERE {_SOLD}) AS sale_items
                FROM calls_call c
                JOIN calls_disposition d ON d.id = c.disposition_id
                WHERE c.started_at >= %s AND c.started_at < %s {where_sql}
                GROUP BY 1, 2, 3
            ) p
            GROUP BY 1, 2
        ) f
        JOIN {_user_table()} u ON u.id = f.rep_id
    """


def reps_sql(column: str, rep_ids) -> str:
    """`AND <column> IN (%s, …)` for rep_day_facts' `where_sql` (parameters: the ids)."""
    return f"AND {column} IN ({', '.join(['%s'] * len(rep_ids))})"


def team_calls_sql() -> str:
    """rep_day_facts' `where_sql` for the calls of the reps on a team now (parameter: its id)."""
    return f"AND c.rep_id IN (SELECT id FROM {_user_table()} WHERE team_id = %s)"


def rep_day_facts(cursor, first: dt.date, last: dt.date, where_sql: str = "", params=(), *,
                  insert: bool = False, per_day: bool | None = None) -> list[tuple]:
    """Rows (FACT_COLUMNS) of rep_day_facts_sql for the local days first…last and the calls
    `where_sql` selects: one statement for the whole span, the local day computed per call
    (PostgreSQL), or one per day (`per_day`, the default elsewhere: SQLite has no time zones;
    each day is its index range on started_at). With `insert` the rows go straight into
    DailyRepKpi, in the same statement, and only ITEM_COLUMNS come back. (Counting the distinct
    customers from the items in numpy and copying the rows in instead was no faster here.)"""
    if per_day is None:
        per_day = connection.vendor != "postgresql"
    statement = rep_day_facts_sql(where_sql, per_day=per_day)
    if insert:
        statement = (f"INSERT INTO {DailyRepKpi._meta.db_table} ({', '.join(FACT_COLUMNS)}) {statement} "
                     f"RETURNING {', '.join(ITEM_COLUMNS)}")
    return _fetch(cursor, statement, first, last, params, per_day=per_day)


def _fetch(cursor, statement: str, first: dt.date, last: dt.date, params, *, per_day: bool) -> list[tuple]:
    if not per_day:
        start, end = day_bounds(first, (last - first).days + 1)
        cursor.execute(statement, [settings.TIME_ZONE, ts(start), ts(end), *params])
        return cursor.fetchall()
    rows = []
    day = first
    while day <= last:
        start, end = day_bounds(day)
        cursor.execute(statement, [connection.ops.adapt_datefield_value(day), ts(start), ts(end), *params])
        rows += [(rep, team, day, *rest) for rep, team, _day, *rest in cursor.fetchall()]
        day += dt.timedelta(days=1)
    return rows


CALL_COLUMNS = ("lead_id", "disposition_id", "premium", "margin_rate", "duration_seconds")  # segment_facts_sql's calls


def segment_facts_sql(calls_sql: str, leads_sql: str) -> str:
    """Per value of a lead segment: the SUMMED facts and the distinct customers at each stage
    (COUNTED) of the calls `calls_sql` selects (columns CALL_COLUMNS), in one pass and no DISTINCT: each lead's highest stage and
    sums first, then per value of its segment (`leads_sql`: columns id, segment). A lead has one
    value, so the values split the customers: the total of a cut is the sum of its rows."""
    sums = ", ".join(f"{aggregate} AS {name}" for name, aggregate in MEASURES.items())
    outer = ", ".join([*(f"COALESCE(SUM(x.{name}), 0) AS {name}" for name in SUMMED),
                       *(f"COUNT(*) FILTER (WHERE x.stage >= {level}) AS {name}"
                         for level, name in enumerate(COUNTED, start=1))])
    return f"""
        SELECT s.segment, {outer}
        FROM (
            SELECT c.lead_id, MAX({_STAGE}) AS stage, {sums}
            FROM ({calls_sql}) c
            JOIN calls_disposition d ON d.id = c.disposition_id
            GROUP BY c.lead_id
        ) x
        JOIN ({leads_sql}) s ON s.id = x.lead_id
        GROUP BY s.segment
    """


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows: COPY on PostgreSQL, one prepared INSERT for all rows elsewhere. Values
    are written as str() gives them (dates ISO, None as NULL); bytes must come as COPY text
    already (bytea_text), as the job's bulk path makes them."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        marks = ", ".join(["%s"] * len(columns))
        adapt = connection.ops.adapt_datefield_value
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                           [tuple(adapt(v) if isinstance(v, dt.date) else _from_copy_text(v) for v in row)
                            for row in rows])
        return
    null = "\\N"
    lines = io.StringIO("".join([
        "\t".join(map(str, row if None not in row else [null if v is None else v for v in row])) + "\n"
        for row in rows]))
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", lines)


_BYTEA_PREFIX = "\\\\x"


def bytea_text(hex_text: str) -> str:
    """A bytea value (as hex digits) as COPY text takes it."""
    return _BYTEA_PREFIX + hex_text


def _from_copy_text(value):
    if isinstance(value, str) and value.startswith(_BYTEA_PREFIX):
        return bytes.fromhex(value[len(_BYTEA_PREFIX):])
    return value


LEAD_SET_COLUMNS = ("level", "key", "team_key", "grain", "start", "dialled", "reached", "quoted", "sold")
