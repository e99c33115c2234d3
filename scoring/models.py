"""Trained models with their model cards, and each open lead's current score."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelKind(models.TextChoices):
    CONVERSION = "conversion", _("Conversion: sale within N days")
    CONTACT = "contact", _("Contact: reached by hour of day")


class ModelStatus(models.TextChoices):
    ACTIVE = "active", _("In use")
    RETIRED = "retired", _("Replaced")
    REJECTED = "rejected", _("Not better than the model in use")
    INSUFFICIENT = "insufficient", _("Not enough history")
    FAILED = "failed", _("Training failed")


class ScoringModel(models.Model):
    """One training run of one model: its card (metrics, curves, features) and, when trained, the
    fitted model. At most one per kind is active; the queue uses that one."""

    kind = models.CharField(max_length=12, choices=ModelKind.choices)
    status = models.CharField(max_length=12, choices=ModelStatus.choices)
    trained_at = models.DateTimeField(auto_now_add=True, db_index=True)
    train_rows = models.PositiveIntegerField(default=0)
    holdout_rows = models.PositiveIntegerField(default=0)
    holdout_from = models.DateTimeField(null=True, blank=True)
    features = models.JSONField(default=list)
    categories = models.JSONField(default=dict)
    metrics = models.JSONField(default=dict)  # {"model": {...}, "baseline": {...}, "previous": {...}}
    curves = models.JSONField(default=dict)
    explain = models.JSONField(default=dict)  # per feature value: how much more often it converted
    message = models.CharField(max_length=300, blank=True)
    blob = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("scoring model")
        verbose_name_plural = _("scoring models")
        ordering = ["-trained_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=models.Q(status="active"), name="one_active_model_per_kind"),
        ]


class LeadScore(models.Model):
    """A lead's conversion probability, expected value and best hours, from the active models."""

    lead = models.OneToOneField("leads.Lead", on_delete=models.CASCADE, primary_key=True, related_name="score")
    p_sale = models.FloatField(db_index=True)
    expected_value = models.DecimalField(max_digits=14, decimal_places=2, db_index=True)
    best_hours = models.JSONField(default=list)
    reasons = models.JSONField(default=list)  # [[feature, value, lift], …] best first
    model = models.ForeignKey(ScoringModel, on_delete=models.SET_NULL, null=True, related_name="+")
    scored_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lead score")
        verbose_name_plural = _("lead scores")


class ScoreBand(models.Model):
    """The band of a lead's latest nightly score: its p(sale) decile among the leads scored that
    night (1: the best 10 %). Unlike LeadScore it stays when the lead closes, so the KPI and funnel
    cuts can show how each band converted: the band a lead was in while it was being worked."""

    lead = models.OneToOneField("leads.Lead", on_delete=models.CASCADE, primary_key=True, related_name="score_band")
    decile = models.PositiveSmallIntegerField()
    p_sale = models.FloatField()
    scored_at = models.DateTimeField()

    class Meta:
        verbose_name = _("score band")
        verbose_name_plural = _("score bands")
