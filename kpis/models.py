"""Daily KPI facts per rep per day, written only by the KPI job (kpis/services.py)."""

from django.conf import settings
from django.db import models


class DailyRepKpi(models.Model):
    """Raw counts for one rep on one local calendar day. Rates are computed from sums of these
    counts over any period, never averaged. 'customers_*' count distinct leads on that day."""

    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    day = models.DateField()
    calls_made = models.PositiveIntegerField(default=0)
    customers_dialled = models.PositiveIntegerField(default=0)
    customers_reached = models.PositiveIntegerField(default=0)
    customers_quoted = models.PositiveIntegerField(default=0)
    customers_sold = models.PositiveIntegerField(default=0)
    premium = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    margin_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    talk_seconds = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rep", "day"], name="kpi_rep_day_unique")]
        indexes = [models.Index(fields=["team", "day"], name="kpi_team_day"), models.Index(fields=["day"], name="kpi_day")]


class KpiRunKind(models.TextChoices):
    FULL = "full", "Full rebuild"
    SINCE = "since", "Rebuild since a day"
    INCREMENTAL = "incremental", "Incremental"


class KpiRun(models.Model):
    """One execution of the KPI job, shown to admins (Django admin and /kpis/runs/)."""

    kind = models.CharField(max_length=20, choices=KpiRunKind.choices)
    since = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0, help_text="fact rows written")
    rep_days = models.PositiveIntegerField(default=0, help_text="(rep, day) pairs recomputed (incremental)")
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def succeeded(self) -> bool:
        return self.finished_at is not None and not self.error


class KpiLock(models.Model):
    """A single row every run updates first inside its transaction: PostgreSQL row lock and the
    SQLite write lock both make a second run wait until the first commits."""

    name = models.CharField(max_length=40, unique=True)
    held_at = models.DateTimeField(null=True, blank=True)
