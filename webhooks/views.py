"""Webhook pages (admins): the endpoints, one endpoint with its delivery log and audit, resend."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import can_manage_webhooks
from telesales.errors import DomainError
from telesales.events import EVENT_TYPES
from telesales.pages import found
from telesales.params import bad_query
from webhooks import selectors, services
from webhooks.forms import EndpointEditForm, EndpointForm, LogQuery

LOG_PAGE = 50


def _require(user) -> None:
    if not can_manage_webhooks(user):
        raise HttpForbidden("Only admins manage webhooks.")


def _form_errors(form, exc: DomainError) -> None:
    for field, problems in (exc.extra.get("details") or {}).items():
        if field in form.fields:
            for problem in problems:
                form.add_error(field, problem)
    if not exc.extra.get("details"):
        form.add_error(None, exc.message)


@login_required
def index(request):
    """Endpoints and the form that registers one (the secret is shown once)."""
    _require(request.user)
    form = EndpointForm(request.POST or None, initial={"active": True})
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.create_endpoint(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            new_secret = endpoint.secret
            messages.success(request, _("Endpoint “%(name)s” registered. Copy the secret now; it is not shown again.")
                             % {"name": endpoint.name})
            form = EndpointForm(initial={"active": True})
    return render(request, "webhooks/index.html", {
        "endpoints": selectors.endpoints_visible_to(request.user), "form": form, "new_secret": new_secret,
    }, status=400 if request.method == "POST" and form.errors else 200)


@login_required
def endpoint(request, endpoint_id: int):
    """One endpoint: edit it, its delivery log (newest first, with resend) and its audit."""
    _require(request.user)
    item = found(selectors.endpoint_for, actor=request.user, endpoint_id=endpoint_id)
    query = LogQuery(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    initial = {"name": item.name, "url": item.url, "event_types": item.event_types, "active": item.active}
    form = EndpointEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_endpoint(actor=request.user, endpoint_id=item.pk, **form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Endpoint “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
            return redirect("webhooks:endpoint", endpoint_id=item.pk)
    log = Paginator(selectors.deliveries_of(actor=request.user, endpoint_id=item.pk), LOG_PAGE)
    page = log.get_page(query.cleaned_data.get("page") or 1)
    return render(request, "webhooks/endpoint.html", {
        "endpoint": item, "form": form, "page": page, "event_types": EVENT_TYPES,
        "changes": selectors.changes_of(actor=request.user, endpoint_id=item.pk)[:20],
    }, status=400 if request.method == "POST" and form.errors else 200)


@login_required
@require_POST
def delete(request, endpoint_id: int):
    _require(request.user)
    item = found(selectors.endpoint_for, actor=request.user, endpoint_id=endpoint_id)
    services.delete_endpoint(actor=request.user, endpoint_id=item.pk)
    messages.success(request, _("Endpoint “%(name)s” deleted.") % {"name": item.name})
    return redirect("webhooks:index")


@login_required
@require_POST
def resend(request, delivery_id: int):
    _require(request.user)
    copy = found(services.resend_delivery, actor=request.user, delivery_id=delivery_id)
    messages.success(request, _("The event is queued to be sent again."))
    return redirect("webhooks:endpoint", endpoint_id=copy.endpoint_id)
