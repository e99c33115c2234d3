from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from targets.models import Alert, AlertRule, Holiday, RootCauseNote, Target, TargetRevision
from targets.templatetags.targets_tags import attainability
from telesales.i18n import localized


@admin.display(description=_("name"), ordering="name")
def localized_name(obj):
    """The name in the reader's language (name_i18n), as everywhere else in the UI."""
    return localized(obj)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["day", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = [localized_name, "metric", "threshold_percent", "consecutive_days", "team", "active", "email"]
    list_filter = ["active", "metric"]


class RevisionInline(admin.TabularInline):
    model = TargetRevision
    extra = 0
    can_delete = False
    readonly_fields = ["old_value", "new_value", "reason", "note", "children_rebalanced", "revised_by", "revised_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Read-mostly: a value changes only through a revision (the target pages / API)."""

    list_display = ["id", "metric", "owner_kind", "team", "rep", "period_kind", "start", "end", "value"]
    list_filter = ["metric", "owner_kind", "period_kind"]
    readonly_fields = ["value", "uplift_amount", "uplift_percent", "parent", "created_by", "is_stretch", "attainability"]
    exclude = ["attainability_note"]

    @admin.display(description=_("attainability note"))
    def attainability(self, obj):
        return attainability(obj.attainability_note)
    raw_id_fields = ["rep", "team"]
    inlines = [RevisionInline]

    def has_add_permission(self, request):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["id", "rule", "target", "streak_start", "streak_end", "days_below", "acknowledged_at"]
    readonly_fields = ["rule", "target", "streak_start", "streak_end", "days_below", "text"]
    exclude = ["message"]  # the text of the run that wrote it; `text` is in the reader's language

    @admin.display(description=_("message"))
    def text(self, obj):
        return obj.text


admin.site.register(RootCauseNote)
