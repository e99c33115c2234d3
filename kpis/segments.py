"""KPI cuts by lead segment: counts and drivers per source, region, product interest, pool,
import batch or lead attribute. The whole company's cut reads what the KPI job stored
(kpis/segment_store.py: sums per segment combination and day, each combination's leads, the
company's lead sets), as of its last run like the company dashboard; a team's, a rep's or a
scoped viewer's cut is computed from the calls with the job's definitions (kpis.sql), live."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone
from pyroaring import BitMap

from accounts.access import scope_by_user, sees_everything
from accounts.models import User
from accounts.selectors import user_for
from calls.models import Call
from kpis import segment_store
from kpis.domain import Counts
from kpis.leadsets import COUNT_OF, STAGES, Stages, split_period
from kpis.models import LeadSet, SegmentCombo, SegmentDayKpi
from kpis.selectors import figures_as_of, frame_with_labels, team_for
from kpis.sql import CALL_COLUMNS, COUNTED, MONEY, SUMMED, money, segment_facts_sql
from leads.models import Lead
from leads.segments import is_stored_segment, segment_expression, segment_labels
from telesales.days import day_bounds


def segment_cut(user: User, *, segment: str, start: dt.date, end: dt.date, team_id: int | None = None,
                rep_id: int | None = None) -> tuple[list[dict], dict, dt.datetime | None]:
    """Counts per value of a lead segment (leads.segments.segment_expression: source, region,
    pool, import batch, attr:<key>, …) over the calls the user may see in [start, end], of one
    team or rep if given: customers are distinct per segment value over the whole period.
    Returns the rows (key: the value, label), the total of the same calls (a lead has one
    value, so the values split its customers and the total is the rows' sum) and as of when.
    The whole company's cut (a viewer who sees everything, no team or rep) reads the stored cuts
    once a full KPI rebuild built them (not for a segment another app added: computed too); any
    other is computed from the calls now."""
    expression = segment_expression(segment)
    if (team_id is None and rep_id is None and sees_everything(user) and is_stored_segment(segment)
            and segment_store.ready()):
        rows, as_of = _stored_rows(expression, start, end), figures_as_of()
    else:
        rows, as_of = _live_rows(user, expression, start, end, team_id, rep_id), timezone.now()
    for row in rows:
        row.update({name: money(row[name]) for name in MONEY}, period=None)
    total = {name: sum((row[name] for row in rows), money(0) if name in MONEY else 0) for name in (*SUMMED, *COUNTED)}
    labels = segment_labels(segment, [r["key"] for r in rows])
    for row in rows:
        row["label"] = str(labels[row["key"]])
    return sorted(rows, key=lambda r: (r["key"] is None, r["label"])), total, as_of


def _live_rows(user, expression, start, end, team_id, rep_id) -> list[dict]:
    """One statement over the period's calls with the KPI definitions (segment_facts_sql). A
    team here is its reps' calls as they are on the team now."""
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
        return [dict(zip(("key", *SUMMED, *COUNTED), values, strict=True)) for values in cursor.fetchall()]


def _stored_rows(expression, start: dt.date, end: dt.date) -> list[dict]:
    """The company's cut from the stored sums per (combination, day) grouped by the
    combinations' values; a value's customers at each stage are its combinations' leads ∩ the
    company's leads at that stage in the period (unions of its month and day sets)."""
    combos = {combo: (value, leads) for combo, value, leads in
              SegmentCombo.objects.annotate(segment=expression).values_list("id", "segment", "leads")}
    sums = (SegmentDayKpi.objects.filter(day__gte=start, day__lte=end).order_by().values("combo_id")
            .annotate(calls_=Sum("calls"), **{f"{name}_": Sum(name) for name in SUMMED}))
    by_value: dict = {}
    for row in sums:
        if not row["calls_"]:
            continue
        value = combos[row["combo_id"]][0]
        acc = by_value.setdefault(value, {"key": value, **{name: 0 for name in SUMMED}})
        for name in SUMMED:
            acc[name] += row[f"{name}_"] or 0
    leads: dict = {}
    for value, blob in combos.values():
        if value in by_value and blob:
            leads.setdefault(value, []).append(BitMap.deserialize(bytes(blob)))
    company = _company_sets(start, end)
    for value, acc in by_value.items():
        mine = BitMap.union(*leads.get(value, [BitMap()]))
        acc.update({COUNT_OF[stage]: getattr(company, stage).intersection_cardinality(mine) for stage in STAGES})
    return list(by_value.values())


def _company_sets(start: dt.date, end: dt.date) -> Stages:
    months, days = split_period(start, end)
    stored = LeadSet.objects.filter(Q(grain=LeadSet.Grain.MONTH, start__in=months) | Q(grain=LeadSet.Grain.DAY,
                                    start__in=days), level=LeadSet.Level.COMPANY, key=0)
    return Stages.union(Stages.deserialize(blobs) for blobs in
                        stored.values_list("dialled", "reached", "quoted", "sold").iterator())


def segment_frame(user: User, **kwargs) -> tuple[pd.DataFrame, Counts]:
    """segment_cut as a labelled DataFrame, like kpi_frame's, and the total as Counts."""
    rows, total, _as_of = segment_cut(user, **kwargs)
    return frame_with_labels(rows, by="segment"), Counts.from_mapping(total)


