import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from coaching import tasks
from coaching.models import SampledCall, SamplingRun
from telesales.schedule import beat_schedule
from tests import factories as f
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def test_weekly_beat_job_samples_last_week_once_even_if_run_twice(manager, rep, team):
    with time_machine.travel(dt.datetime(2026, 11, 18, 2, tzinfo=dt.UTC), tick=False):
        CallFactory.create_batch(3, rep=rep)
    f.plan(manager, team, regular_rate=Decimal("1"))
    with time_machine.travel(dt.datetime(2026, 11, 23, 23, tzinfo=dt.UTC), tick=False):  # Monday 07:00 Shanghai
        assert tasks.run_weekly_sampling.delay().get() == 3
        assert tasks.run_weekly_sampling.delay().get() == 0
    assert SampledCall.objects.count() == 3
    assert SamplingRun.objects.get().week == dt.date(2026, 11, 16)


def test_beat_schedule_lists_the_weekly_sampling_job():
    import environ

    entry = beat_schedule(environ.Env())["coaching-weekly-sampling"]
    assert entry["task"] == "coaching.tasks.run_weekly_sampling"
