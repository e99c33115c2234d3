import io

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from calls.cdr import import_cdr
from calls.models import Call, DirtyRepDay, Disposition, FollowUp


class CdrUploadForm(forms.Form):
    file = forms.FileField(label="Master.csv", help_text="Asterisk cdr-csv file (standard column order).")
    source = forms.CharField(initial="asterisk", max_length=50)
    gmt = forms.BooleanField(required=False, label="Times are GMT (usegmtime)")


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
    change_list_template = "admin/calls/call/change_list.html"

    def get_urls(self):
        extra = [path("import-cdr/", self.admin_site.admin_view(self.import_cdr_view), name="calls_call_import_cdr")]
        return extra + super().get_urls()

    def import_cdr_view(self, request):
        """Upload an Asterisk Master.csv; the per-row report is shown after the import."""
        if not request.user.is_superuser and request.user.role not in ("admin",):
            messages.error(request, "Only admins import call records.")
            return redirect("admin:calls_call_changelist")
        form = CdrUploadForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            stream = io.TextIOWrapper(upload.file, encoding="utf-8-sig", errors="replace", newline="")
            report = import_cdr(actor=request.user, stream=stream, source=form.cleaned_data["source"],
                                gmt=form.cleaned_data["gmt"])
            messages.success(request, " · ".join(f"{k}: {v}" for k, v in report["counts"].items()))
        context = {**self.admin_site.each_context(request), "form": form, "report": report,
                   "title": "Import Asterisk CDR (Master.csv)", "opts": self.model._meta}
        return TemplateResponse(request, "admin/calls/call/import_cdr.html", context)


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["lead", "assigned_to", "scope", "due_at", "purpose", "done_at"]
    raw_id_fields = ["lead", "assigned_to", "call", "created_by"]
    list_select_related = ["lead", "assigned_to"]


@admin.register(DirtyRepDay)
class DirtyRepDayAdmin(admin.ModelAdmin):
    list_display = ["rep", "day", "marked_at"]
