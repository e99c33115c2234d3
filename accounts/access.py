"""The one place that decides what a user may see.

A rep sees their own records, a manager the records of the teams they manage (and their own),
an admin or integration everything. Every selector scopes its queryset through these helpers."""

from django.db.models import Q, QuerySet

from accounts.models import Role, Team, User


def sees_everything(user: User) -> bool:
    return bool(user.is_superuser or user.role in (Role.ADMIN, Role.INTEGRATION))


def managed_team_ids(user: User) -> list[int]:
    """Teams whose data the user manages (all teams for admins)."""
    if sees_everything(user):
        return list(Team.objects.values_list("id", flat=True))
    if user.role == Role.MANAGER:
        return list(user.managed_teams.values_list("id", flat=True))
    return []


def visible_users(user: User) -> QuerySet[User]:
    """Users whose records `user` may see: self, members of managed teams, or everyone."""
    qs = User.objects.all()
    if sees_everything(user):
        return qs
    if user.role == Role.MANAGER:
        return qs.filter(Q(team__managers=user) | Q(pk=user.pk)).distinct()
    return qs.filter(pk=user.pk)


def scope_by_user(qs: QuerySet, user: User, field: str = "owner") -> QuerySet:
    """Restrict any queryset whose rows belong to a user through `field` (an FK to User)."""
    if sees_everything(user):
        return qs
    if user.role == Role.MANAGER:
        return qs.filter(Q(**{f"{field}__team__managers": user}) | Q(**{field: user}))
    return qs.filter(**{field: user})


def scope_teams(qs: QuerySet[Team], user: User) -> QuerySet[Team]:
    if sees_everything(user):
        return qs
    if user.role == Role.MANAGER:
        return qs.filter(managers=user)
    return qs.filter(pk=user.team_id) if user.team_id else qs.none()


def can_manage_user(actor: User, target: User) -> bool:
    """True if `actor` manages `target` (admins manage everyone)."""
    if sees_everything(actor):
        return True
    return actor.role == Role.MANAGER and target.team_id is not None and target.team_id in managed_team_ids(actor)
