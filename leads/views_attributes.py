"""Pages: the company's lead attributes (admins): the list with a form to add one, and an edit
page (label, kind, choices, position, switch off). Every change is audited by the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import can_manage_lead_attributes
from leads import services
from leads.forms import AttributeDefinitionForm
from leads.segments import attribute_definitions
from telesales.errors import DomainError


def _admin_only(request) -> None:
    if not can_manage_lead_attributes(request.user):
        raise Http404


@login_required
def attributes(request):
    """The attribute definitions and a form to add one."""
    _admin_only(request)
    form = AttributeDefinitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            definition = services.create_attribute_definition(actor=request.user, **form.values())
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Attribute “%(label)s” added.") % {"label": definition.label})
            return redirect("leads:attributes")
    return render(request, "leads/attributes.html", {
        "definitions": attribute_definitions(request.user), "form": form,
    })


@login_required
def attribute_edit(request, definition_id):
    _admin_only(request)
    definition = attribute_definitions(request.user).filter(pk=definition_id).first()
    if definition is None:
        raise Http404
    form = AttributeDefinitionForm(request.POST or None, definition=definition)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_attribute_definition(actor=request.user, definition_id=definition.pk, **form.values())
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Attribute saved."))
            return redirect("leads:attributes")
    changes = definition.changes.select_related("actor").order_by("-at", "-id")[:20]
    return render(request, "leads/attribute_edit.html", {"definition": definition, "form": form, "changes": changes})
