"""The funnel cut by lead segment: active customers per grade (plus won and lost) for each value
of a lead segment (leads.segments: source, region, product interest, pool, import batch,
attr:<key>), now or as of a past moment: the same leads the funnel counts (funnel_leads)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from funnel.selectors.counts import FUNNEL_KEYS, funnel_leads
from funnel.selectors.scope import Scope
from funnel.selectors.sql import empty_counts
from leads.segments import segment_expression, segment_labels


def funnel_counts_by_segment(scope: Scope, segment: str, as_of: dt.datetime | None = None) -> list[dict]:
    """[{value, label, counts}] per segment value, in label order (leads with no value last):
    one GROUP BY per funnel count over exactly the leads that count makes up, so the segments'
    counts add up to the scope's funnel. Raises DomainError naming an unknown segment."""
    expression = segment_expression(segment)
    by_value: dict[str | None, dict[str, int]] = {}
    for key in FUNNEL_KEYS:
        rows = funnel_leads(scope, key, as_of).annotate(segment=expression).values("segment").annotate(n=Count("id"))
        for row in rows.order_by():
            by_value.setdefault(row["segment"], empty_counts())[key] += row["n"]
    labels = segment_labels(segment, by_value)
    rows = [{"value": value, "label": str(labels[value]), "counts": counts} for value, counts in by_value.items()]
    return sorted(rows, key=lambda r: (r["value"] is None, r["label"]))
