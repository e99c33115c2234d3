"""Pages: the bell (an htmx fragment the navigation polls), the list with mark-read and
filters, opening a notification's record, and the preferences."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import can_manage
from notifications import kinds, selectors, services
from notifications.forms import ListQueryForm, PreferenceForm, ReadAllForm
from notifications.models import Kind
from telesales.errors import DomainError
from telesales.pages import found
from telesales.params import bad_query


def _rows(notes) -> list[dict]:
    return [{"n": n, "text": kinds.text(n.kind, n.params), "label": kinds.label(n.kind)} for n in notes]


@login_required
def bell(request):
    """The unread count and the follow-ups the page should pop up at their due time."""
    pref = selectors.preference(request.user)
    due = [{"id": n.pk, "text": kinds.text(n.kind, n.params), "url": n.url,
            "due": n.occurrence.isoformat() if n.occurrence else None}
           for n in selectors.upcoming_follow_ups(request.user)]
    return render(request, "notifications/_bell.html", {
        "unread": selectors.unread_count(request.user), "poll_seconds": settings.NOTIFY_POLL_SECONDS,
        "due_json": json.dumps(due), "quiet": selectors.in_quiet_hours(pref),
    })


@login_required
def index(request):
    query = ListQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    qs = selectors.notifications_for(request.user)
    kind, unread = query.cleaned_data["kind"], query.cleaned_data["unread"]
    if kind:
        qs = qs.filter(kind=kind)
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    return render(request, "notifications/list.html", {
        "rows": _rows(qs[:100]), "kinds": Kind.choices, "kind": kind, "unread": unread,
        "unread_count": selectors.unread_count(request.user),
    })


@login_required
def open_notification(request, notification_id: int):
    """Mark it read and go to its record."""
    note = found(services.mark_read, actor=request.user, notification_id=notification_id)
    return redirect(note.url or "notifications:index")


@login_required
@require_POST
def read(request, notification_id: int):
    found(services.mark_read, actor=request.user, notification_id=notification_id)
    return redirect("notifications:index")


@login_required
@require_POST
def read_all(request):
    form = ReadAllForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a kind of notification."))
        return redirect("notifications:index")
    n = services.mark_all_read(actor=request.user, kind=form.cleaned_data["kind"] or None)
    messages.success(request, _("%(count)s notifications marked read.") % {"count": n})
    return redirect("notifications:index")


@login_required
def preferences(request):
    pref = selectors.preference(request.user)
    choices = [(k, label) for k, label, _team in kinds.choices_for(request.user, manages=can_manage(request.user))]
    initial = {"shown": [k for k, _l in choices if k not in pref.muted], "email": pref.email,
               "daily_digest": pref.daily_digest, "quiet_start": pref.quiet_start, "quiet_end": pref.quiet_end}
    form = PreferenceForm(request.POST or None, initial=initial, kinds=choices)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        muted = [k for k, _l in choices if k not in d["shown"]] + [k for k in pref.muted if k not in dict(choices)]
        try:
            services.save_preferences(actor=request.user, muted=muted, email=d["email"], daily_digest=d["daily_digest"],
                                      quiet_start=d["quiet_start"], quiet_end=d["quiet_end"],
                                      language=get_language() or "")
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Notification preferences saved."))
            return redirect("notifications:preferences")
    team_kinds = [label for _k, label, team in kinds.choices_for(request.user, manages=True) if team]
    return render(request, "notifications/preferences.html", {"form": form, "team_kinds": team_kinds,
                                                               "manages": can_manage(request.user)})

