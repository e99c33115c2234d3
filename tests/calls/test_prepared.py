"""Querysets compiled once (telesales/prepared.py) give the very rows, instances and related
objects of the plain queryset (their portable twin), on the same data, for every argument; they
send one statement; an argument that would change the statement's shape is refused."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls import selectors
from calls.models import FollowUp
from calls.services import log_call, schedule_follow_up
from calls.timeline import _timeline
from leads.models import Lead
from leads.sections import GRADE_HISTORY, OWNERSHIP_HISTORY
from leads.selectors import LEAD_WITH_OWNER
from telesales.prepared import Prepared
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


def _plain(obj):
    """A model instance as plain data: its fields and the related objects read with it."""
    if not hasattr(obj, "_state"):
        return obj
    fields = {k: v for k, v in obj.__dict__.items() if k != "_state"}
    return fields, {k: _plain(v) for k, v in obj._state.fields_cache.items()}, obj._state.db


def _same(prepared: Prepared, *args) -> list:
    with CaptureQueriesContext(connection) as ctx:
        rows = prepared(*args)
    assert len(ctx.captured_queries) == 1
    assert [_plain(r) for r in rows] == [_plain(r) for r in prepared.queryset(*args)]
    return rows


def test_the_calling_loop_reads_equal_their_querysets(rep, teammate, team, dispo):
    now = timezone.now()
    leads = [LeadFactory(owner=rep, name=f"Lead {i}") for i in range(4)] + [LeadFactory(owner=teammate)]
    pooled = LeadFactory(owner=None)
    for i, lead in enumerate(leads[:3]):
        log_call(actor=lead.owner, lead_id=lead.pk, disposition_id=dispo["no_answer"].pk, new_grade="B" if i else None)
        schedule_follow_up(actor=lead.owner, lead_id=lead.pk, due_at=now + dt.timedelta(hours=i + 1))
    FollowUp.objects.create(lead=pooled, team=team, assigned_to=None, scope="team", due_at=now - dt.timedelta(hours=1))
    Lead.objects.filter(pk=leads[3].pk).update(unanswered_attempts=9)
    end = now + dt.timedelta(days=1)
    for lead in [*leads, pooled]:
        assert _same(LEAD_WITH_OWNER, lead.pk)[0].pk == lead.pk
        _same(selectors.OPEN_FOLLOW_UPS, lead.pk)
        _same(OWNERSHIP_HISTORY, lead.pk)
        _same(GRADE_HISTORY, lead.pk)
        _same(_timeline(3), lead.pk)
    assert _same(LEAD_WITH_OWNER, 10**9) == []
    assert LEAD_WITH_OWNER(2**70) == []  # beyond bigint: answered like the queryset, no error
    for user in (rep, teammate):
        due = _same(selectors.PLAN_DUE, user.pk, end, team.pk)
        assert pooled.pk in [f.lead_id for f in due]  # the team's callback on a pool lead
        assert pooled.pk not in [f.lead_id for f in _same(selectors.PLAN_DUE, user.pk, end)]  # no team: none
        _same(selectors.PLAN_FRESH, user.pk)
        _same(selectors.PLAN_EXHAUSTED, user.pk)
    assert [lead.pk for lead in selectors.PLAN_EXHAUSTED(rep.pk)] == [leads[3].pk]


def test_an_argument_that_shapes_the_statement_is_refused(rep):
    shaping = Prepared(lambda owner_id: Lead.objects.filter(owner__isnull=owner_id > 0))  # not a parameter
    with pytest.raises(ValueError, match="parameters only"):
        shaping(rep.pk)
    naive = Prepared(lambda at: Lead.objects.filter(created_at__lt=at))
    with pytest.raises(TypeError):
        naive(dt.datetime(2025, 1, 1))  # noqa: DTZ001 - the point of the test


def test_shape_arguments_compile_their_own_statement(rep, teammate):
    mine = LeadFactory(owner=rep)
    LeadFactory(owner=teammate)
    owned = Prepared(lambda owner_id, held: Lead.objects.filter(owner_id=owner_id, owner__isnull=not held).order_by("pk"))
    assert [lead.pk for lead in owned(rep.pk, True)] == [mine.pk]
    assert owned(rep.pk, False) == []
    other = UserFactory()
    assert owned(other.pk, True) == []
