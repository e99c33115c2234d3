"""Pages for collisions (撞单) and appeals: the page a collision answer leads to (the lead masked,
who holds it, the appeal form), the appeal itself, and the appeals list where a manager decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leads import services
from leads.collisions import appeals_page, collision_for, mark_decidable
from leads.forms import AppealDecisionForm, AppealsQueryForm
from telesales.errors import DomainError
from telesales.pages import found
from telesales.params import bad_query


def _safe_next(request) -> str | None:
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return back
    return None


@login_required
def collision(request, token):
    """The lead a collision answer named, masked, with the appeal form (or claim, for a lead in the
    public pool); only for the rep the answer was given to (leads.collisions)."""
    view = found(collision_for, actor=request.user, token=token)
    if view.lead.owner_id == request.user.pk:
        return redirect("leads:detail", lead_id=view.lead.pk)
    return render(request, "leads/collision.html", {"view": view, "lead": view.lead})


@login_required
@require_POST
def appeal(request, lead_id):
    """Ask a manager for a lead someone else holds; back to the page the form was on."""
    try:
        services.create_appeal(actor=request.user, lead_id=lead_id, reason=request.POST.get("reason", ""))
        messages.success(request, _("Your appeal was sent to a manager."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_safe_next(request) or "leads:appeals")


@login_required
def appeals(request):
    """Appeals the user may see: a rep's own; a manager's teams', with approve/reject."""
    query = AppealsQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    page = Paginator(appeals_page(actor=request.user, status=query.cleaned_data["status"]), 50).get_page(
        query.cleaned_data["page"] or 1)
    mark_decidable(request.user, page.object_list)
    return render(request, "leads/appeals.html", {"page": page, "status": query.cleaned_data["status"]})


@login_required
@require_POST
def decide(request, appeal_id):
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("leads:appeals")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.decide_appeal(actor=request.user, appeal_id=appeal_id, approve=approve, note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Appeal approved: the lead moved.") if approve else _("Appeal rejected."))
    return redirect("leads:appeals")
