"""KPI cuts by lead segment: counts and drivers per source, region, product interest, pool,
import batch or lead attribute, from the calls with the job's definitions (kpis.sql)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db import connection

from accounts.access import scope_by_user
from accounts.models import User
from accounts.selectors import user_for
from calls.models import Call
from kpis.domain import Counts
from kpis.selectors import frame_with_labels, team_for
from kpis.sql import CALL_COLUMNS, COUNTED, MONEY, SUMMED, money, segment_facts_sql
from leads.models import Lead
from leads.segments import segment_expression, segment_labels
from telesales.days import day_bounds


def segment_cut(user: User, *, segment: str, start: dt.date, end: dt.date, team_id: int | None = None,
                rep_id: int | None = None) -> tuple[list[dict], dict]:
    """Counts per value of a lead segment (leads.segments.segment_expression: source, region,
    pool, import batch, attr:<key>, …) over the calls the user may see in [start, end], of one
    team or rep if given. One statement over the period's calls with the KPI definitions
    (kpis.sql.segment_facts_sql): customers are distinct per segment value over the whole period.
    A team here is its reps' calls as they are on the team now. Returns the rows (key: the
    value, label) and the total of the same calls: a lead has one value, so the values split
    its customers and the total is the rows' sum."""
    expression = segment_expression(segment)
    first, after = day_bounds(start, (end - start).days + 1)
    calls = scope_by_user(Call.objects.filter(started_at__gte=first, started_at__lt=after), user, "rep")
    if team_id is not None:
        calls = calls.filter(rep__team=team_for(user, team_id))
    if rep_id is not None:
        calls = calls.filter(rep=user_for(actor=user, user_id=rep_id))
    calls_sql, calls_params = calls.order_by().values(*CALL_COLUMNS).query.sql_with_params()
    leads = Lead.objects.order_by().annotate(segment=expression).values("id", "segment")
    leads_sql, leads_params = leads.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(segment_facts_sql(calls_sql, leads_sql), [*calls_params, *leads_params])
        rows = [dict(zip(("key", *SUMMED, *COUNTED), values, strict=True)) for values in cursor.fetchall()]
    for row in rows:
        row.update({name: money(row[name]) for name in MONEY}, period=None)
    total = {name: sum((row[name] for row in rows), money(0) if name in MONEY else 0) for name in (*SUMMED, *COUNTED)}
    labels = segment_labels(segment, [r["key"] for r in rows])
    for row in rows:
        row["label"] = str(labels[row["key"]])
    return sorted(rows, key=lambda r: (r["key"] is None, r["label"])), total


def segment_frame(user: User, **kwargs) -> tuple[pd.DataFrame, Counts]:
    """segment_cut as a labelled DataFrame, like kpi_frame's, and the total as Counts."""
    rows, total = segment_cut(user, **kwargs)
    return frame_with_labels(rows, by="segment"), Counts.from_mapping(total)


