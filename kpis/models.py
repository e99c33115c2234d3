"""Daily KPI facts per rep per day, written only by the KPI job (kpis/services.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from telesales.i18n import record_label


class DailyRepKpi(models.Model):
    """Raw counts for one rep on one local calendar day. Calls, money and talk time add up over
    any period. 'customers_*' count distinct leads on that one day only: a period's distinct
    customers come from the lead sets (`lead_stages` here, LeadSet for teams, the company and
    months), never from a sum of these columns."""

    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("rep"))
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team"))
    day = models.DateField(verbose_name=_("day"))
    calls_made = models.PositiveIntegerField(default=0, verbose_name=_("calls made"))
    calls_reached = models.PositiveIntegerField(default=0, help_text=_("calls that reached the customer"), verbose_name=_("calls reached"))
    policies_sold = models.PositiveIntegerField(default=0, help_text=_("sales (calls flagged sold): a customer may buy twice"), verbose_name=_("policies sold"))
    customers_dialled = models.PositiveIntegerField(default=0, verbose_name=_("customers dialled"))
    customers_reached = models.PositiveIntegerField(default=0, verbose_name=_("customers reached"))
    customers_quoted = models.PositiveIntegerField(default=0, verbose_name=_("customers quoted"))
    customers_sold = models.PositiveIntegerField(default=0, verbose_name=_("customers sold"))
    premium = models.DecimalField(max_digits=16, decimal_places=2, default=0, verbose_name=_("premium"))
    margin_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0, verbose_name=_("margin amount"))
    talk_seconds = models.PositiveBigIntegerField(default=0, verbose_name=_("talk seconds"))
    # The rep-day's lead set: "lead id × 8 + stage" (1 dialled … 4 sold) of each call dialled that
    # day, comma-separated, as the job's statement writes it (kpis/leadsets.py).
    lead_stages = models.TextField(blank=True, default="", verbose_name=_("lead stages"))
    # Aligned with lead_stages item by item: each call's talk seconds; and for each sold call (stage
    # 4 item, in order) its premium and margin in cents: the segment sums (kpis/segment_sums.py).
    talk_items = models.TextField(blank=True, default="", verbose_name=_("talk items"))
    sale_items = models.TextField(blank=True, default="", verbose_name=_("sale items"))

    class Meta:
        verbose_name = _("daily rep KPI")
        verbose_name_plural = _("daily rep KPIs")
        constraints = [models.UniqueConstraint(fields=["rep", "day"], name="kpi_rep_day_unique")]
        indexes = [models.Index(fields=["team", "day"], name="kpi_team_day"), models.Index(fields=["day"], name="kpi_day")]

    def __str__(self) -> str:
        return record_label(self)


class TeamDayKpi(models.Model):
    """The summed facts of a team on one local day: DailyRepKpi's calls, money and talk time added
    up over the reps whose facts were recorded under the team (`team_key`, 0 for no team). Written
    only by the KPI job, whenever it writes the day's facts, so a company page adds up teams × days
    instead of reps × days. Distinct customers are not here: they come from the lead sets."""

    team_key = models.PositiveIntegerField(verbose_name=_("team key"))
    day = models.DateField(verbose_name=_("day"))
    calls_made = models.PositiveIntegerField(default=0, verbose_name=_("calls made"))
    calls_reached = models.PositiveIntegerField(default=0, verbose_name=_("calls reached"))
    policies_sold = models.PositiveIntegerField(default=0, verbose_name=_("policies sold"))
    premium = models.DecimalField(max_digits=18, decimal_places=2, default=0, verbose_name=_("premium"))
    margin_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0, verbose_name=_("margin amount"))
    talk_seconds = models.PositiveBigIntegerField(default=0, verbose_name=_("talk seconds"))

    class Meta:
        verbose_name = _("team day KPI")
        verbose_name_plural = _("team day KPIs")
        constraints = [models.UniqueConstraint(fields=["day", "team_key"], name="kpi_team_day_sums_unique")]


class LeadSet(models.Model):
    """The distinct leads dialled, reached, quoted and sold by one subject over one span, as
    serialized roaring bitmaps of lead ids (kpis/leadsets.py). Written only by the KPI job.

    Subjects: a rep (`key` = rep id, `team_key` = the team the rep's facts were recorded under,
    0 for none), a team (`key` = team id), or the company (`key` = 0). Spans: a local day, or a
    calendar month (`start` = its first day), the union of that month's day sets. A rep's day set
    is not here but on its fact row (DailyRepKpi.lead_stages): rep months, team and company days
    and months are. A period's exact distinct count is the size of the union of the month sets
    it covers whole and the day sets of its partial months."""

    class Level(models.TextChoices):
        REP = "rep", "Rep"
        TEAM = "team", "Team"
        COMPANY = "company", "Company"

    class Grain(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"

    level = models.CharField(max_length=7, choices=Level.choices, verbose_name=_("level"))
    key = models.PositiveIntegerField(verbose_name=_("key"))
    team_key = models.PositiveIntegerField(default=0, verbose_name=_("team key"))
    grain = models.CharField(max_length=5, choices=Grain.choices, verbose_name=_("grain"))
    start = models.DateField(verbose_name=_("start"))
    dialled = models.BinaryField(verbose_name=_("dialled"))
    reached = models.BinaryField(verbose_name=_("reached"))
    quoted = models.BinaryField(verbose_name=_("quoted"))
    sold = models.BinaryField(verbose_name=_("sold"))

    class Meta:
        verbose_name = _("lead set")
        verbose_name_plural = _("lead sets")
        constraints = [
            models.UniqueConstraint(fields=["level", "grain", "start", "key", "team_key"], name="leadset_unique"),
        ]
        indexes = [models.Index(fields=["level", "key", "grain", "start"], name="leadset_subject")]


class KpiRunKind(models.TextChoices):
    FULL = "full", _("Full rebuild")
    SINCE = "since", _("Rebuild since a day")
    INCREMENTAL = "incremental", _("Incremental")


class KpiRun(models.Model):
    """One execution of the KPI job, shown to admins (Django admin and /kpis/runs/)."""

    kind = models.CharField(max_length=20, choices=KpiRunKind.choices, verbose_name=_("kind"))
    since = models.DateField(null=True, blank=True, verbose_name=_("since"))
    started_at = models.DateTimeField(verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    rows = models.PositiveIntegerField(default=0, help_text=_("fact rows written"), verbose_name=_("rows"))
    rep_days = models.PositiveIntegerField(default=0, help_text=_("(rep, day) pairs recomputed (incremental)"), verbose_name=_("rep days"))
    duration_ms = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("duration (ms)"))
    error = models.TextField(blank=True, verbose_name=_("error"))

    class Meta:
        verbose_name = _("KPI run")
        verbose_name_plural = _("KPI runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def succeeded(self) -> bool:
        return self.finished_at is not None and not self.error


class KpiLock(models.Model):
    """A single row every run updates first inside its transaction: PostgreSQL row lock and the
    SQLite write lock both make a second run wait until the first commits."""

    name = models.CharField(max_length=40, unique=True, verbose_name=_("name"))
    held_at = models.DateTimeField(null=True, blank=True, verbose_name=_("held at"))

    class Meta:
        verbose_name = _("KPI lock")
        verbose_name_plural = _("KPI locks")


class SegmentCombo(models.Model):
    """One combination of the lead fields KPI cuts by segment read (leads.segments): source,
    region, product interest, pool, import batch and attributes. Every lead the KPI job counted
    belongs to one (SegmentLead); `leads` is the set of them (a roaring bitmap). A cut by any
    segment groups the combinations by their value in it, so the stored sums need no segment."""

    digest = models.CharField(max_length=40, unique=True)
    source = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    product_interest = models.CharField(max_length=200, blank=True)
    pool_id = models.IntegerField(null=True)
    import_job_id = models.IntegerField(null=True)
    attributes = models.JSONField(default=dict)
    leads = models.BinaryField(default=b"")

    class Meta:
        verbose_name = _("segment combination")
        verbose_name_plural = _("segment combinations")


class SegmentLead(models.Model):
    """The combination the stored segment sums count a lead's calls under (KPI job only)."""

    lead_id = models.IntegerField(primary_key=True)
    combo = models.ForeignKey(SegmentCombo, on_delete=models.CASCADE, related_name="+", db_constraint=False)

    class Meta:
        verbose_name = _("lead's segment combination")
        verbose_name_plural = _("leads' segment combinations")


class SegmentLeadMark(models.Model):
    """A lead whose segment fields changed since the KPI job last counted it: written by a
    database trigger on leads_lead (every path that edits a lead), consumed by the next run,
    which moves only that lead's own contributions to its new combination."""

    lead_id = models.IntegerField(unique=True)

    class Meta:
        verbose_name = _("changed lead segment")
        verbose_name_plural = _("changed lead segments")


class SegmentDayKpi(models.Model):
    """The company's summed facts of one segment combination on one local day (KPI job only).
    Distinct customers are not here: a value's are its combinations' leads ∩ the company sets."""

    combo = models.ForeignKey(SegmentCombo, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    day = models.DateField()
    calls = models.BigIntegerField(default=0, help_text="every call, attempt or not (the row exists while > 0)")
    calls_made = models.BigIntegerField(default=0)
    calls_reached = models.BigIntegerField(default=0)
    policies_sold = models.BigIntegerField(default=0)
    premium = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    margin_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    talk_seconds = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("segment day KPI")
        verbose_name_plural = _("segment day KPIs")
        constraints = [models.UniqueConstraint(fields=["day", "combo"], name="segment_day_unique")]
