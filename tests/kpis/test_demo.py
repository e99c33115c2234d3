import datetime as dt
import random

from kpis import demo
from kpis.models import DailyRepKpi, KpiRun
from tests.factories import LeadFactory, local


def test_demo_builds_facts_from_seeded_calls(rep, log_call):
    demo.seed(random.Random(1), {})
    assert not KpiRun.objects.exists()  # nothing to do without calls
    log_call(rep, LeadFactory(), "reached", local(dt.date(2025, 3, 3)))
    ctx = {}
    demo.seed(random.Random(1), ctx)
    assert ctx["kpi_run"].rows == 1 and DailyRepKpi.objects.count() == 1
