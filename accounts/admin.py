from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ApiToken, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("CRM", {"fields": ["full_name", "role", "team", "hired_on", "accepts_distribution", "deactivated_at"]}),
    ]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "founded_on", "stage_override", "target_uplift_percent"]
    filter_horizontal = ["managers"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "key_prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        # Keys are generated through the API / services so the plain key is shown exactly once.
        return False
