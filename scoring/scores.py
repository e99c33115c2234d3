"""Scoring every open lead with the active models (nightly, after training; set-based writes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from leads.models import LeadStatus
from scoring import bands
from scoring import features as f
from scoring.models import LeadScore, ModelKind
from scoring.services import active, best_hours, expected_premiums, loaded, reasons
from telesales.bulk import upsert_rows

FIELDS = ["lead", "p_sale", "expected_value", "best_hours", "reasons", "model", "scored_at"]


def score_open_leads(*, now: dt.datetime | None = None) -> int:
    """Write p(sale), expected value, best hours and reasons for every open lead; remove the scores
    of leads that closed. Without an active conversion model there are no scores (the queue keeps
    its rules). Each scored lead's band (its p(sale) decile tonight) is kept in ScoreBand, also
    after the lead closes. Returns the number of leads scored."""
    now = now or timezone.now()
    conversion = active(ModelKind.CONVERSION)
    if conversion is None:
        LeadScore.objects.all().delete()
        return 0
    leads, calls, grades = f.lead_frame(), f.call_frame(), f.grade_frame()
    frame = f.as_of(leads[leads["status"] == LeadStatus.ACTIVE], calls, grades, now + dt.timedelta(microseconds=1))
    numeric = [c for c in conversion.features if c in f.NUMERIC]
    categorical = [c for c in conversion.features if c not in numeric]
    x, _ = f.prepare(frame, categorical, numeric, conversion.categories)
    p = loaded(conversion).predict_proba(x)[:, 1] if len(frame) else []
    by_source, overall = expected_premiums(calls, leads)
    premium = frame["source"].map(by_source).fillna(overall)
    contact = active(ModelKind.CONTACT)
    hours = best_hours(frame, calls, contact, now) if contact is not None and len(frame) else {}
    why = lead_reasons(frame, conversion.explain)
    rows = [(lead, float(p_i), Decimal(str(round(float(p_i) * value, 2))), hours.get(lead, []), reason,
             conversion.pk, now)
            for lead, p_i, value, reason in zip(frame.index.tolist(), p, premium.tolist(), why, strict=True)]
    with transaction.atomic():
        LeadScore.objects.exclude(lead_id__in=frame.index.tolist()).delete()
        upsert_rows(LeadScore, FIELDS, rows)
        bands.write_bands()
    return len(rows)


def lead_reasons(frame, explain: dict) -> list[list]:
    """Each lead's reasons (as `reasons` gives them), worked out once per combination of the
    explained fields' values: leads share few combinations."""
    columns = [c for c in explain if c in frame]
    known: dict[tuple, list] = {}
    out = []
    for values in zip(*(frame[c].tolist() for c in columns), strict=True) if columns else ((),) * len(frame):
        found = known.get(values)
        if found is None:
            found = known[values] = reasons(dict(zip(columns, values, strict=True)), explain)
        out.append(found)
    return out
