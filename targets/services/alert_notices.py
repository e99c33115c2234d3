"""Target alerts raised or extended notify the managers of the target's team (a team event they
may mute in their notification preferences); a streak extended again is merged, not repeated."""

from accounts.models import User
from notifications.models import Kind
from notifications.services import notify
from targets.models import Alert


def notify_alert_managers(alert_ids: list[int]) -> int:
    """Inside the evaluation's transaction; returns how many notifications were raised."""
    raised = 0
    for alert in Alert.objects.filter(pk__in=alert_ids).select_related("target", "target__team", "target__rep"):
        managers = User.objects.filter(managed_teams__id=alert.target.team_id, is_active=True).values_list("pk", flat=True)
        raised += len(notify(recipient=list(managers), kind=Kind.TARGET_ALERT, obj=alert))
    return raised
