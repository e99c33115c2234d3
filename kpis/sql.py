"""The KPI definitions in SQL, one place for the nightly job (kpis/services.py) and the live
numbers of today (kpis/selectors.py): which calls count at which funnel stage, and the per-rep
facts of one local day."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Round

from kpis.leadsets import STAGES
from kpis.models import DailyRepKpi

# Funnel is monotone per call: sold ⇒ quoted ⇒ reached ⇒ dialled (see kpis/domain/drivers.py).
_SOLD = "d.sold"
_QUOTED = "(d.quoted OR d.sold)"
_REACHED = "(d.reached OR d.quoted OR d.sold)"
_DIALLED = "(d.attempted OR d.reached OR d.quoted OR d.sold)"

# A call's stage (1 dialled … 4 sold, 0 not an attempt); a lead's stage for a span is the highest.
_STAGE = "CASE WHEN d.sold THEN 4 WHEN d.quoted THEN 3 WHEN d.reached THEN 2 WHEN d.attempted THEN 1 ELSE 0 END"

# The fact columns day_facts_sql answers, in order (after rep_id, team_id; then the lead lists).
FACT_VALUES = ("calls_made", "calls_reached", "policies_sold", "customers_dialled", "customers_reached",
               "customers_quoted", "customers_sold", "premium", "margin_amount", "talk_seconds")


def ts(value: dt.datetime):
    """A datetime parameter as the backend stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def day_facts_sql(where_sql: str) -> str:
    """The facts of one local day per rep, in one pass over the day's calls: each lead's highest
    stage and sums per (rep, lead), then per rep the calls (all attempts, those that reached the
    customer, those that sold a policy), the distinct customers at each stage, premium, margin,
    talk, and the lead ids at exactly stage 1, 2, 3 and 4 as comma-separated text (for the lead
    sets, kpis.leadsets.stages_from_lists). Columns: rep_id, team_id (NULL for none), FACT_VALUES,
    then the four id lists. Parameters: the day's bounds as `ts` values (no time-zone maths runs
    per row), then those of `where_sql` (an `AND …` on `c`, the calls)."""
    user_table = DailyRepKpi._meta.get_field("rep").related_model._meta.db_table
    agg = "string_agg(CAST(lead_id AS text), ',')" if connection.vendor == "postgresql" else "group_concat(lead_id, ',')"
    ids = ", ".join(f"{agg.replace('lead_id', f'CASE WHEN stage = {k} THEN lead_id END')} AS ids_{k}"
                    for k in range(1, 5))
    return f"""
        SELECT rep_id, team_id, SUM(calls) AS calls_made, SUM(reached_calls) AS calls_reached,
               SUM(sales) AS policies_sold,
               SUM(CASE WHEN stage >= 1 THEN 1 ELSE 0 END) AS customers_dialled,
               SUM(CASE WHEN stage >= 2 THEN 1 ELSE 0 END) AS customers_reached,
               SUM(CASE WHEN stage >= 3 THEN 1 ELSE 0 END) AS customers_quoted,
               SUM(CASE WHEN stage >= 4 THEN 1 ELSE 0 END) AS customers_sold,
               SUM(premium) AS premium, SUM(margin) AS margin_amount, SUM(talk) AS talk_seconds, {ids}
        FROM (
            SELECT c.rep_id, u.team_id, c.lead_id, MAX({_STAGE}) AS stage,
                   SUM(CASE WHEN {_DIALLED} THEN 1 ELSE 0 END) AS calls,
                   SUM(CASE WHEN {_REACHED} THEN 1 ELSE 0 END) AS reached_calls,
                   SUM(CASE WHEN {_SOLD} THEN 1 ELSE 0 END) AS sales,
                   SUM(CASE WHEN {_SOLD} THEN COALESCE(c.premium, 0) ELSE 0 END) AS premium,
                   SUM(CASE WHEN {_SOLD} THEN ROUND(COALESCE(c.premium, 0) * COALESCE(c.margin_rate, 0), 2)
                       ELSE 0 END) AS margin,
                   SUM(c.duration_seconds) AS talk
            FROM calls_call c
            JOIN calls_disposition d ON d.id = c.disposition_id
            JOIN {user_table} u ON u.id = c.rep_id
            WHERE c.started_at >= %s AND c.started_at < %s {where_sql}
            GROUP BY c.rep_id, u.team_id, c.lead_id
        ) leads
        GROUP BY rep_id, team_id
    """


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows: COPY on PostgreSQL (bytes as bytea hex, None as NULL), one prepared
    INSERT for all rows elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        marks = ", ".join(["%s"] * len(columns))
        adapt = connection.ops.adapt_datefield_value
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                           [tuple(adapt(v) if isinstance(v, dt.date) else v for v in row) for row in rows])
        return

    def text(value) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, bytes | memoryview):
            return "\\\\x" + bytes(value).hex()
        return value.isoformat() if isinstance(value, dt.date) else str(value)

    lines = io.StringIO("".join("\t".join(map(text, row)) + "\n" for row in rows))
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", lines)


LEAD_SET_COLUMNS = ("level", "key", "team_key", "grain", "start", "dialled", "reached", "quoted", "sold")


def stage_q(stage: str, *, prefix: str = "") -> Q:
    """The same stage rules as the SQL above, as an ORM filter on calls (or on rows that reach a
    call through `prefix`, e.g. "calls__"): sold ⇒ quoted ⇒ reached ⇒ dialled."""
    flags = {"dialled": ("attempted", "reached", "quoted", "sold"), "reached": ("reached", "quoted", "sold"),
             "quoted": ("quoted", "sold"), "sold": ("sold",)}[stage]
    q = Q()
    for flag in flags:
        q |= Q(**{f"{prefix}disposition__{flag}": True})
    return q


def call_aggregates() -> dict:
    """The per-call KPI counts as ORM aggregates over calls, for cuts the daily facts do not
    keep (segments): the same definitions as day_facts_sql."""
    sold = stage_q("sold")
    margin = Round(Coalesce(F("premium"), Value(Decimal(0))) * Coalesce(F("margin_rate"), Value(Decimal(0))), 2,
                   output_field=DecimalField(max_digits=16, decimal_places=2))
    return {
        "calls_made": Count("id", filter=stage_q("dialled")),
        "calls_reached": Count("id", filter=stage_q("reached")),
        "policies_sold": Count("id", filter=sold),
        **{f"customers_{stage}": Count("lead_id", distinct=True, filter=stage_q(stage)) for stage in STAGES},
        # margin first: an annotation named "premium" would shadow the field in its F("premium")
        "margin_amount": Sum(margin, filter=sold, default=Decimal(0)),
        "premium": Sum(Coalesce(F("premium"), Value(Decimal(0))), filter=sold, default=Decimal(0)),
        "talk_seconds": Sum("duration_seconds", default=0),
    }
