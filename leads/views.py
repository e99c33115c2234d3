"""Pages: my leads, public pool, lead detail, pool rules, staff leave, import. Views parse,
call a service or selector, and render; domain errors become messages."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import can_edit_pool_rules, can_manage, is_admin, sees_everything, visible_users
from accounts.models import Role, User
from leads import imports, services, tasks
from leads.forms import HandoverForm, ImportForm, LeadForm, LeadsQueryForm, PoolQueryForm, PoolRulesForm
from leads.models import GRADE_ORDER, ImportJob, LeadStatus, Pool
from leads.sections import annotate_leads, lead_sections
from leads.segments import active_attribute_definitions
from leads.selectors import (
    PhoneViewer,
    accessible_pools,
    can_import,
    export_rows,
    filter_leads,
    handover_preview_for,
    lead_for,
    leads_visible_to,
    ordered_leads,
    public_pool_leads,
)
from telesales.errors import DomainError
from telesales.exports import safe_rows
from telesales.pages import found
from telesales.params import bad_query


@login_required
def index(request):
    """My leads (私海): sorted by next follow-up, overdue highlighted, with the return countdown."""
    query = LeadsQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    qs = leads_visible_to(request.user).filter(status__in=[LeadStatus.ACTIVE, LeadStatus.WON])
    viewer = PhoneViewer(request.user)
    qs = filter_leads(qs, query.cleaned_data, viewer)
    qs = ordered_leads(qs, query.cleaned_data["sort"], F("next_follow_up_at").asc(nulls_last=True), "id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    annotate_leads(page.object_list, viewer, now)
    return render(request, "leads/index.html", {"page": page, "grades": GRADE_ORDER, "q": request.GET.get("q", ""),
                                                "is_admin": is_admin(request.user)})


@login_required
def pool(request):
    """The public pool (公海): search, filters, claim, or “next lead”."""
    query = PoolQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    pools = accessible_pools(request.user).order_by("name")
    pool_id = query.cleaned_data["pool"]
    viewer = PhoneViewer(request.user)
    qs = filter_leads(public_pool_leads(request.user), query.cleaned_data, viewer)
    if query.cleaned_data["region"]:
        qs = qs.filter(region=query.cleaned_data["region"])
    page = Paginator(ordered_leads(qs, query.cleaned_data["sort"], "grade", "id"), 50).get_page(request.GET.get("page"))
    for lead in page.object_list:
        lead.shown_phone = viewer.phone(lead)
    return render(request, "leads/pool.html", {
        "page": page, "pools": pools, "grades": GRADE_ORDER, "q": request.GET.get("q", ""),
        "pool_id": str(pool_id or ""), "browsing_off": [p for p in pools if not p.browsing_enabled],
    })


@login_required
@require_POST
def claim(request, lead_id):
    try:
        lead = services.claim_lead(actor=request.user, lead_id=lead_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(back)
        return redirect("leads:pool")
    messages.success(request, _("You claimed “%(name)s”.") % {"name": lead.name})
    return redirect("leads:detail", lead_id=lead.pk)


@login_required
@require_POST
def claim_next(request):
    try:
        lead = services.next_lead(actor=request.user, pool_id=int(request.POST["pool"]) if request.POST.get("pool") else None)
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("Choose a pool.")))
        return redirect("leads:pool")
    messages.success(request, _("You were given “%(name)s”.") % {"name": lead.name})
    return redirect("leads:detail", lead_id=lead.pk)


@login_required
def detail(request, lead_id):
    """A lead: data (number masked per role), countdown, ownership and grade history, and the
    calls panel loaded from the calls app (hx-get /calls/lead/<id>/panel/)."""
    lead = found(lead_for, actor=request.user, lead_id=lead_id)
    return render(request, "leads/detail.html", {
        **lead_sections(request.user, lead),
        "reassign_to": visible_users(request.user).filter(role=Role.REP, is_active=True).order_by("username")
        if can_manage(request.user) else [],
    })


@login_required
@require_POST
def release(request, lead_id):
    try:
        services.release_lead(actor=request.user, lead_id=lead_id, reason=request.POST.get("reason", ""))
        messages.success(request, _("The lead is back in the public pool."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("leads:detail", lead_id=lead_id)


def _int_or_zero(value) -> int:
    """A posted id, or 0 (which the service refuses with a clear message) when it is not a number."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


