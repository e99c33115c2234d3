"""Coaching (辅导): QA scorecards (versioned), weekly sampling of calls, blind multi-reviewer
scoring, improvement plans (绩效改进计划), one-to-one notes (SBI) with follow-up actions."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telesales.i18n import labels_field, localized


class Scorecard(models.Model):
    """A named QA form; its criteria live in versions so old reviews keep the form they used."""

    name = models.CharField(_("name"), max_length=100)
    name_i18n = labels_field()
    # Empty team: usable by every team.
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return localized(self)


class ScorecardVersion(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # The total of a call that fails a critical criterion is capped here (0–100).
    critical_cap = models.DecimalField(
        max_digits=5, decimal_places=1, default=Decimal(0), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # Reviewers whose totals differ by more than this many points are asked to calibrate.
    calibration_threshold = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal(15))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scorecard_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "number"], name="scorecard_version_unique"),
            models.CheckConstraint(condition=Q(critical_cap__gte=0) & Q(critical_cap__lte=100), name="scorecard_cap_0_100"),
        ]

    def __str__(self) -> str:
        return f"{localized(self.scorecard)} v{self.number}"


class Criterion(models.Model):
    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    name_i18n = labels_field()
    description = models.CharField(max_length=300, blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=2)
    scale_max = models.PositiveSmallIntegerField(default=5)
    critical = models.BooleanField(default=False)
    # A critical criterion scored below this fails the call.
    pass_score = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
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

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="sampling_plans")
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="plans")
    new_hire_rate = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.30"))
    top_rate = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.05"))
    regular_rate = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.10"))
    min_per_rep = models.PositiveSmallIntegerField(default=1)
    new_hire_days = models.PositiveSmallIntegerField(default=90)
    # Top performers: this share of the team's reps, ranked on the last `top_window_days` of KPIs.
    top_share = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.20"))
    top_window_days = models.PositiveSmallIntegerField(default=30)
    seed = models.PositiveIntegerField(default=0)
    prefer_recording = models.BooleanField(default=True)
    min_duration_seconds = models.PositiveIntegerField(default=60)
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    reviewers_per_call = models.PositiveSmallIntegerField(default=2)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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

    plan = models.ForeignKey(SamplingPlan, on_delete=models.CASCADE, related_name="runs")
    week = models.DateField(help_text="Monday of the sampled week")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sampled = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-week", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "week"], name="sampling_run_unique")]


class SampledCall(models.Model):
    """A call picked for review. A call is never sampled twice (unique)."""

    call = models.OneToOneField("calls.Call", on_delete=models.CASCADE, related_name="qa_sample")
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SamplingPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="samples")
    run = models.ForeignKey(SamplingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="samples")
    week = models.DateField()
    cohort = models.CharField(max_length=20, choices=Cohort.choices, default=Cohort.REGULAR)
    # Pinned when sampled: every reviewer of this call scores on the same form.
    version = models.ForeignKey(ScorecardVersion, on_delete=models.PROTECT, related_name="samples")
    created_at = models.DateTimeField(auto_now_add=True)
    # Filled once every assigned reviewer has submitted.
    result_total = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    spread = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    needs_calibration = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week", "id"]
        indexes = [models.Index(fields=["rep", "completed_at"], name="sample_rep_completed")]

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class ReviewAssignment(models.Model):
    sampled_call = models.ForeignKey(SampledCall, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_assignments")
    # Copied from the call so the database itself refuses a self-review.
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sampled_call", "reviewer"], name="assignment_unique"),
            models.CheckConstraint(condition=~Q(reviewer=F("rep")), name="assignment_no_self_review"),
        ]


class Review(models.Model):
    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="review")
    version = models.ForeignKey(ScorecardVersion, on_delete=models.PROTECT, related_name="reviews")
    total = models.DecimalField(max_digits=5, decimal_places=1)
    uncapped_total = models.DecimalField(max_digits=5, decimal_places=1)
    critical_failed = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(total__gte=0) & Q(total__lte=100), name="review_total_0_100")]


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    lost_points = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal(0))

    class Meta:
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
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="improvement_plans")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    source_kind = models.CharField(max_length=20, choices=PlanSource.choices, default=PlanSource.MANUAL)
    # Free text / JSON pointer to what started it (a diagnosis id, a sampled call id …).
    source_ref = models.CharField(max_length=200, blank=True)
    support = models.JSONField(default=list, blank=True)
    check_in_every_days = models.PositiveSmallIntegerField(default=7)
    start_date = models.DateField()
    review_date = models.DateField()
    outcome = models.CharField(max_length=20, choices=PlanOutcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="items")
    what = models.CharField(max_length=300)
    measure = models.CharField(max_length=200)
    target = models.CharField(max_length=100)
    due = models.DateField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class CheckIn(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="check_ins")
    date = models.DateField()
    progress_note = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]


# ---- one-to-ones --------------------------------------------------------------------------------
class OneToOneNote(models.Model):
    """A one-to-one in situation–behaviour–impact form. Seen only by the rep, the rep's managers
    and admins; `private` notes are the manager's own and hidden from the rep as well."""

    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="one_to_ones")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(default=timezone.localdate)
    situation = models.TextField()
    behaviour = models.TextField()
    impact = models.TextField()
    agreed_actions = models.TextField(blank=True)
    private = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]


class ActionItem(models.Model):
    """An agreed action turned into a follow-up task."""

    note = models.ForeignKey(OneToOneNote, on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
