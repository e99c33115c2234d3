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
