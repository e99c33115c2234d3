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
    rows = frame[[c for c in conversion.explain if c in frame]].to_dict("index")  # no Series per lead
    scores = [
        LeadScore(lead_id=lead, p_sale=float(p_i), expected_value=Decimal(str(round(float(p_i) * value, 2))),
                  best_hours=hours.get(lead, []), reasons=reasons(rows[lead], conversion.explain), model=conversion,
                  scored_at=now)
        for lead, p_i, value in zip(frame.index, p, premium, strict=True)
    ]
    with transaction.atomic():
        LeadScore.objects.exclude(lead_id__in=frame.index.tolist()).delete()
        LeadScore.objects.bulk_create(scores, batch_size=5000, update_conflicts=True, unique_fields=["lead"],
                                      update_fields=["p_sale", "expected_value", "best_hours", "reasons", "model",
                                                     "scored_at"])
        bands.write_bands()
    return len(scores)
