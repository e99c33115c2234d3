"""Target pages: list with progress, detail (revisions, decomposition), alerts. Thin: parse,
call a service or selector, render; domain errors become messages;
a record the user cannot see is a 404."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Q, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import can_manage, is_rep, scope_teams, sees_everything, visible_users
from accounts.models import Role, Team
from targets import charts, domain, selectors, services
from targets.forms import (
    AlertRuleForm,
    AlertsQueryForm,
    DecomposeForm,
    ReviseForm,
    RootCauseForm,
    TargetForm,
    TargetsQueryForm,
)
from targets.models import MONEY_METRICS, AlertRule, OwnerKind, Target
from telesales.errors import DomainError
from telesales.pages import found
from telesales.params import bad_query


def _target_form(user, data=None):
    return TargetForm(
        data, teams=scope_teams(Team.objects.all(), user) if can_manage(user) else Team.objects.none(),
        reps=visible_users(user).filter(role=Role.REP, is_active=True).order_by("username"),
        initial={"start": timezone.localdate()},
    )


@login_required
def index(request):
    """Targets in progress (or all) with actual vs target vs pace, RAG, tier and projection."""
    query = TargetsQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    today = timezone.localdate()
    show = query.cleaned_data["show"] or "current"
    qs = selectors.targets_visible_to(request.user)
    if show != "all":
        qs = qs.filter(start__lte=today, end__gte=today)
    metric = query.cleaned_data["metric"]
    if metric:
        qs = qs.filter(metric=metric)
    owner_order = Case(When(owner_kind=OwnerKind.COMPANY, then=0), When(owner_kind=OwnerKind.TEAM, then=1), default=2)
    period_order = Case(*[When(period_kind=k, then=i) for i, k in enumerate(domain.PERIOD_ORDER)])
    targets = list(qs.order_by(owner_order, "team__name", period_order, "rep__username", "start")[:300])
    rows = selectors.progress_rows(targets, today)
    plan = selectors.rep_month_plan(request.user, targets, today)
    chart_rows = [{"label": r["label"], "target": r["p"].target, "expected": r["p"].expected, "actual": r["p"].actual,
                   "rag": r["p"].rag} for r in rows if r["target"].period_kind in ("month", "week")][:30]
    return render(request, "targets/index.html", {
        "rows": rows, "show": show, "today": today, "plan": plan, "chart": charts.progress_chart(chart_rows),
        "can_create": can_manage(request.user), "form": _target_form(request.user) if can_manage(request.user) else None,
        "unread_alerts": selectors.unread_alert_count(request.user), "is_rep": is_rep(request.user),
    })


@login_required
@require_POST
def create(request):
    form = _target_form(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the target: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("targets:index")
    try:
        target = services.create_target(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("targets:index")
    messages.success(request, _("Target created. %(hint)s") % {"hint": target.attainability_note})
    return redirect("targets:detail", pk=target.pk)


def _decompose_context(target: Target, form=None) -> dict:
    people = []
    if target.owner_kind != OwnerKind.REP:
        try:
            people = services.people_for(target)
        except DomainError:
            people = []
    initial = {"dimension": "people" if target.owner_kind != OwnerKind.REP else "time", "method": "even",
               "uplift_percent": selectors.last_uplift(target)}
    return {"decompose_form": form or DecomposeForm(initial=initial), "people": people,
            "months": range(1, 13)}


@login_required
def detail(request, pk: int):
    """A target: progress, the funnel plan, its parts, revision history, and (for managers) the
    revise and decompose forms."""
    target = found(selectors.target_for, actor=request.user, target_id=pk)
    return _detail(request, target)


def _detail(request, target: Target, decompose_form: DecomposeForm | None = None, status: int = 200):
    today = timezone.localdate()
    rows = selectors.progress_rows([target], today)
    children = list(target.children.select_related("team", "rep").order_by("start", "team__name", "rep__username"))
    child_rows = selectors.progress_rows(children, today)
    cal = selectors.work_calendar(target.start, target.end)
    workdays = cal.working_days(domain.Period(target.period_kind, target.start, min(today, target.end)))
    daily = selectors.daily_actuals([target], start=target.start, end=min(today, target.end))[target.pk]
    total_wd = cal.count(target.period) or 1
    chart = charts.daily_chart(workdays, [daily.get(d, 0) for d in workdays], float(target.value) / total_wd,
                               "money" if target.metric in MONEY_METRICS else "count")
    manages = selectors.can_manage_target(request.user, target)
    return render(request, "targets/detail.html", {
        "target": target, "row": rows[0], "children": child_rows, "children_sum": sum(c.value for c in children),
        "children_base_sum": sum(c.base_value for c in children),
        "revisions": target.revisions.select_related("revised_by"), "plan": selectors.funnel_plan(target, as_of=today),
        "chart": chart, "can_manage": manages, "revise_form": ReviseForm(initial={"new_value": target.value}),
        **(_decompose_context(target, decompose_form) if manages else {}),
    }, status=status)


@login_required
@require_POST
def revise(request, pk: int):
    form = ReviseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A revision needs a new value and a reason."))
        return redirect("targets:detail", pk=pk)
    try:
        services.revise_target(actor=request.user, target_id=pk, **form.cleaned_data)
        messages.success(request, _("Target revised; the history keeps the old value."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("targets:detail", pk=pk)


def _decompose_args(form: DecomposeForm, data) -> dict:
    d = form.cleaned_data
    if d["dimension"] == "time":
        return {"method": d["method"], "into": d.get("into") or None, "seasonality": form.seasonality(data) or None}
    return {"method": d["method"], "weights": form.weights(data) or None, "uplift_percent": d.get("uplift_percent")}


@login_required
@require_POST
def decompose_preview(request, pk: int):
    """htmx: the shares the current form would give (nothing saved)."""
    form = DecomposeForm(request.POST)
    ctx: dict = {"error": None, "shares": [], "uplift": None}
    try:
        target = selectors.target_for(actor=request.user, target_id=pk)
        ctx["metric"] = target.metric  # the amounts in the metric's unit (money or a count)
        if not form.is_valid():
            raise DomainError(form.errors.as_text())
        args = _decompose_args(form, request.POST)
        if form.cleaned_data["dimension"] == "time":
            ctx["parts"] = services.preview_over_time(target=target, **args)
        else:
            ctx["shares"], ctx["uplift"] = services.preview_over_people(target=target, **args)
            ctx["base_sum"] = sum(s.base for s in ctx["shares"])
            ctx["total_sum"] = sum(s.total for s in ctx["shares"])
    except DomainError as exc:
        ctx["error"] = exc.message
    return render(request, "targets/_share_preview.html", ctx)


@login_required
@require_POST
def decompose(request, pk: int):
    """Split a target; a refused split shows the page again with the form as it was entered."""
    try:
        target = selectors.target_for(actor=request.user, target_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("targets:index")
    form = DecomposeForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(form.errors.as_text())
        args = _decompose_args(form, request.POST)
        if form.cleaned_data["dimension"] == "time":
            parts = services.decompose_over_time(actor=request.user, target_id=pk, replace=form.cleaned_data["replace"], **args)
        else:
            parts = services.decompose_over_people(actor=request.user, target_id=pk, replace=form.cleaned_data["replace"], **args)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail(request, target, form, status=exc.status_code)
    messages.success(request, _("Decomposed into %(n)d parts.") % {"n": len(parts)})
    return redirect("targets:detail", pk=pk)


@login_required
def alerts(request):
    """Alerts for the manager's teams, unread first, with acknowledge and root-cause links."""
    query = AlertsQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    qs = selectors.alerts_visible_to(request.user).order_by("acknowledged_at", "-streak_end", "-id")
    if query.cleaned_data["unread"]:
        qs = qs.filter(read_at__isnull=True)
    rules = AlertRule.objects.select_related("team").order_by("name")
    if not sees_everything(request.user):
        rules = rules.filter(Q(team__isnull=True) | Q(team__in=scope_teams(Team.objects.all(), request.user)))
    return render(request, "targets/alerts.html", {
        "alerts": list(qs[:200]), "unread_alerts": selectors.unread_alert_count(request.user),
        "rules": list(rules), "rule_form": _rule_form(request.user) if can_manage(request.user) else None,
    })


