"""Coaching (辅导): QA scorecards (versioned), weekly sampling of calls, blind multi-reviewer
scoring, improvement plans (绩效改进计划), one-to-one notes (SBI) with follow-up actions."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telesales.i18n import labels_field, localized, record_label


class Scorecard(models.Model):
    """A named QA form; its criteria live in versions so old reviews keep the form they used."""

    name = models.CharField(_("name"), max_length=100)
    name_i18n = labels_field()
    # Empty team: usable by every team.
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    active = models.BooleanField(default=True, verbose_name=_("in use"))

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return localized(self)


class ScorecardVersion(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="versions", verbose_name=_("scorecard"))
    number = models.PositiveIntegerField(verbose_name=_("number"))
    # The total of a call that fails a critical criterion is capped here (0–100).
    critical_cap = models.DecimalField(
        max_digits=5, decimal_places=1, default=Decimal(0), validators=[MinValueValidator(0), MaxValueValidator(100)], verbose_name=_("critical cap")
    )
    # Reviewers whose totals differ by more than this many points are asked to calibrate.
    calibration_threshold = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal(15), verbose_name=_("calibration threshold"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("scorecard version")
        verbose_name_plural = _("scorecard versions")
        ordering = ["scorecard_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "number"], name="scorecard_version_unique"),
            models.CheckConstraint(condition=Q(critical_cap__gte=0) & Q(critical_cap__lte=100), name="scorecard_cap_0_100"),
        ]

    def __str__(self) -> str:
        return f"{localized(self.scorecard)} v{self.number}"


class Criterion(models.Model):
    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("version"))
    key = models.SlugField(max_length=40, verbose_name=_("key"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    name_i18n = labels_field()
    description = models.CharField(max_length=300, blank=True, verbose_name=_("description"))
    weight = models.DecimalField(max_digits=6, decimal_places=2, verbose_name=_("weight"))
    scale_max = models.PositiveSmallIntegerField(default=5, verbose_name=_("scale max"))
    critical = models.BooleanField(default=False, verbose_name=_("critical"))
    # A critical criterion scored below this fails the call.
    pass_score = models.PositiveSmallIntegerField(default=1, verbose_name=_("pass score"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["version_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="criterion_key_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(scale_max__gte=1), name="criterion_scale_positive"),
            models.CheckConstraint(condition=Q(pass_score__lte=F("scale_max")), name="criterion_pass_within_scale"),
        ]

    def __str__(self) -> str:
        return localized(self)


class Cohort(models.TextChoices):
    NEW_HIRE = "new_hire", _("New hire")
    TOP = "top", _("Top performer")
    REGULAR = "regular", _("Everyone else")


class SamplingPlan(models.Model):
    """Which share of each rep's calls is reviewed each week, and by whom."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="sampling_plans", verbose_name=_("team"))
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="plans", verbose_name=_("scorecard"))
    new_hire_rate = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.30"), verbose_name=_("new hire rate"))
    top_rate = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.05"), verbose_name=_("top rate"))
    regular_rate = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.10"), verbose_name=_("regular rate"))
    min_per_rep = models.PositiveSmallIntegerField(default=1, verbose_name=_("min per rep"))
    new_hire_days = models.PositiveSmallIntegerField(default=90, verbose_name=_("new hire days"))
    # Top performers: this share of the team's reps, ranked on the last `top_window_days` of KPIs.
    top_share = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.20"), verbose_name=_("top share"))
    top_window_days = models.PositiveSmallIntegerField(default=30, verbose_name=_("top window days"))
    seed = models.PositiveIntegerField(default=0, verbose_name=_("seed"))
    prefer_recording = models.BooleanField(default=True, verbose_name=_("prefer recording"))
    min_duration_seconds = models.PositiveIntegerField(default=60, verbose_name=_("min duration seconds"))
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("reviewers"))
    reviewers_per_call = models.PositiveSmallIntegerField(default=2, verbose_name=_("reviewers per call"))
    active = models.BooleanField(default=True, verbose_name=_("in use"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")
        ordering = ["team_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_hire_rate__gte=0, new_hire_rate__lte=1) & Q(top_rate__gte=0, top_rate__lte=1)
                & Q(regular_rate__gte=0, regular_rate__lte=1) & Q(top_share__gte=0, top_share__lte=1),
                name="sampling_rates_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.scorecard}"


class SamplingRun(models.Model):
    """One plan's draw for one week; a second run for the same week returns this one."""

    plan = models.ForeignKey(SamplingPlan, on_delete=models.CASCADE, related_name="runs", verbose_name=_("plan"))
    week = models.DateField(help_text=_("Monday of the sampled week"), verbose_name=_("week"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    sampled = models.PositiveIntegerField(default=0, verbose_name=_("sampled"))

    class Meta:
        verbose_name = _("sampling run")
        verbose_name_plural = _("sampling runs")
        ordering = ["-week", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "week"], name="sampling_run_unique")]

    def __str__(self) -> str:
        return record_label(self)


class SampledCall(models.Model):
    """A call picked for review. A call is never sampled twice (unique)."""

    call = models.OneToOneField("calls.Call", on_delete=models.CASCADE, related_name="qa_sample", verbose_name=_("call"))
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("rep"))
    plan = models.ForeignKey(SamplingPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="samples", verbose_name=_("plan"))
    run = models.ForeignKey(SamplingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="samples", verbose_name=_("run"))
    week = models.DateField(verbose_name=_("week"))
    cohort = models.CharField(max_length=20, choices=Cohort.choices, default=Cohort.REGULAR, verbose_name=_("cohort"))
    # Pinned when sampled: every reviewer of this call scores on the same form.
    version = models.ForeignKey(ScorecardVersion, on_delete=models.PROTECT, related_name="samples", verbose_name=_("version"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # Filled once every assigned reviewer has submitted.
    result_total = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True, verbose_name=_("result total"))
    spread = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True, verbose_name=_("spread"))
    needs_calibration = models.BooleanField(default=False, verbose_name=_("needs calibration"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))

    class Meta:
        verbose_name = _("sampled call")
        verbose_name_plural = _("sampled calls")
        ordering = ["-week", "id"]
        indexes = [models.Index(fields=["rep", "completed_at"], name="sample_rep_completed")]

    def __str__(self) -> str:
        return record_label(self)

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class ReviewAssignment(models.Model):
    sampled_call = models.ForeignKey(SampledCall, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("sampled call"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_assignments", verbose_name=_("reviewer"))
    # Copied from the call so the database itself refuses a self-review.
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("rep"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("assigned by"))
    assigned_at = models.DateTimeField(auto_now_add=True, verbose_name=_("assigned at"))

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sampled_call", "reviewer"], name="assignment_unique"),
            models.CheckConstraint(condition=~Q(reviewer=F("rep")), name="assignment_no_self_review"),
        ]


class Review(models.Model):
    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="review", verbose_name=_("assignment"))
    version = models.ForeignKey(ScorecardVersion, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("version"))
    total = models.DecimalField(max_digits=5, decimal_places=1, verbose_name=_("total"))
    uncapped_total = models.DecimalField(max_digits=5, decimal_places=1, verbose_name=_("uncapped total"))
    critical_failed = models.BooleanField(default=False, verbose_name=_("critical failed"))
    comment = models.TextField(blank=True, verbose_name=_("comment"))
    submitted_at = models.DateTimeField(verbose_name=_("submitted at"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["submitted_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(total__gte=0) & Q(total__lte=100), name="review_total_0_100")]


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review"))
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion"))
    score = models.PositiveSmallIntegerField(verbose_name=_("score"))
    lost_points = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal(0), verbose_name=_("lost points"))

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        ordering = ["criterion__position", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="review_score_unique")]


# ---- improvement plans --------------------------------------------------------------------------
class PlanSource(models.TextChoices):
    DIAGNOSIS = "diagnosis", _("KPI diagnosis")
    QA = "qa", _("QA result")
    MANUAL = "manual", _("By hand")


class Support(models.TextChoices):
    TRAINING = "training", _("Training")
    SIDE_BY_SIDE = "side_by_side", _("Side-by-side listening")
    MENTOR = "mentor", _("Mentor")


class PlanOutcome(models.TextChoices):
    MET = "met", _("Met")
    EXTENDED = "extended", _("Extended")
    NOT_MET = "not_met", _("Not met")


class ImprovementPlan(models.Model):
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="improvement_plans", verbose_name=_("rep"))
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("manager"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    source_kind = models.CharField(max_length=20, choices=PlanSource.choices, default=PlanSource.MANUAL, verbose_name=_("source kind"))
    # Free text / JSON pointer to what started it (a diagnosis id, a sampled call id …).
    source_ref = models.CharField(max_length=200, blank=True, verbose_name=_("source ref"))
    support = models.JSONField(default=list, blank=True, verbose_name=_("support"))
    check_in_every_days = models.PositiveSmallIntegerField(default=7, verbose_name=_("check in every days"))
    start_date = models.DateField(verbose_name=_("start date"))
    review_date = models.DateField(verbose_name=_("review date"))
    outcome = models.CharField(max_length=20, choices=PlanOutcome.choices, blank=True, verbose_name=_("outcome"))
    outcome_note = models.TextField(blank=True, verbose_name=_("outcome note"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("acknowledged at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(check_in_every_days__gte=1), name="plan_check_in_every_positive"),
            models.CheckConstraint(condition=Q(review_date__gte=F("start_date")), name="plan_review_after_start"),
            models.UniqueConstraint(fields=["rep"], condition=Q(closed_at__isnull=True), name="plan_one_open_per_rep"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def support_labels(self) -> list[str]:
        labels = dict(Support.choices)
        return [str(labels.get(s, s)) for s in self.support]


class PlanItem(models.Model):
    """One SMART item: what, how it is measured, the target, the due date."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan"))
    what = models.CharField(max_length=300, verbose_name=_("what"))
    measure = models.CharField(max_length=200, verbose_name=_("measure"))
    target = models.CharField(max_length=100, verbose_name=_("target"))
    due = models.DateField(verbose_name=_("due"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return record_label(self)


class CheckIn(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("plan"))
    date = models.DateField(verbose_name=_("date"))
    progress_note = models.TextField(verbose_name=_("progress note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["date", "id"]


# ---- one-to-ones --------------------------------------------------------------------------------
class OneToOneNote(models.Model):
    """A one-to-one in situation–behaviour–impact form. Seen only by the rep, the rep's managers
    and admins; `private` notes are the manager's own and hidden from the rep as well."""

    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="one_to_ones", verbose_name=_("rep"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    held_on = models.DateField(default=timezone.localdate, verbose_name=_("held on"))
    situation = models.TextField(verbose_name=_("situation"))
    behaviour = models.TextField(verbose_name=_("behaviour"))
    impact = models.TextField(verbose_name=_("impact"))
    agreed_actions = models.TextField(blank=True, verbose_name=_("agreed actions"))
    private = models.BooleanField(default=False, verbose_name=_("private"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("one-to-one note")
        verbose_name_plural = _("one-to-one notes")
        ordering = ["-held_on", "-id"]


class ActionItem(models.Model):
    """An agreed action turned into a follow-up task."""

    note = models.ForeignKey(OneToOneNote, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("note"))
    description = models.CharField(max_length=300, verbose_name=_("description"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner"))
    due_on = models.DateField(verbose_name=_("due on"))
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("done at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]
