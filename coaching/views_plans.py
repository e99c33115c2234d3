"""Coaching pages for improvement plans (their check-ins, acknowledgement and outcome) and
one-to-one notes with their follow-up tasks. Same shape as coaching.views: parse with
coaching.forms, call a service or selector, render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import can_manage, can_manage_user
from coaching import domain, forms, selectors, services
from coaching.models import PlanOutcome, PlanSource, Support
from coaching.views import refused, require_coach
from telesales.errors import DomainError
from telesales.pages import found
from telesales.params import bad_query


# ---- improvement plans --------------------------------------------------------------------------
@login_required
def plans(request):
    query = forms.PlansQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    qs = selectors.plans_visible_to(request.user)
    show = query.cleaned_data["show"] or "open"
    if show == "open":
        qs = qs.filter(closed_at__isnull=True)
    return render(request, "coaching/plans.html", {"plans": list(qs[:200]), "show": show,
                                                   "is_coach": can_manage(request.user)})


@login_required
def plan_new(request):
    require_coach(request)
    reps = selectors.coachable_reps(request.user)
    form = forms.ImprovementPlanForm(request.POST or None, reps=reps)
    if form.is_bound:
        if not form.is_valid():
            refused(request, form)
        else:
            try:
                plan = services.start_plan(actor=request.user, items=form.row_values(), **form.cleaned_data)
                messages.success(request, _("Improvement plan started."))
                return redirect("coaching:plan", plan_id=plan.pk)
            except DomainError as exc:
                messages.error(request, exc.message)
    initial = form.data or {"rep": request.GET.get("rep", ""), "source_ref": request.GET.get("source_ref", ""),
                            "source_kind": request.GET.get("source_kind", PlanSource.MANUAL)}
    return render(request, "coaching/plan_new.html", {
        "reps": reps, "initial": initial, "post": form.data, "sources": PlanSource.choices,
        "supports": Support.choices, "item_rows": range(forms.ITEM_ROWS),
        "default_due": timezone.localdate() + dt.timedelta(days=services.PLAN_DAYS),
    })


@login_required
def plan(request, plan_id: int):
    p = found(selectors.plan_for, actor=request.user, plan_id=plan_id)
    p.next_check_in = domain.next_check_in_due(start=p.start_date, last_check_in=p.last_check_in,
                                               every_days=p.check_in_every_days)
    today = timezone.localdate()
    return render(request, "coaching/plan.html", {
        "p": p, "is_rep": p.rep_id == request.user.pk, "overdue": p.is_open and today > p.next_check_in,
        "can_manage": can_manage_user(request.user, p.rep) and p.rep_id != request.user.pk, "outcomes": PlanOutcome.choices,
        "today": today, "review_due": today >= p.review_date,
    })


PLAN_FORMS = {
    "check-in": (forms.CheckInForm, services.record_check_in, gettext_lazy("Check-in recorded.")),
    "outcome": (forms.OutcomeForm, services.record_outcome, gettext_lazy("Outcome recorded.")),
}


def _plan_action(request, plan_id: int, action: str) -> str | None:
    """Do one action on a plan: its success message, or None when the form is refused."""
    if action == "acknowledge":
        services.acknowledge_plan(actor=request.user, plan_id=plan_id)
        return _("Thank you, your plan is acknowledged.")
    form_class, act, done = PLAN_FORMS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        refused(request, form)
        return None
    act(actor=request.user, plan_id=plan_id, **form.cleaned_data)
    return str(done)


@login_required
@require_POST
def plan_action(request, plan_id: int, action: str):
    if action not in (*PLAN_FORMS, "acknowledge"):
        raise Http404
    try:
        done = _plan_action(request, plan_id, action)
    except DomainError as exc:
        if exc.status_code == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        if done:
            messages.success(request, done)
    return redirect("coaching:plan", plan_id=plan_id)


# ---- one-to-ones --------------------------------------------------------------------------------
def _write_note(request, form: forms.NoteForm):
    """The saved note's page, or None when the form or the write is refused (shown as messages)."""
    if not form.is_valid():
        refused(request, form)
        return None
    try:
        note = services.write_note(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, _("One-to-one saved."))
    return redirect("coaching:note", note_id=note.pk)


@login_required
def notes(request):
    user = request.user
    reps = selectors.coachable_reps(user)
    form = forms.NoteForm(request.POST or None, reps=reps)
    if form.is_bound:
        require_coach(request)
        saved = _write_note(request, form)
        if saved is not None:
            return saved
    query = forms.NotesQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    qs = selectors.notes_visible_to(user)
    if query.cleaned_data["rep"]:
        qs = qs.filter(rep_id=query.cleaned_data["rep"])
    return render(request, "coaching/notes.html", {
        "notes": list(qs[:200]), "is_coach": can_manage(user), "reps": reps if can_manage(user) else [],
        "today": timezone.localdate(), "post": form.data,
    })


@login_required
def note(request, note_id: int):
    n = found(selectors.note_for, actor=request.user, note_id=note_id)
    if request.method == "POST":
        form = forms.ActionItemForm(request.POST)
        if not form.is_valid():
            refused(request, form)
            return redirect("coaching:note", note_id=n.pk)
        try:
            services.add_action_item(actor=request.user, note_id=n.pk, **form.cleaned_data)
            messages.success(request, _("Follow-up task added."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("coaching:note", note_id=n.pk)
    return render(request, "coaching/note.html", {
        "n": n, "can_manage": can_manage_user(request.user, n.rep) and n.rep_id != request.user.pk,
        "today": timezone.localdate(), "default_due": timezone.localdate() + dt.timedelta(days=7),
    })


@login_required
@require_POST
def action_done(request, item_id: int):
    item = found(services.complete_action_item, actor=request.user, item_id=item_id)
    messages.success(request, _("Marked done."))
    if request.POST.get("next") == "index":
        return redirect("coaching:index")
    return redirect("coaching:note", note_id=item.note_id)
