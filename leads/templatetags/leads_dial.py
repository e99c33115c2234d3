"""{% dial_link lead %}: the lead's number as a click-to-dial link, for those who see it in full.

The lead must have been annotated by leads.sections.annotate_leads (shown_phone, full_phone).
A masked number stays plain text: the link never carries a number the viewer may not see."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from leads.dialing import dial_href, opens_in_window

register = template.Library()


@register.simple_tag(takes_context=True)
def dial_link(context, lead):
    shown = getattr(lead, "shown_phone", "")
    if not getattr(lead, "full_phone", False):
        return format_html('<span class="phone">{}</span>', shown)
    user = context.get("user")
    team = getattr(user, "team", None) if user is not None else None
    href = dial_href(lead.phone, getattr(team, "dialer_url_template", "") or "")
    target = mark_safe(' target="dialer" rel="noopener"') if opens_in_window(href) else ""  # noqa: S308 - a constant
    return format_html(
        '<a class="phone dial" href="{}" data-dial data-hotkey="d"{} title="{}"><span aria-hidden="true">☎</span> {}'
        ' <kbd>D</kbd></a>',
        href, target, _("Dial (D): starts the call timer"), shown,
    )