def _rule_form(user, data=None):
    return AlertRuleForm(data, teams=scope_teams(Team.objects.all(), user))


@login_required
@require_POST
def create_rule(request):
    form = _rule_form(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("targets:alerts")
    try:
        rule = services.create_alert_rule(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Alert rule added: %(name)s") % {"name": rule.name})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("targets:alerts")


@login_required
def alert_detail(request, pk: int):
    alert = found(services.mark_alert_read, actor=request.user, alert_id=pk)
    note = getattr(alert, "root_cause", None) if _has_note(alert) else None
    initial = {f: getattr(note, f) for f in services.ROOT_CAUSE_FIELDS} if note else None
    if request.method == "POST":
        form = RootCauseForm(request.POST)
        if form.is_valid():
            try:
                services.save_root_cause(actor=request.user, alert_id=pk, **form.cleaned_data)
                messages.success(request, _("Root-cause note saved."))
                return redirect("targets:alert", pk=pk)
            except DomainError as exc:
                messages.error(request, exc.message)
    else:
        form = RootCauseForm(initial=initial)
    return render(request, "targets/alert_detail.html", {"alert": alert, "form": form, "note": note})


def _has_note(alert) -> bool:
    from targets.models import RootCauseNote

    try:
        return alert.root_cause is not None
    except RootCauseNote.DoesNotExist:
        return False


@login_required
@require_POST
def acknowledge(request, pk: int):
    try:
        services.acknowledge_alert(actor=request.user, alert_id=pk)
        messages.success(request, _("Alert acknowledged."))
    except DomainError as exc:
        messages.error(request, exc.message)
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/targets/") else "targets:alerts")
