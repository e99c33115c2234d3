"""KPI fixtures: dispositions by flag (KPIs read flags, never names) and a call helper in local time."""

import zoneinfo
from decimal import Decimal

import pytest
from django.conf import settings

from calls.models import DirtyRepDay
from tests.factories import CallFactory, DispositionFactory


@pytest.fixture
def dispositions(db):
    return {
        "no_answer": DispositionFactory(code="kpi-no-answer", attempted=True),
        "wrong_person": DispositionFactory(code="kpi-someone-else", attempted=True),
        "reached": DispositionFactory(code="kpi-reached", attempted=True, reached=True),
        "quoted": DispositionFactory(code="kpi-quoted", attempted=True, reached=True, quoted=True),
        # A sale flagged only `sold` (as a dialer might sync it): still counts as reached and quoted.
        "sold": DispositionFactory(code="kpi-sold", attempted=True, sold=True, final=True),
        "note": DispositionFactory(code="kpi-note", attempted=False),
    }


@pytest.fixture
def log_call(dispositions):
    """Create a call like the call-logging service would, including the dirty mark."""

    def log(rep, lead, outcome, when, *, duration=60, premium=None, margin_rate=None, mark=True):
        call = CallFactory(
            rep=rep, lead=lead, disposition=dispositions[outcome], started_at=when, duration_seconds=duration,
            premium=None if premium is None else Decimal(premium),
            margin_rate=None if margin_rate is None else Decimal(margin_rate),
        )
        if mark:
            local_day = when.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
            DirtyRepDay.objects.update_or_create(rep=rep, day=local_day)
        return call

    return log
