from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kpis.models import DailyRepKpi, KpiRun


@admin.register(KpiRun)
class KpiRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "kind", "since", "finished_at", "rows", "rep_days", "duration_ms", "succeeded", "error"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in KpiRun._meta.fields]

    @admin.display(boolean=True, description=_("succeeded"))
    def succeeded(self, obj):
        return obj.succeeded

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DailyRepKpi)
class DailyRepKpiAdmin(admin.ModelAdmin):
    """Read-only: facts are written only by the KPI job."""

    list_display = ["day", "rep", "team", "calls_made", "customers_dialled", "customers_reached", "customers_quoted",
                    "customers_sold", "premium", "margin_amount"]
    list_filter = ["team"]
    date_hierarchy = "day"
    raw_id_fields = ["rep"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
