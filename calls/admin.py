import io

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.access import is_admin
from calls.cdr import import_cdr
from calls.models import Call, DirtyRepDay, Disposition, FollowUp
from calls.services import mark_rep_days, refresh_lead_call_facts
from telesales.days import local_day


class CdrUploadForm(forms.Form):
    file = forms.FileField(label=_("CDR file"), help_text=_("Master.csv from Asterisk cdr-csv (standard column order)."))
    source = forms.CharField(label=_("source"), initial="asterisk", max_length=50)
    gmt = forms.BooleanField(required=False, label=_("Times are in UTC (usegmtime)"))


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

    # Edits here are call writes too: keep the lead's facts and the KPI change marks right.
    def save_model(self, request, obj, form, change):
        old = Call.objects.filter(pk=obj.pk).values("rep_id", "started_at", "lead_id").first() if obj.pk else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            self._touched(obj, old)

    def delete_model(self, request, obj):
        with transaction.atomic():
            old = {"rep_id": obj.rep_id, "started_at": obj.started_at, "lead_id": obj.lead_id}
            super().delete_model(request, obj)
            self._touched(None, old)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            olds = list(queryset.values("rep_id", "started_at", "lead_id"))
            super().delete_queryset(request, queryset)
            mark_rep_days((o["rep_id"], local_day(o["started_at"])) for o in olds)
            refresh_lead_call_facts(o["lead_id"] for o in olds)

    @staticmethod
    def _touched(obj, old):
        pairs, leads = [], []
        for item in filter(None, [old, obj and {"rep_id": obj.rep_id, "started_at": obj.started_at,
                                                "lead_id": obj.lead_id}]):
            pairs.append((item["rep_id"], local_day(item["started_at"])))
            leads.append(item["lead_id"])
        mark_rep_days(pairs)
        refresh_lead_call_facts(leads)

    def get_urls(self):
        extra = [path("import-cdr/", self.admin_site.admin_view(self.import_cdr_view), name="calls_call_import_cdr")]
        return extra + super().get_urls()

    def import_cdr_view(self, request):
        """Upload an Asterisk Master.csv; the per-row report is shown after the import."""
        if not is_admin(request.user):
            messages.error(request, _("Only admins import call records."))
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
                   "title": _("Import call records (Asterisk CDR)"), "opts": self.model._meta}
        return TemplateResponse(request, "admin/calls/call/import_cdr.html", context)


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["lead", "assigned_to", "scope", "due_at", "purpose", "done_at"]
    raw_id_fields = ["lead", "assigned_to", "call", "created_by"]
    list_select_related = ["lead", "assigned_to"]


@admin.register(DirtyRepDay)
class DirtyRepDayAdmin(admin.ModelAdmin):
    list_display = ["rep", "day", "marked_at"]
