"""The KPI job's part of /healthz: how old the last successful run is."""

from django.conf import settings
from django.utils import timezone

from kpis.models import KpiRun


def last_good_run() -> dict:
    """ok while the last successful KPI run is at most HEALTH_KPI_MAX_AGE_MINUTES old."""
    run = KpiRun.objects.filter(finished_at__isnull=False, error="").order_by("-finished_at").first()
    limit = settings.HEALTH_KPI_MAX_AGE_MINUTES * 60
    if run is None:
        return {"ok": False, "age_seconds": None, "max_age_seconds": limit, "message": "no successful KPI run yet"}
    age = int((timezone.now() - run.finished_at).total_seconds())
    return {"ok": age <= limit, "age_seconds": age, "max_age_seconds": limit}
