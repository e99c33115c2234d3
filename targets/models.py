"""SMART targets, their revisions, the holiday calendar, alert rules and alerts.

A target's value changes only through targets.services.revise_target, which writes the
TargetRevision row in the same transaction."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from telesales import formats
from telesales.i18n import labels_field, localized


class Metric(models.TextChoices):
    PREMIUM = "premium", _("Premium")
    MARGIN = "margin", _("Margin")
    POLICIES_SOLD = "policies_sold", _("Policies sold")
    CALLS = "calls", _("Calls")
    CUSTOMERS_REACHED = "customers_reached", _("Customers reached")
    CUSTOMERS_DIALLED = "customers_dialled", _("Customers dialled")
    NEW_CUSTOMERS = "new_customers", _("New customers")


MONEY_METRICS = {Metric.PREMIUM, Metric.MARGIN}
# The KPI count each metric reads. Policies are sales (one customer may buy two); "new customers"
# are distinct customers signed over the target's period (customers_sold, from the lead sets).
METRIC_FACT = {
    Metric.PREMIUM: "premium",
    Metric.MARGIN: "margin_amount",
    Metric.POLICIES_SOLD: "policies_sold",
    Metric.CALLS: "calls_made",
    Metric.CUSTOMERS_REACHED: "customers_reached",
    Metric.CUSTOMERS_DIALLED: "customers_dialled",
    Metric.NEW_CUSTOMERS: "customers_sold",
}


def metric_quantum(metric: str) -> Decimal:
    """Money splits to the cent, counts to whole units."""
    return Decimal("0.01") if metric in MONEY_METRICS else Decimal("1")


class OwnerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    TEAM = "team", _("Team")
    REP = "rep", _("Rep")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")
    WEEK = "week", _("Week")


class Target(models.Model):
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    owner_kind = models.CharField(_("owner"), max_length=10, choices=OwnerKind.choices)
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="targets", verbose_name=_("team"))
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="targets", verbose_name=_("rep")
    )
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("parent"))
    # Uplift a manager added when handing a team target to reps (求其上得其中), shown as such:
    # value = base share + uplift_amount.
    uplift_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0, verbose_name=_("uplift percent"))
    uplift_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0, verbose_name=_("uplift amount"))
    # Tiers (阶梯): base = value; challenge and excellence as % of value; each with a bonus coefficient.
    challenge_percent = models.DecimalField(max_digits=6, decimal_places=2, default=120, verbose_name=_("challenge percent"))
    excellence_percent = models.DecimalField(max_digits=6, decimal_places=2, default=150, verbose_name=_("excellence percent"))
    base_coefficient = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1.00"), verbose_name=_("base coefficient"))
    challenge_coefficient = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1.20"), verbose_name=_("challenge coefficient"))
    excellence_coefficient = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1.50"), verbose_name=_("excellence coefficient"))
    # Attainability check against the owner's history at creation.
    is_stretch = models.BooleanField(default=False, verbose_name=_("is stretch"))
    attainability_note = models.CharField(max_length=300, blank=True, verbose_name=_("attainability note"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["start", "owner_kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="target_value_positive"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="target_end_after_start"),
            models.CheckConstraint(
                condition=(
                    Q(owner_kind="company", team__isnull=True, rep__isnull=True)
                    | Q(owner_kind="team", team__isnull=False, rep__isnull=True)
                    | Q(owner_kind="rep", rep__isnull=False)
                ),
                name="target_owner_consistent",
            ),
            models.CheckConstraint(condition=Q(uplift_percent__gte=0), name="target_uplift_non_negative"),
            # One target per owner, metric and period: a second one is a duplicate (revise instead).
            models.UniqueConstraint(
                fields=["metric", "period_kind", "start", "end"], condition=Q(owner_kind="company"),
                name="target_unique_company_period",
            ),
            models.UniqueConstraint(
                fields=["team", "metric", "period_kind", "start", "end"], condition=Q(owner_kind="team"),
                name="target_unique_team_period",
            ),
            models.UniqueConstraint(
                fields=["rep", "metric", "period_kind", "start", "end"], condition=Q(owner_kind="rep"),
                name="target_unique_rep_period",
            ),
        ]
        indexes = [
            models.Index(fields=["metric", "start", "end"], name="target_metric_period"),
            models.Index(fields=["rep", "start"], name="target_rep_start"),
            models.Index(fields=["team", "start"], name="target_team_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.owner_label} {self.period_label}: {self.value}"

    @property
    def owner_label(self) -> str:
        if self.owner_kind == OwnerKind.REP and self.rep_id:
            return self.rep.display_name
        if self.owner_kind == OwnerKind.TEAM and self.team_id:
            return self.team.name
        return str(_("Company"))

    @property
    def funnel_plan_query(self) -> str:
        """Query string that opens the funnel's backward weekly plan (倒推法) for this target:
        a policies-sold target is the sales count the plan works back from. Empty otherwise."""
        if self.metric != Metric.POLICIES_SOLD:
            return ""
        from urllib.parse import urlencode

        weeks = min(max(-(-((self.end - self.start).days + 1) // 7), 1), 26)  # the plan covers ≤ 26 weeks
        params = {"target": int(self.value), "start": self.start.isoformat(), "weeks": weeks}
        if self.owner_kind == OwnerKind.REP and self.rep_id:
            params["rep"] = self.rep_id
        elif self.owner_kind == OwnerKind.TEAM and self.team_id:
            params["team"] = self.team_id
        return urlencode(params)

    @property
    def period(self):
        from targets.domain import Period

        return Period(self.period_kind, self.start, self.end)

    @property
    def period_label(self) -> str:
        return self.period.label()

    @property
    def base_value(self):
        return self.value - self.uplift_amount

    @property
    def quantum(self) -> Decimal:
        return metric_quantum(self.metric)

    def tiers(self):
        from targets.domain import Tier

        return [
            Tier("base", self.value, self.base_coefficient),
            Tier("challenge", (self.value * self.challenge_percent / 100).quantize(Decimal("0.01")), self.challenge_coefficient),
            Tier("excellence", (self.value * self.excellence_percent / 100).quantize(Decimal("0.01")), self.excellence_coefficient),
        ]


class RevisionReason(models.TextChoices):
    FORECAST_WRONG = "forecast_wrong", _("Forecast was wrong")
    EXTERNAL_CHANGE = "external_change", _("Major external change")
    INTERNAL_CHANGE = "internal_change", _("Major internal change")


class TargetRevision(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("target"))
    old_value = models.DecimalField(max_digits=16, decimal_places=2, verbose_name=_("old value"))
    new_value = models.DecimalField(max_digits=16, decimal_places=2, verbose_name=_("new value"))
    reason = models.CharField(max_length=30, choices=RevisionReason.choices, verbose_name=_("reason"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    children_rebalanced = models.BooleanField(default=False, verbose_name=_("children rebalanced"))
    revised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("revised by"))
    revised_at = models.DateTimeField(auto_now_add=True, verbose_name=_("revised at"))

    class Meta:
        verbose_name = _("target revision")
        verbose_name_plural = _("target revisions")
        ordering = ["-revised_at", "-id"]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.old_value} → {self.new_value}"


class Holiday(models.Model):
    """A day off (节假日) — or, with is_working_day, a weekend day made working (调休)."""

    day = models.DateField(unique=True, verbose_name=_("day"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    is_working_day = models.BooleanField(default=False, help_text=_("Tick for a weekend day that is worked (a make-up working day)."), verbose_name=_("is working day"))

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class AlertRule(models.Model):
    """E.g. "3 consecutive working days below 80% of the daily pace"."""

    name = models.CharField(max_length=100, verbose_name=_("name"))
    name_i18n = labels_field()
    metric = models.CharField(max_length=30, choices=Metric.choices, verbose_name=_("metric"))
    threshold_percent = models.DecimalField(max_digits=5, decimal_places=2, default=80, verbose_name=_("threshold percent"))
    consecutive_days = models.PositiveSmallIntegerField(default=3, verbose_name=_("consecutive days"))
    # Empty: every team.
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    active = models.BooleanField(default=True, verbose_name=_("in use"))
    email = models.BooleanField(default=False, help_text=_("Also e-mail the managers."), verbose_name=_("email"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold_percent__gt=0), name="alertrule_threshold_positive"),
            models.CheckConstraint(condition=Q(consecutive_days__gte=1), name="alertrule_days_positive"),
        ]

    def __str__(self) -> str:
        return localized(self)


class Alert(models.Model):
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("rule"))
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("target"))
    streak_start = models.DateField(verbose_name=_("streak start"))
    streak_end = models.DateField(verbose_name=_("streak end"))
    days_below = models.PositiveSmallIntegerField(verbose_name=_("days below"))
    message = models.CharField(max_length=300, verbose_name=_("message"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("acknowledged by")
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("acknowledged at"))

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-streak_end", "-id"]
        constraints = [
            # One alert per streak: re-running the job extends it instead of duplicating it.
            models.UniqueConstraint(fields=["rule", "target", "streak_start"], name="alert_one_per_streak"),
        ]
        indexes = [models.Index(fields=["read_at"], name="alert_read")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The alert in the reader's language (`message` keeps the text of the run that wrote it)."""
        return _(
            "%(owner)s: %(days)s working days (%(start)s–%(end)s) below %(threshold)s of the daily %(metric)s pace"
        ) % {"owner": self.target.owner_label, "days": self.days_below, "start": f"{self.streak_start:%m-%d}",
             "end": f"{self.streak_end:%m-%d}", "threshold": formats.percent(self.rule.threshold_percent, 0),
             "metric": self.target.get_metric_display()}

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class RootCauseNote(models.Model):
    """Root cause over the five dimensions (五维归因): people, process, customer quality, tools,
    environment — and what will be done."""

    alert = models.OneToOneField(Alert, on_delete=models.CASCADE, related_name="root_cause", verbose_name=_("alert"))
    people = models.TextField(_("people"), blank=True)
    process = models.TextField(_("process"), blank=True)
    customer_quality = models.TextField(_("customer quality"), blank=True)
    tools = models.TextField(_("tools"), blank=True)
    environment = models.TextField(_("environment"), blank=True)
    actions = models.TextField(_("actions"), blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("written by"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("root cause note")
        verbose_name_plural = _("root cause notes")

    def __str__(self) -> str:
        return gettext("Root cause of alert #%(id)s") % {"id": self.alert_id}
