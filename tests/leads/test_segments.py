"""Segments the KPI pages cut by: each one's value per lead as one SQL expression (the same text
on PostgreSQL and SQLite), and a 400-style error naming an unknown segment."""

import pytest
from django.db.models import Count

from calls.models import Call
from leads.models import ImportJob, Lead
from leads.segments import SEGMENTS, segment_expression, segment_labels, segments
from telesales.errors import DomainError
from tests.factories import AttributeDefinitionFactory, CallFactory, LeadFactory, PoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(manager):
    for key, kind, choices in [("previous_outcome", "text", []), ("age", "number", []), ("birthday", "date", []),
                               ("has_car", "boolean", []), ("age_band", "choice", ["18-29", "30-39"])]:
        AttributeDefinitionFactory(key=key, label=key.replace("_", " "), kind=kind, choices=choices)
    north, south = PoolFactory(name="北区"), PoolFactory(name="南区")
    job = ImportJob.objects.create(created_by=manager, original_name="leads.csv")
    leads = {
        "a": LeadFactory(pool=north, source="展会", region="上海", product_interest="车险", import_job=job,
                         attributes={"previous_outcome": "有意向", "age": "41.5", "birthday": "1985-01-09",
                                     "has_car": True, "age_band": "30-39"}),
        "b": LeadFactory(pool=south, source="官网", region="", product_interest="",
                         attributes={"has_car": False, "age": "7"}),
        "c": LeadFactory(pool=None, source="", region="杭州", attributes={}),
    }
    return {"leads": leads, "north": north, "south": south, "job": job}


def values(segment: str) -> dict:
    rows = Lead.objects.annotate(v=segment_expression(segment)).values_list("name", "v")
    return dict(rows)


def by_name(world, **expected) -> dict:
    return {world["leads"][k].name: v for k, v in expected.items()}


@pytest.mark.parametrize(("segment", "expected"), [
    ("source", {"a": "展会", "b": "官网", "c": None}),
    ("region", {"a": "上海", "b": None, "c": "杭州"}),
    ("product_interest", {"a": "车险", "b": None, "c": None}),
    ("attr:previous_outcome", {"a": "有意向", "b": None, "c": None}),
    ("attr:age", {"a": "41.5", "b": "7", "c": None}),
    ("attr:birthday", {"a": "1985-01-09", "b": None, "c": None}),
    ("attr:has_car", {"a": "true", "b": "false", "c": None}),
    ("attr:age_band", {"a": "30-39", "b": None, "c": None}),
])
def test_each_segment_gives_the_leads_value_as_text_or_null(world, segment, expected):
    assert values(segment) == by_name(world, **expected)


def test_pool_and_import_batch_give_ids_that_labels_name(world):
    north, south, job = world["north"], world["south"], world["job"]
    assert values("pool") == by_name(world, a=str(north.pk), b=str(south.pk), c=None)
    assert values("import_batch") == by_name(world, a=str(job.pk), b=None, c=None)
    assert segment_labels("pool", [str(north.pk), None]) == {str(north.pk): "北区", None: "(none)"}
    assert segment_labels("import_batch", [str(job.pk)])[str(job.pk)].startswith(f"#{job.pk} leads.csv (")
    assert segment_labels("attr:has_car", ["true", "false"]) == {"true": "Yes", "false": "No"}
    assert segment_labels("source", ["展会"]) == {"展会": "展会"}


def test_calls_are_cut_by_their_leads_segment_through_lead_path(world):
    leads = world["leads"]
    for lead, n in ((leads["a"], 3), (leads["b"], 2), (leads["c"], 1)):
        CallFactory.create_batch(n, lead=lead)
    counts = dict(Call.objects.annotate(seg=segment_expression("attr:has_car", lead_path="lead"))
                  .values_list("seg").annotate(n=Count("id")).values_list("seg", "n"))
    assert counts == {"true": 3, "false": 2, None: 1}
    distinct = dict(Call.objects.annotate(seg=segment_expression("region", lead_path="lead"))
                    .values_list("seg").annotate(n=Count("lead", distinct=True)).values_list("seg", "n"))
    assert distinct == {"上海": 1, None: 1, "杭州": 1}


@pytest.mark.parametrize("segment", ["foo", "attr:", "attr:shoe_size", "attr:off", "owner", "attr:age\x00"])
def test_an_unknown_segment_is_refused_naming_it_and_the_choices(world, segment):
    AttributeDefinitionFactory(key="off", label="off", active=False)
    with pytest.raises(DomainError) as caught:
        segment_expression(segment)
    message = caught.value.message
    assert message.startswith("Unknown segment '") and "\x00" not in message
    assert "choose one of source, region, product_interest, pool, import_batch, score_band, attr:previous_outcome" in message
    assert "attr:off" not in message.split("choose one of")[1]
    assert caught.value.extra["details"] == {"segment": [message]} and caught.value.status_code == 400


def test_segments_lists_the_fixed_ones_then_active_attributes(world):
    keys = [s.key for s in segments()]
    assert keys[: len(SEGMENTS) + 1] == ["source", "region", "product_interest", "pool", "import_batch",
                                         "score_band"]  # added by the scoring app
    assert set(keys[len(SEGMENTS) + 1:]) == {"attr:previous_outcome", "attr:age", "attr:birthday", "attr:has_car",
                                         "attr:age_band"}
