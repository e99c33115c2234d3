"""Demo funnels: rewrite the grades and grade history of each demo rep's active leads so that the
demo shows every one of the seeds' four funnel shapes (reps take them in turn)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from funnel.domain import GRADES, Shape, classify_shape
from leads.models import GradeChange, Lead, LeadStatus
from telesales.bulk import update_rows

# Share of a rep's active leads at E, D, C, B, A for each shape (checked against the classifier).
TEMPLATES = {
    Shape.HEALTHY: (45, 25, 15, 10, 5),
    Shape.PILE_UP_AT_C: (12, 15, 50, 15, 8),
    Shape.THIN_MIDDLE: (45, 18, 4, 18, 15),
    Shape.DEPLETED: (6, 8, 8, 38, 40),
}
ORDER = [Shape.HEALTHY, Shape.PILE_UP_AT_C, Shape.THIN_MIDDLE, Shape.DEPLETED]
HISTORY_DAYS = 60


def grade_counts(total: int, shares: tuple[int, ...]) -> dict[str, int]:
    """Split `total` leads over E..A by the template shares, exactly (largest remainder)."""
    weight = sum(shares)
    exact = [total * s / weight for s in shares]
    counts = [int(x) for x in exact]
    rest = total - sum(counts)
    for i in sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)[:rest]:
        counts[i] += 1
    return dict(zip(GRADES, counts, strict=True))


def seed(rng: random.Random, ctx: dict) -> None:
    reps = ctx.get("reps") or []
    _ensure_leads(reps, 12 if ctx.get("small") else 40)
    now = timezone.now()
    shapes: dict[int, str] = {}
    by_rep: dict[int, list[Lead]] = {}
    for lead in Lead.objects.filter(owner__in=reps, status=LeadStatus.ACTIVE).order_by("pk"):
        by_rep.setdefault(lead.owner_id, []).append(lead)
    changes, rewritten = [], []
    for i, rep in enumerate(reps):
        leads = by_rep.get(rep.pk, [])
        if not leads:
            continue
        shape = ORDER[i % len(ORDER)]
        counts = grade_counts(len(leads), TEMPLATES[shape])
        if classify_shape(counts).shape != shape:  # too few leads to draw this shape: keep it honest
            shape = classify_shape(counts).shape
        shapes[rep.pk] = shape
        rewritten += leads
        targets = [g for g in GRADES for _ in range(counts[g])]
        rng.shuffle(targets)
        for lead, target in zip(leads, targets, strict=True):
            steps = GRADES.index(target)
            # Moments for each step, oldest first, within the history window.
            offsets = sorted(rng.uniform(0.5, HISTORY_DAYS) for _ in range(steps))[::-1]
            created = now - dt.timedelta(days=HISTORY_DAYS + rng.uniform(1, 30))
            if lead.created_at > created:
                lead.created_at = created
            previous = "E"
            for step, days_ago in zip(GRADES[1 : steps + 1], offsets, strict=True):
                changes.append(
                    GradeChange(
                        lead=lead, from_grade=previous, to_grade=step, to_status=LeadStatus.ACTIVE,
                        changed_by=rep, owner=rep, changed_at=now - dt.timedelta(days=days_ago),
                    )
                )
                previous = step
            lead.grade = target
            lead.grade_changed_at = changes[-1].changed_at if steps else None
    # The rewritten leads' earlier history goes; then one write of the new history and grades.
    ids = [lead.pk for lead in rewritten]
    for start in range(0, len(ids), 900):
        GradeChange.objects.filter(lead_id__in=ids[start:start + 900]).delete()
    GradeChange.objects.bulk_create(changes, batch_size=2000)
    update_rows(rewritten, ["grade", "grade_changed_at", "created_at"])
    ctx["funnel_shapes"] = shapes


def _ensure_leads(reps, per_rep: int) -> None:
    """Only when no earlier demo gave the reps leads: a few each, to draw funnels with."""
    have = set(Lead.objects.filter(owner__in=reps, status=LeadStatus.ACTIVE).values_list("owner_id", flat=True))
    now = timezone.now()
    Lead.objects.bulk_create([
        Lead(name=f"漏斗客户{r.pk}-{i}", phone=f"+86137{r.pk:04d}{i:04d}", owner=r, claimed_at=now)
        for r in reps if r.pk not in have for i in range(per_rep)
    ])
