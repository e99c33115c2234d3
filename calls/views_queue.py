"""The work queue page (“start calling”): one customer at a time, logged by keyboard; after each
write the next customer is swapped in with htmx (no page load), the today tiles hear
`call-logged`, and the place in the queue is kept on the server (calls/queue.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from calls import best_time, locks, queue, selectors, services
from calls.forms import CallForm, PauseForm, SkipForm
from calls.timeline import lead_timeline_rows
from calls.views import CALL_LOGGED, outcomes
from leads.models import Lead
from leads.sections import lead_sections
from leads.selectors import PhoneViewer, lead_for
from telesales.errors import DomainError
from telesales.pages import found
from telesales.params import bad_query
from telesales.prepared import Prepared

QUEUE_TIMELINE = 10


def _share_team(user, lead) -> None:
    """The rep's own lead came with its owner's team: that is the rep's team too (the dial link
    reads it), so it is not read again."""
    if lead.owner_id == user.pk and lead.owner.team_id == user.team_id and not User.team.is_cached(user):
        User.team.field.set_cached_value(user, lead.owner.team)


def _item_context(request, item: queue.QueueItem, *, form=None, logged=None, skip_form=None, posted=None) -> dict:
    """Everything the queue item fragment shows; a constant number of queries."""
    context = {"item": item, "logged": logged, "now": timezone.now(), "skip_form": skip_form or SkipForm()}
    lead = item.lead
    if lead is None or item.state.paused:
        return context
    _share_team(request.user, lead)
    context.update(lead_sections(request.user, lead, viewer=PhoneViewer(request.user), attributes=False))
    team = lead.owner.team if lead.owner_id and lead.owner.team_id else request.user.team
    follow_ups = selectors.open_follow_ups(lead)
    if item.kind == queue.FOLLOW_UP and follow_ups:  # the follow-up being worked: the lead's earliest open one
        item.follow_up = min(follow_ups, key=lambda f: f.due_at)
    context.update({
        "form": form or CallForm(), "outcomes": outcomes(form or posted),
        "calls": lead_timeline_rows(lead.pk, limit=QUEUE_TIMELINE),
        "follow_ups": follow_ups,
        "holder": locks.take_line(phone=lead.phone, user=request.user),
        "hours_note": services.calling_hours_problem(team=team, channel="phone", at=context["now"]),
        "best_time": best_time.suggestion(lead, team, now=context["now"]),
    })
    return context


def _fragment(request, item, *, status=200, logged=None, form=None, skip_form=None, trigger=False, posted=None):
    context = _item_context(request, item, form=form, logged=logged, skip_form=skip_form, posted=posted)
    response = render(request, "calls/_queue_item.html", context, status=status)
    if trigger:
        response["HX-Trigger"] = CALL_LOGGED
    return response


@login_required
@require_GET
def page(request):
    """The queue screen: the customer the rep is at (kept on the server), or the next one."""
    item = queue.current_item(actor=request.user)
    return render(request, "calls/queue.html", _item_context(request, item))


@login_required
@require_POST
def log(request, lead_id: int):
    """Save & next: log the call and answer the next customer's fragment (htmx swaps it in)."""
    lead = found(lead_for, actor=request.user, lead_id=lead_id)
    form = CallForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            call, item = queue.log_and_next(
                actor=request.user, lead_id=lead.pk, disposition_id=d["disposition"].pk, disposition=d["disposition"],
                duration_seconds=d["duration"], channel=d["channel"], notes=d["notes"], premium=d["premium"],
                margin_rate=d["margin_rate"], quote_amount=d["quote_amount"], new_grade=d["new_grade"] or None,
                next_follow_up_at=d["next_follow_up_at"], follow_up_purpose=d["follow_up_purpose"],
                follow_up_scope=d["follow_up_scope"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _fragment(request, item, logged=_logged_summary(request, call), trigger=True, posted=form)
    item = queue.current_item(actor=request.user)
    item.lead = lead  # the form stays on the customer it was for, with its errors
    return _fragment(request, item, form=form)


def _logged_summary(request, call) -> dict:
    """The customer just logged, as it is now (grade, next follow-up), for the strip above the next one
    (the rep has just worked on that lead: no need to ask again whether they may read it)."""
    return {"call": call, "lead": LOGGED_LEAD.first(call.lead_id)}


LOGGED_LEAD = Prepared(lambda lead_id: Lead.objects.only("name", "grade", "next_follow_up_at").filter(pk=lead_id)
                       .order_by("pk")[:1])  # compiled once (telesales/prepared.py)


@login_required
@require_POST
def skip(request, lead_id: int):
    """Skip this customer for today (with a reason); the next one is swapped in."""
    found(lead_for, actor=request.user, lead_id=lead_id)
    form = SkipForm(request.POST)
    if not form.is_valid() and "reason" in form.errors:
        return bad_query(request, form)  # not one of the offered reasons: a 400 naming it
    if not form.is_valid():
        return _fragment(request, queue.current_item(actor=request.user), skip_form=form)
    try:
        item = queue.skip(actor=request.user, lead_id=lead_id, reason=form.reason_text())
    except DomainError as exc:
        item = queue.current_item(actor=request.user)
        item.problem = exc.message
    return _fragment(request, item)


@login_required
@require_POST
def pause(request):
    """Pause (P) or resume (R): the customer on screen stays where it is."""
    form = PauseForm(request.POST)
    if not form.is_valid():
        return bad_query(request, form)
    paused = form.cleaned_data["paused"] != "0"
    return _fragment(request, queue.set_paused(actor=request.user, paused=paused))


@login_required
@require_POST
def take_next(request):
    """Start calling: the customer on screen, or the next one, taking a pool lead when nothing else is left."""
    return _fragment(request, queue.next_item(actor=request.user))
