from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from leads.models import (
    Appeal,
    DoNotCallNumber,
    ImportJob,
    Lead,
    LostReason,
    OwnershipEvent,
    PhoneReveal,
    Pool,
)


@admin.register(Pool)
class PoolAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "region", "max_held", "max_claims_per_day", "reclaim_cooldown_days",
                    "max_locked", "browsing_enabled"]
    filter_horizontal = ["member_teams", "member_users", "admins"]
    fieldsets = [
        (None, {"fields": ["name", "team", "region", "member_teams", "member_users", "admins"]}),
        (_("Limits"), {"fields": ["max_held", "won_counts_toward_max", "max_claims_per_day", "reclaim_cooldown_days",
                               "max_locked", "browsing_enabled"]}),
        (_("Auto-return"), {"fields": ["return_days_by_grade", "real_contact_min_seconds", "no_progress_days",
                                    "fresh_claim_hours", "exempt_won", "exempt_open_quote", "warn_days"]}),
    ]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "owner", "pool", "grade", "status", "claimed_at"]
    list_filter = ["status", "grade", "pool"]
    search_fields = ["name", "phone", "company"]
    raw_id_fields = ["owner", "created_by"]
    # Owners change only through the services, which write the audit row.
    readonly_fields = ["owner", "claimed_at"]


@admin.register(OwnershipEvent)
class OwnershipEventAdmin(admin.ModelAdmin):
    list_display = ["lead", "from_owner", "to_owner", "actor", "reason", "at"]
    list_filter = ["reason"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DoNotCallNumber)
class DoNotCallAdmin(admin.ModelAdmin):
    list_display = ["phone", "reason", "added_by", "added_at"]
    search_fields = ["phone"]


admin.site.register(LostReason)
admin.site.register(PhoneReveal, list_display=["lead", "actor", "at", "reason"])
admin.site.register(Appeal, list_display=["lead", "requested_by", "status", "decided_by", "decided_at"])
admin.site.register(ImportJob, list_display=["id", "original_name", "status", "created_count", "error_count"])
