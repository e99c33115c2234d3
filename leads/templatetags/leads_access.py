"""Role questions for the leads templates, answered by accounts.access (`{% if user|is_admin %}`)."""

from django import template

from accounts.access import can_manage_lead_attributes, is_admin, is_rep
from leads.selectors import can_import

register = template.Library()
register.filter("is_admin", is_admin)
register.filter("is_rep", is_rep)
register.filter("can_import", can_import)
register.filter("can_manage_lead_attributes", can_manage_lead_attributes)
