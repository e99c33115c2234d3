"""The KPI definitions in SQL, one place for the nightly job (kpis/services.py) and the live
numbers of today (kpis/selectors.py): which calls count at which funnel stage, and the per-rep
facts of one local day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Round

from kpis.leadsets import STAGES
from kpis.models import DailyRepKpi

# Funnel is monotone per call: sold ⇒ quoted ⇒ reached ⇒ dialled (see kpis/domain.py).
_SOLD = "d.sold"
_QUOTED = "(d.quoted OR d.sold)"
_REACHED = "(d.reached OR d.quoted OR d.sold)"
_DIALLED = "(d.attempted OR d.reached OR d.quoted OR d.sold)"

# A call's stage (1 dialled … 4 sold, 0 not an attempt); a lead's stage for a span is the highest.
_STAGE = "CASE WHEN d.sold THEN 4 WHEN d.quoted THEN 3 WHEN d.reached THEN 2 WHEN d.attempted THEN 1 ELSE 0 END"

FACT_COLUMNS = (
    "rep_id, team_id, day, calls_made, calls_reached, policies_sold, customers_dialled, customers_reached, customers_quoted, customers_sold, "
    "premium, margin_amount, talk_seconds"
)


def ts(value: dt.datetime):
    """A datetime parameter as the backend stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def insert_facts_sql(where_sql: str) -> str:
    """One INSERT … SELECT of the facts of one local day (facts_select_sql)."""
    return f"INSERT INTO {DailyRepKpi._meta.db_table} ({FACT_COLUMNS}) {facts_select_sql(where_sql)}"


def facts_select_sql(where_sql: str) -> str:
    """The facts of one local day per rep: calls (all attempts, those that reached the customer,
    those that sold a policy), distinct customers per funnel stage, money and
    talk. Parameters: the day, then its bounds as `ts` values (no time-zone maths runs per row),
    then those of `where_sql` (an `AND …` on `c`, the calls)."""
    user_table = DailyRepKpi._meta.get_field("rep").related_model._meta.db_table
    return f"""
        SELECT c.rep_id, u.team_id, %s,
               SUM(CASE WHEN {_DIALLED} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {_REACHED} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {_SOLD} THEN 1 ELSE 0 END),
               COUNT(DISTINCT CASE WHEN {_DIALLED} THEN c.lead_id END),
               COUNT(DISTINCT CASE WHEN {_REACHED} THEN c.lead_id END),
               COUNT(DISTINCT CASE WHEN {_QUOTED} THEN c.lead_id END),
               COUNT(DISTINCT CASE WHEN {_SOLD} THEN c.lead_id END),
               SUM(CASE WHEN {_SOLD} THEN COALESCE(c.premium, 0) ELSE 0 END),
               SUM(CASE WHEN {_SOLD} THEN ROUND(COALESCE(c.premium, 0) * COALESCE(c.margin_rate, 0), 2) ELSE 0 END),
               SUM(c.duration_seconds)
        FROM calls_call c
        JOIN calls_disposition d ON d.id = c.disposition_id
        JOIN {user_table} u ON u.id = c.rep_id
        WHERE c.started_at >= %s AND c.started_at < %s {where_sql}
        GROUP BY c.rep_id, u.team_id
    """


def lead_stages_sql(where_sql: str) -> str:
    """Each lead's highest stage per rep on one local day (bounds are parameters, as above)."""
    user_table = DailyRepKpi._meta.get_field("rep").related_model._meta.db_table
    return f"""
        SELECT c.rep_id, COALESCE(u.team_id, 0), c.lead_id, MAX({_STAGE})
        FROM calls_call c
        JOIN calls_disposition d ON d.id = c.disposition_id
        JOIN {user_table} u ON u.id = c.rep_id
        WHERE c.started_at >= %s AND c.started_at < %s {where_sql}
        GROUP BY c.rep_id, u.team_id, c.lead_id
        HAVING MAX({_STAGE}) > 0
    """


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
    keep (segments): the same definitions as facts_select_sql."""
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
