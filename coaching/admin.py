from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from coaching import models
from telesales.i18n import localized


@admin.display(description=_("name"), ordering="name")
def localized_name(obj):
    """The name in the reader's language (name_i18n), as everywhere else in the UI."""
    return localized(obj)


class CriterionInline(admin.TabularInline):
    model = models.Criterion
    extra = 0


@admin.register(models.ScorecardVersion)
class ScorecardVersionAdmin(admin.ModelAdmin):
    list_display = ["scorecard", "number", "critical_cap", "calibration_threshold", "created_at"]
    inlines = [CriterionInline]


@admin.register(models.Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = [localized_name, "team", "active", "created_at"]


@admin.register(models.SamplingPlan)
class SamplingPlanAdmin(admin.ModelAdmin):
    list_display = ["team", "scorecard", "new_hire_rate", "top_rate", "regular_rate", "min_per_rep", "active"]


@admin.register(models.SampledCall)
class SampledCallAdmin(admin.ModelAdmin):
    list_display = ["call", "rep", "week", "cohort", "result_total", "spread", "needs_calibration", "completed_at"]
    list_filter = ["week", "cohort", "needs_calibration"]
    raw_id_fields = ["call", "rep", "plan", "run"]


class PlanItemInline(admin.TabularInline):
    model = models.PlanItem
    extra = 0


@admin.register(models.ImprovementPlan)
class ImprovementPlanAdmin(admin.ModelAdmin):
    list_display = ["rep", "title", "manager", "start_date", "review_date", "outcome", "acknowledged_at", "closed_at"]
    inlines = [PlanItemInline]
