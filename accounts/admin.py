from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, Team, User

# Django stores a permission's name in English ("Can add user"); the admin shows it in the reader's language.
PERMISSION_ACTIONS = {"add": _("Can add %(model)s"), "change": _("Can change %(model)s"),
                      "delete": _("Can delete %(model)s"), "view": _("Can view %(model)s")}


def permission_label(permission) -> str:
    """"Users and teams | user | Can add user", with the app, the model and the action translated."""
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is None or action not in PERMISSION_ACTIONS:
        return str(permission)
    name = PERMISSION_ACTIONS[action] % {"model": model._meta.verbose_name}
    return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {name}"


class TranslatedPermissions:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field


@admin.register(User)
class UserAdmin(TranslatedPermissions, BaseUserAdmin):
    list_display = ["username", "full_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Telesales"), {"fields": ["full_name", "role", "team", "hired_on", "accepts_distribution", "deactivated_at"]}),
    ]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(TranslatedPermissions, BaseGroupAdmin):
    pass


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
