"""telesales/bulk.py: `update_rows` writes what the ORM would write, on PostgreSQL with one UPDATE
from a typed VALUES list and everywhere with one prepared UPDATE per row (the twin both run on the
same leads here); `insert_rows` gives the objects their ids and moves the id sequence past them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from calls.models import Call
from leads.models import Lead, LeadStatus
from telesales.bulk import insert_rows, update_rows, upsert_rows
from tests.factories import CallFactory, DispositionFactory, LeadFactory, UserFactory

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 3, 10, 2, 30, tzinfo=dt.UTC)


def test_update_rows_and_its_portable_twin_write_the_same_rows(both_paths):
    rep = UserFactory()
    leads = [LeadFactory(owner=None, grade="E", attributes={"age_band": "30-39"}) for _ in range(3)]

    def run(portable):
        fresh = list(Lead.objects.filter(pk__in=[lead.pk for lead in leads]).order_by("pk"))
        # A NULL in the first row, text, JSON, a foreign key and a time zone-aware moment.
        fresh[0].grade, fresh[0].owner, fresh[0].claimed_at, fresh[0].attributes = "B", None, None, {}
        fresh[1].grade, fresh[1].owner, fresh[1].claimed_at, fresh[1].attributes = "A", rep, WHEN, {"有车": True}
        fresh[2].status, fresh[2].claimed_at = LeadStatus.WON, WHEN + dt.timedelta(hours=1)
        written = update_rows(fresh, ["grade", "status", "owner", "claimed_at", "attributes"], portable=portable)
        rows = [(x.phone, x.grade, x.status, x.owner_id, x.claimed_at, x.attributes)
                for x in Lead.objects.filter(pk__in=[lead.pk for lead in leads]).order_by("pk")]
        return written, rows

    fast, portable = both_paths(run)
    assert fast == portable
    written, rows = fast
    assert written == 3
    assert [r[1:] for r in rows] == [
        ("B", LeadStatus.ACTIVE, None, None, {}),
        ("A", LeadStatus.ACTIVE, rep.pk, WHEN, {"有车": True}),
        ("E", LeadStatus.WON, None, WHEN + dt.timedelta(hours=1), {"age_band": "30-39"}),
    ]


def test_update_rows_changes_only_the_rows_and_fields_it_is_given():
    kept, changed = LeadFactory(grade="C", name="留"), LeadFactory(grade="C", name="改")
    changed.grade, changed.name = "A", "不写"
    assert update_rows([changed], ["grade"]) == 1
    assert update_rows([], ["grade"]) == 0
    assert Lead.objects.values_list("name", "grade").get(pk=changed.pk) == ("改", "A")
    assert Lead.objects.values_list("name", "grade").get(pk=kept.pk) == ("留", "C")


def test_insert_rows_numbers_the_objects_and_the_orm_continues_after_them():
    before = CallFactory()
    lead, rep, dispo = before.lead, before.rep, DispositionFactory()
    calls = [Call(lead=lead, rep=rep, disposition=dispo, started_at=timezone.now(), duration_seconds=n,
                  premium=Decimal("10.50") if n else None) for n in range(3)]
    insert_rows(calls)
    assert [c.pk for c in calls] == [before.pk + 1, before.pk + 2, before.pk + 3]
    assert list(Call.objects.filter(pk__gt=before.pk).order_by("pk").values_list("duration_seconds", "premium")) == [
        (0, None), (1, Decimal("10.50")), (2, Decimal("10.50"))]
    assert CallFactory(lead=lead, rep=rep).pk > calls[-1].pk


def test_upsert_rows_and_its_portable_twin_insert_new_rows_and_replace_existing_ones(both_paths):
    from scoring.models import LeadScore, ScoringModel

    model = ScoringModel.objects.create(kind="conversion", status="active")
    old, new = LeadFactory(), LeadFactory()
    LeadScore.objects.create(lead=old, p_sale=0.5, expected_value=Decimal("9.00"), best_hours=[9], reasons=[],
                             scored_at=WHEN)
    fields = ["lead", "p_sale", "expected_value", "best_hours", "reasons", "model", "scored_at"]

    def run(portable):
        written = upsert_rows(LeadScore, fields, [
            (old.pk, 0.25, Decimal("12.34"), [18, 19, 10], [["source", "网络", 2.1]], model.pk, WHEN),
            (new.pk, 0.1, Decimal("0.50"), [], [], None, WHEN + dt.timedelta(hours=1))], portable=portable)
        rows = [(s.lead_id == old.pk, s.p_sale, s.expected_value, s.best_hours, s.reasons, s.model_id, s.scored_at)
                for s in LeadScore.objects.filter(lead__in=[old, new]).order_by("lead_id")]
        return written, rows

    fast, portable = both_paths(run)
    assert fast == portable
    assert fast == (2, [(True, 0.25, Decimal("12.34"), [18, 19, 10], [["source", "网络", 2.1]], model.pk, WHEN),
                        (False, 0.1, Decimal("0.50"), [], [], None, WHEN + dt.timedelta(hours=1))])
