"""Target alerts: the nightly evaluation of alert rules (below-pace streaks), the rules
themselves, reading and acknowledging an alert, and its root-cause note."""

import datetime as dt
import logging
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.access import can_manage_team, is_admin
from accounts.models import Team, User
from targets import domain, mail, selectors
from targets.models import Alert, AlertRule, Metric, OwnerKind, PeriodKind, RootCauseNote, Target
from targets.services.alert_notices import notify_alert_managers
from targets.services.common import as_decimal
from telesales import events, formats
from telesales.errors import Conflict, DomainError, PermissionDenied

logger = logging.getLogger(__name__)


def evaluate_alert_rules(*, as_of: dt.date | None = None) -> dict:
    """Run every active rule over the targets in progress (after the nightly KPI run): a run of
    N consecutive working days below X% of the daily pace opens one alert per streak; running it
    again extends the streak's alert instead of duplicating it."""
    as_of = as_of or timezone.localdate() - dt.timedelta(days=1)
    created = extended = 0
    for rule in AlertRule.objects.filter(active=True).order_by("pk"):
        targets = list(
            Target.objects.filter(
                metric=rule.metric, period_kind=PeriodKind.MONTH, owner_kind__in=[OwnerKind.REP, OwnerKind.TEAM],
                start__lte=as_of, end__gte=as_of,
            ).select_related("team", "rep")
        )
        if rule.team_id:
            targets = [t for t in targets if t.team_id == rule.team_id]
        if not targets:
            continue
        lo = min(t.start for t in targets)
        cal = selectors.work_calendar(lo, max(t.end for t in targets))
        daily = selectors.daily_actuals(targets, start=lo, end=as_of)
        new: list[tuple[Target, domain.Streak]] = []
        known = {
            (a.target_id, a.streak_start): a
            for a in Alert.objects.filter(rule=rule, target__in=targets).only("id", "target_id", "streak_start", "streak_end")
        }
        for target in targets:
            workdays = cal.working_days(domain.Period(target.period_kind, target.start, as_of))
            total_days = cal.count(target.period)
            if not workdays or not total_days:
                continue
            pace = target.value / total_days
            series = [(d, daily[target.pk].get(d, Decimal(0))) for d in workdays]
            streaks = domain.below_pace_streaks(
                series, pace, threshold_percent=rule.threshold_percent, min_days=rule.consecutive_days
            )
            for streak in streaks:
                existing = known.get((target.pk, streak.start))
                if existing is None:
                    new.append((target, streak))
                elif existing.streak_end < streak.end:  # the streak goes on: extend its alert
                    Alert.objects.filter(pk=existing.pk).update(
                        streak_end=streak.end, days_below=streak.days, message=_alert_message(rule, target, streak)
                    )
                    extended += 1
                    notify_alert_managers([existing.pk])
        with transaction.atomic():
            ids = _insert_alerts(rule, new)
            notify_alert_managers(ids)
            events.publish("target.alert_raised", ids)
            if ids and rule.email:
                for alert in Alert.objects.filter(pk__in=ids).select_related("target", "target__team", "target__rep"):
                    _email_managers(alert)  # sent on commit: a rolled-back run e-mails nobody
        created += len(ids)
    return {"created": created, "extended": extended}


def _alert_message(rule: AlertRule, target: Target, streak: domain.Streak) -> str:
    return (
        f"{target.owner_label}: {streak.days} working days ({streak.start:%m-%d}–{streak.end:%m-%d}) "
        f"below {rule.threshold_percent.normalize():f}% of the daily {target.get_metric_display()} pace"
    )[:300]


