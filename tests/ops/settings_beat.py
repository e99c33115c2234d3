"""The test settings with a short beat schedule, for the two-beats fault test
(tests/ops/test_real_faults.py): the KPI refresh run every few seconds instead of every 10 minutes."""

from telesales.settings_test import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {  # the same entry as kpis/schedule.py's refresh, on a short interval
    "kpi-run": {"task": "kpis.tasks.recompute_kpis", "schedule": 4.0},
}