@login_required
@require_POST
def reassign(request, lead_id):
    try:
        services.reassign_lead(actor=request.user, lead_id=lead_id, to_user_id=_int_or_zero(request.POST.get("to_user")),
                               note=request.POST.get("note", ""))
        messages.success(request, _("Lead reassigned."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("leads:detail", lead_id=lead_id)


@login_required
@require_POST
def lock(request, lead_id):
    try:
        services.set_locked(actor=request.user, lead_id=lead_id, locked=request.POST.get("locked") == "1")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("leads:detail", lead_id=lead_id)


@login_required
@require_POST
def reveal(request, lead_id):
    """htmx: swap the masked number for the full one; the reveal is audited."""
    try:
        phone = services.reveal_phone(actor=request.user, lead_id=lead_id, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        return HttpResponse(format_html('<span class="error">{}</span>', exc.message), status=200)
    return HttpResponse(format_html('<span class="phone" data-revealed="1">{}</span>', phone))


@login_required
def new(request):
    """Create a lead by hand; a known number is refused naming who holds it."""
    form = LeadForm(request.POST or None, definitions=list(active_attribute_definitions()))
    form.fields["pool"].queryset = accessible_pools(request.user)
    collision = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            lead = services.create_lead(
                actor=request.user, name=d["name"], phone=d["phone"], phone2=d["phone2"], company=d["company"],
                region=d["region"], source=d["source"], product_interest=d["product_interest"], grade=d["grade"],
                pool_id=d["pool"].pk if d["pool"] else None, attributes=form.attributes(),
            )
        except services.LeadCollision as exc:
            collision = exc  # shown once, in the page's collision card (not also as a message)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Lead created."))
            return redirect("leads:detail", lead_id=lead.pk)
    return render(request, "leads/new.html", {"form": form, "collision": collision})


@login_required
def export(request):
    """CSV of the leads the user may see; numbers masked exactly as on the pages."""
    qs = leads_visible_to(request.user).order_by("id")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leads.csv"'
    writer = csv.writer(response)
    writer.writerow(["id", "name", "phone", "company", "region", "grade", "status", "owner", "pool", "next_follow_up"])
    writer.writerows(safe_rows(export_rows(request.user, qs.iterator(chunk_size=2000))))
    return response


# ---- admin pages ---------------------------------------------------------------------------
def _admin_only(request):
    if not is_admin(request.user):
        raise Http404


@login_required
def pools(request):
    _admin_only(request)
    return render(request, "leads/pools.html", {"pools": Pool.objects.select_related("team").order_by("name")})


@login_required
def pool_rules(request, pool_id):
    obj = get_object_or_404(Pool, pk=pool_id)
    if not can_edit_pool_rules(request.user, obj):
        raise Http404
    form = PoolRulesForm(request.POST or None, pool=obj)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_pool_rules(actor=request.user, pool_id=obj.pk, **form.rules())
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Rules saved."))
            return redirect("leads:pool_rules", pool_id=obj.pk)
    return render(request, "leads/pool_rules.html", {"pool": obj, "form": form})


@login_required
def staff(request):
    _admin_only(request)
    users = User.objects.filter(is_active=True).exclude(pk=request.user.pk).select_related("team").order_by("username")
    return render(request, "leads/staff.html", {"users": users})


@login_required
def deactivate(request, user_id):
    """Preview what a leaving user holds, then deactivate and hand over in one transaction."""
    _admin_only(request)
    leaving = get_object_or_404(User, pk=user_id)
    form = HandoverForm(request.POST or None, leaving=leaving)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            summary = services.deactivate_user(
                actor=request.user, user_id=leaving.pk, mode=d["mode"],
                to_user_id=d["to_user"].pk if d.get("to_user") else None, team_id=d["team"].pk if d.get("team") else None,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(name)s is deactivated; %(n)s leads handed over, %(p)s to the public pool.") % {
                "name": leaving.display_name, "n": summary["handed_over"], "p": summary["to_public_pool"]})
            return redirect("leads:staff")
    preview = handover_preview_for(actor=request.user, user_id=leaving.pk)
    return render(request, "leads/deactivate.html", {"leaving": leaving, "form": form, "preview": preview})


# ---- import ---------------------------------------------------------------------------------
def _import_owners(user):
    return visible_users(user).filter(role=Role.REP, is_active=True).order_by("username")


@login_required
def import_start(request):
    if not can_import(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, owners=_import_owners(request.user),
                      pools=accessible_pools(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            job = imports.start_import(
                actor=request.user, upload=d["file"], pool_id=d["pool"].pk if d["pool"] else None,
                owner_id=d["owner"].pk if d["owner"] else None, source=d["source"], mapping=d["mapping"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            tasks.run_import_task.delay_on_commit(job.pk)
            return redirect("leads:import_detail", job_id=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user).order_by("-id")[:10]
    return render(request, "leads/import.html", {"form": form, "jobs": jobs})


def _job_for(request, job_id) -> ImportJob:
    qs = ImportJob.objects.all() if sees_everything(request.user) else ImportJob.objects.filter(created_by=request.user)
    return get_object_or_404(qs, pk=job_id)


@login_required
def import_detail(request, job_id):
    return render(request, "leads/import_detail.html", {"job": _job_for(request, job_id)})


@login_required
def import_progress(request, job_id):
    """htmx partial: polls itself every second until the job is done."""
    return render(request, "leads/_import_progress.html", {"job": _job_for(request, job_id)})


@login_required
def import_report(request, job_id):
    job = _job_for(request, job_id)
    response = HttpResponse("\ufeff" + job.report, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    return response
