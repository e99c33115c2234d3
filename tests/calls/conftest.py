import datetime as dt

import pytest

from calls.dispositions import ensure_standard
from calls.models import Disposition
from tests.factories import LeadFactory, TeamFactory

ALL_DAY = {"calling_hours_start": dt.time(0, 0), "calling_hours_end": dt.time(23, 59, 59)}


# Calling-hours rules are tested on their own; elsewhere teams may call around the clock.
@pytest.fixture
def team(db):
    return TeamFactory(name="一组 Team One", **ALL_DAY)


@pytest.fixture
def other_team(db):
    return TeamFactory(name="二组 Team Two", **ALL_DAY)


@pytest.fixture
def dispo(db):
    """Shipped dispositions by code (from the data migration; re-created after a flush)."""
    ensure_standard()
    return {d.code: d for d in Disposition.objects.all()}


@pytest.fixture
def lead(rep):
    return LeadFactory(owner=rep, name="赵先生", phone="+8613800138000")
