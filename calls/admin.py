from django.contrib import admin

from calls.models import Call, DirtyRepDay, Disposition, FollowUp


@admin.register(Disposition)
class DispositionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "attempted", "reached", "quoted", "sold", "refused", "callback", "dnc", "final",
                    "active", "position"]
    list_editable = ["name", "attempted", "reached", "quoted", "sold", "refused", "callback", "dnc", "final",
                     "active", "position"]
    search_fields = ["code", "name"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["id", "lead", "rep", "channel", "started_at", "duration_seconds", "disposition", "premium", "source"]
    list_filter = ["channel", "disposition", "source"]
    raw_id_fields = ["lead", "rep"]
    search_fields = ["external_id", "lead__phone", "lead__name"]
    date_hierarchy = "started_at"
    list_select_related = ["lead", "rep", "disposition"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["lead", "assigned_to", "scope", "due_at", "purpose", "done_at"]
    raw_id_fields = ["lead", "assigned_to", "call", "created_by"]
    list_select_related = ["lead", "assigned_to"]


@admin.register(DirtyRepDay)
class DirtyRepDayAdmin(admin.ModelAdmin):
    list_display = ["rep", "day", "marked_at"]
