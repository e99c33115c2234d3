"""Pages: the daily call plan, the call panel on the lead page, the daily work report."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_manage_user, is_rep, visible_users
from accounts.models import Role, User
from calls import best_time, locks, selectors, services
from calls.forms import ACTIVE_DISPOSITIONS, CallForm, ReportQueryForm, RepQueryForm, outcome_buttons
from calls.timeline import lead_timeline_rows
from leads.models import LeadStatus
from leads.phones import mask_phone
from leads.sections import lead_sections
from leads.selectors import PhoneViewer, can_work_lead, lead_for
from telesales.errors import DomainError
from telesales.pages import found
from telesales.params import bad_query

# The htmx event a page hears when a call was logged on it (the HX-Trigger of the log answer).
CALL_LOGGED = "call-logged"


def lead_url(lead_id: int) -> str:
    """The lead's page: the leads app's detail page when it exists, else our calling page."""
    try:
        return reverse("leads:detail", args=[lead_id])
    except NoReverseMatch:
        return reverse("calls:lead_page", args=[lead_id])


def lead_urls(lead_ids) -> dict[int, str]:
    """`lead_url` of many leads, reversing the route once (the call plan lists hundreds)."""
    marker = 987654321
    pattern = lead_url(marker)
    return {lead_id: pattern.replace(str(marker), str(lead_id)) for lead_id in lead_ids}


def _chosen_rep(request, rep_id: int | None) -> User:
    """The rep a page is about: yourself, or (managers, admins) a rep you manage via ?rep=."""
    if rep_id and rep_id != request.user.pk:
        rep = User.objects.select_related("team").filter(pk=rep_id).first()
        if rep is not None and can_manage_user(request.user, rep):
            return rep
        raise Http404
    return request.user


def _team_reps(user):
    return visible_users(user).filter(role=Role.REP, is_active=True).select_related("team").order_by("team__name", "full_name")


@login_required
def index(request):
    """每日电话计划表: overdue follow-ups, today's follow-ups, then fresh leads."""
    query = RepQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    rep = _chosen_rep(request, query.cleaned_data["rep"])
    plan = selectors.daily_plan(rep)
    team = rep.team
    now = timezone.now()
    hours_note = None
    if team is not None:
        problem = services.calling_hours_problem(team=team, channel="phone", at=now)
        hours_note = problem
    reps = [] if is_rep(request.user) else _team_reps(request.user)
    viewer = PhoneViewer(request.user)
    for lead in [*(f.lead for f in [*plan.overdue, *plan.today]), *plan.fresh]:
        lead.shown_phone, lead.full_phone = viewer.phone(lead), viewer.sees_full(lead)
    return render(request, "calls/index.html", {
        "plan": plan, "rep": rep, "team": team, "hours_note": hours_note, "reps": reps, "lead_url": lead_url,
        "links": lead_urls([*(f.lead_id for f in [*plan.overdue, *plan.today]),
                            *(lead.pk for lead in [*plan.fresh, *plan.exhausted])]),
    })


def outcomes(form: CallForm | None = None) -> list[dict]:
    """The outcome buttons: one query, none when `form` (a posted call form) has read them."""
    if form is not None and form.is_bound:
        return outcome_buttons(form.fields["disposition"].rows())
    return outcome_buttons(ACTIVE_DISPOSITIONS())


def _panel_context(request, lead, *, form=None, saved=None, posted=None):
    can_log = can_work_lead(request.user, lead)
    blocked = lead.status == LeadStatus.DNC
    holder = None
    if can_log and not blocked and saved is None:  # after logging a call the rep is off the line
        holder = locks.take_line(phone=lead.phone, user=request.user)
    team = (lead.owner.team if lead.owner_id else None) or request.user.team
    calls = lead_timeline_rows(lead.pk, limit=selectors.TIMELINE_LIMIT + 1, saved_pk=saved.pk if saved else None)
    more = len(calls) > selectors.TIMELINE_LIMIT
    calls = calls[:selectors.TIMELINE_LIMIT]
    return {
        "lead": lead,
        "phone": lead.phone if can_log else mask_phone(lead.phone),
        "can_log": can_log and not blocked,
        "blocked": blocked,
        "holder": holder,
        "form": form or CallForm(),
        "outcomes": outcomes(form or posted),
        "calls": calls,
        "more_calls": more,
        "follow_ups": selectors.open_follow_ups(lead),
        "saved": saved,
        "now": timezone.now(),
        "hours_note": services.calling_hours_problem(team=team, channel="phone", at=timezone.now()),
        "best_time": best_time.suggestion(lead, team) if can_log and not blocked else None,
        "exhausted": lead.unanswered_attempts >= services.MAX_UNANSWERED_ATTEMPTS,
        "max_attempts": services.MAX_UNANSWERED_ATTEMPTS,
    }


@login_required
def lead_panel(request, lead_id: int):
    """The call form and timeline fragment that the lead page loads with htmx."""
    lead = found(lead_for, actor=request.user, lead_id=lead_id)
    return render(request, "calls/_panel.html", _panel_context(request, lead))


@login_required
def lead_page(request, lead_id: int):
    """A full page around the call panel (used until / besides the leads detail page)."""
    lead = found(lead_for, actor=request.user, lead_id=lead_id)
    return render(request, "calls/lead.html", {**_panel_context(request, lead), **lead_sections(request.user, lead)})


@login_required
def log(request, lead_id: int):
    """POST the call form; answers the refreshed panel (htmx) — nothing is saved on error."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    lead = found(lead_for, actor=request.user, lead_id=lead_id)
    form = CallForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            call = services.log_call(
                actor=request.user, lead_id=lead.pk, disposition_id=data["disposition"].pk, disposition=data["disposition"],
                duration_seconds=data["duration"], channel=data["channel"], notes=data["notes"],
                premium=data["premium"], margin_rate=data["margin_rate"], quote_amount=data["quote_amount"],
                new_grade=data["new_grade"] or None, next_follow_up_at=data["next_follow_up_at"],
                follow_up_purpose=data["follow_up_purpose"], follow_up_scope=data["follow_up_scope"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            lead = found(lead_for, actor=request.user, lead_id=lead_id)
            context = _panel_context(request, lead, saved=call, posted=form)
            if request.headers.get("HX-Request"):
                # Every part of the lead page that shows what the call changed, swapped out of band.
                context["sections"] = lead_sections(request.user, lead)
                response = render(request, "calls/_panel.html", context)
                # Anything on the screen showing today's numbers (the today tiles) listens for it.
                response["HX-Trigger"] = CALL_LOGGED
                return response
            messages.success(request, _("Call logged."))
            return render(request, "calls/lead.html", {**context, **lead_sections(request.user, lead)})
    if request.headers.get("HX-Request"):
        return render(request, "calls/_panel.html", _panel_context(request, lead, form=form))
    return render(request, "calls/lead.html", {**_panel_context(request, lead, form=form),
                                               **lead_sections(request.user, lead)})


@login_required
def report(request):
    """每日工作报告表: one rep's day from the records; managers pick a rep (one report per rep)."""
    query = ReportQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    rep = _chosen_rep(request, query.cleaned_data["rep"])
    day = query.cleaned_data["day"] or timezone.localdate()
    summary = None
    reps = []
    if not is_rep(request.user):
        reps = _team_reps(request.user)
        summary = selectors.team_day_summary(reps, day)
    return render(request, "calls/report.html", {
        "report": selectors.daily_report(rep, day), "rep": rep, "day": day, "reps": reps, "summary": summary,
    })