def _insert_alerts(rule: AlertRule, rows: list[tuple[Target, domain.Streak]]) -> list[int]:
    """Insert new streak alerts set-based; the unique (rule, target, streak_start) constraint
    decides races: a row another run inserted first is skipped, and only ids really inserted
    here come back (INSERT … ON CONFLICT DO NOTHING RETURNING, PostgreSQL and SQLite)."""
    if not rows:
        return []
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(Alert._meta.db_table)
    ids: list[int] = []
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 500):
            chunk = rows[i : i + 500]
            params: list = []
            for target, streak in chunk:
                params += [
                    rule.pk, target.pk, ops.adapt_datefield_value(streak.start), ops.adapt_datefield_value(streak.end),
                    streak.days, _alert_message(rule, target, streak), now,
                ]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (rule_id, target_id, streak_start, streak_end, days_below, message, created_at) "
                f"VALUES {values} ON CONFLICT (rule_id, target_id, streak_start) DO NOTHING RETURNING id",
                params,
            )
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def create_alert_rule(
    *, actor: User, metric: str, threshold_percent, consecutive_days: int, team: Team | None = None,
    email: bool = False, name: str = "",
) -> AlertRule:
    """A rule such as "3 consecutive working days below 80% of the daily pace". Managers add
    rules for a team they manage; admins for any team or all teams."""
    if metric not in Metric.values:
        raise DomainError(gettext("Choose a metric the system measures."))
    threshold = as_decimal(threshold_percent, "The threshold")
    if not Decimal(1) <= threshold <= Decimal(200):
        raise DomainError(gettext("The threshold is a percentage of the daily pace between 1 and 200."))
    if not isinstance(consecutive_days, int) or not 1 <= consecutive_days <= 31:
        raise DomainError(gettext("Consecutive days must be between 1 and 31."))
    if team is None and not is_admin(actor):
        raise PermissionDenied(gettext("Managers add rules for a team they manage."))
    if team is not None and not can_manage_team(actor, team.pk):
        raise PermissionDenied(gettext("You can only add rules for the teams you manage."))
    name_i18n = {}
    if not name.strip():  # a generated name, written in every language
        name_i18n = {code: _rule_name(metric, threshold, consecutive_days, code) for code, _n in settings.LANGUAGES
                     if code != settings.LANGUAGE_CODE}
    name = name.strip() or _rule_name(metric, threshold, consecutive_days, settings.LANGUAGE_CODE)
    return AlertRule.objects.create(
        name=name[:100], name_i18n=name_i18n, metric=metric, threshold_percent=threshold, consecutive_days=consecutive_days, team=team,
        email=email, created_by=actor,
    )


def _rule_name(metric: str, threshold: Decimal, days: int, language: str) -> str:
    with translation.override(language):
        return (gettext("%(days)s working days below %(threshold)s of %(metric)s pace") % {
            "days": days, "threshold": formats.percent(threshold, 0), "metric": Metric(metric).label})[:100]


def _email_managers(alert: Alert) -> None:
    team_id = alert.target.team_id
    emails = list(
        User.objects.filter(managed_teams__id=team_id, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if not emails:
        return
    subject = "[CRM] " + gettext("Target alert: %(owner)s") % {"owner": alert.target.owner_label}
    body = alert.text
    # Queued after the commit (a rolled-back run e-mails nobody); failures are retried (targets/mail.py).
    transaction.on_commit(lambda: mail.send_alert_mail.delay(alert.pk, subject, body, emails))


def mark_alert_read(*, actor: User, alert_id: int) -> Alert:
    alert = selectors.alert_for(actor=actor, alert_id=alert_id)
    if alert.read_at is None:
        alert.read_at = timezone.now()
        Alert.objects.filter(pk=alert.pk, read_at__isnull=True).update(read_at=alert.read_at)
    return alert


def _alert_to_act_on(actor: User, alert_id: int) -> Alert:
    """An alert the actor may see and, as a manager of its team or an admin, act on."""
    alert = selectors.alert_for(actor=actor, alert_id=alert_id)
    if not can_manage_team(actor, alert.target.team_id):
        raise PermissionDenied(gettext("Only the team's managers and admins act on its alerts."))
    return alert


def acknowledge_alert(*, actor: User, alert_id: int) -> Alert:
    """A manager acknowledges an alert (also marks it read); acknowledging twice is refused."""
    alert = _alert_to_act_on(actor, alert_id)
    now = timezone.now()
    with transaction.atomic():
        updated = Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=actor, acknowledged_at=now, read_at=alert.read_at or now
        )
    if not updated:
        raise Conflict(gettext("This alert has already been acknowledged."))
    alert.refresh_from_db()
    return alert


ROOT_CAUSE_FIELDS = ["people", "process", "customer_quality", "tools", "environment", "actions"]


def save_root_cause(*, actor: User, alert_id: int, **fields) -> RootCauseNote:
    """Write the five-dimension root-cause note (五维归因) for an alert; at least one dimension."""
    alert = _alert_to_act_on(actor, alert_id)
    unknown = set(fields) - set(ROOT_CAUSE_FIELDS)
    if unknown:
        raise DomainError(gettext("Unknown fields: %(join)s.") % {"join": ', '.join(sorted(unknown))})
    values = {k: (fields.get(k) or "").strip() for k in ROOT_CAUSE_FIELDS}
    if not any(values[k] for k in ROOT_CAUSE_FIELDS[:5]):
        raise DomainError(gettext("Name the cause in at least one dimension: people, process, customer quality, tools or environment."))
    with transaction.atomic():
        note, _ = RootCauseNote.objects.update_or_create(alert=alert, defaults={**values, "written_by": actor})
        if alert.read_at is None:
            Alert.objects.filter(pk=alert.pk).update(read_at=timezone.now())
    return note
