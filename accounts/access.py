"""The one place that decides who may see and do what.

Roles:
- a rep sees and works their own records;
- a manager sees and manages the teams they manage (and their own records);
- an admin (a person: the admin role or a superuser) sees and manages everything;
- an integration (an API token's account) reads everything and writes calls and leads,
  but never makes a management decision (appeals, distribution, reassignment, targets,
  alerts, coaching, tokens, pool rules).

Every selector scopes its queryset through these helpers, and every service asks them
before a write. No other module compares roles by hand."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Role, Team, User
from accounts.scopes import ADMIN as ADMIN_SCOPE
from accounts.scopes import grants


# ---- who the user is -------------------------------------------------------------------------
def token_scopes(user: User) -> frozenset[str] | None:
    """The scopes of the API token the request came with (set by the token authentication), or
    None for a session and for code that runs without a request."""
    return getattr(user, "api_scopes", None)


def _admin_role(user: User) -> bool:
    role = getattr(user, "role", None)
    return bool(getattr(user, "is_superuser", False) or role == Role.ADMIN) and role != Role.INTEGRATION


def is_integration(user: User) -> bool:
    """An API integration (dialer, lead source, BI tool): an integration account, or an admin's
    token without the `admin` scope. A token with the `admin` scope acts as an admin instead."""
    scopes = token_scopes(user)
    if scopes is not None and ADMIN_SCOPE in scopes:
        return False
    if getattr(user, "role", None) == Role.INTEGRATION:
        return True
    return scopes is not None and getattr(user, "is_authenticated", False) and _admin_role(user)


def is_admin(user: User) -> bool:
    """An administrator: the admin role or a superuser signed in, or a token with the `admin`
    scope of an admin or integration account (a token never makes anyone else an admin)."""
    if not getattr(user, "is_authenticated", False) or is_integration(user):
        return False
    if token_scopes(user) is not None:
        return may_hold_admin_scope(user)
    return _admin_role(user)


def may_hold_admin_scope(user: User) -> bool:
    """The `admin` scope is given only to tokens of admins and of integration accounts."""
    return _admin_role(user) or getattr(user, "role", None) == Role.INTEGRATION


def is_manager(user: User) -> bool:
    """A team manager (not an admin)."""
    return getattr(user, "role", None) == Role.MANAGER and not is_admin(user) and not is_integration(user)


def is_rep(user: User) -> bool:
    """A rep: works their own leads and nothing else."""
    return getattr(user, "role", None) == Role.REP and not is_admin(user) and not is_integration(user)


def sees_everything(user: User) -> bool:
    """Reads every team's records: admins and integrations."""
    return is_admin(user) or is_integration(user)


def can_manage(user: User) -> bool:
    """Makes management decisions at all (for some team): admins and managers."""
    return is_admin(user) or is_manager(user)


# ---- teams and users -------------------------------------------------------------------------
def managed_team_ids(user: User) -> list[int]:
    """Teams whose data the user manages (all teams for admins and, for reading, integrations)."""
    if sees_everything(user):
        return list(Team.objects.values_list("id", flat=True))
    if is_manager(user):
        return list(user.managed_teams.values_list("id", flat=True))
    return []


def can_manage_team(user: User, team_id: int | None) -> bool:
    """May `user` make management decisions for the team `team_id`?"""
    if is_admin(user):
        return True
    if team_id is None or not is_manager(user):
        return False
    return user.managed_teams.filter(pk=team_id).exists()


def can_manage_user(actor: User, target: User) -> bool:
    """May `actor` make management decisions about `target` (admins manage everyone)?"""
    if is_admin(actor):
        return True
    return is_manager(actor) and can_manage_team(actor, target.team_id)


def visible_users(user: User) -> QuerySet[User]:
    """Users whose records `user` may see: self, members of managed teams, or everyone."""
    qs = User.objects.all()
    if sees_everything(user):
        return qs
    if is_manager(user):
        return qs.filter(Q(team__managers=user) | Q(pk=user.pk)).distinct()
    return qs.filter(pk=user.pk)


def scope_by_user(qs: QuerySet, user: User, field: str = "owner") -> QuerySet:
    """Restrict any queryset whose rows belong to a user through `field` (an FK to User)."""
    if sees_everything(user):
        return qs
    if is_manager(user):
        return qs.filter(Q(**{f"{field}__team__managers": user}) | Q(**{field: user}))
    return qs.filter(**{field: user})


def scope_teams(qs: QuerySet[Team], user: User) -> QuerySet[Team]:
    if sees_everything(user):
        return qs
    if is_manager(user):
        return qs.filter(managers=user)
    return qs.filter(pk=user.team_id) if user.team_id else qs.none()


def scope_wallboards(qs: QuerySet[Team], user: User) -> QuerySet[Team]:
    """Teams whose live wallboard (today's numbers per rep, as they happen) the user may watch:
    every team for admins and integrations, the managed teams for a manager, and for a rep their
    own team's, as call centres show it on the floor. A rep still sees only their own numbers
    anywhere else."""
    if sees_everything(user) or is_manager(user):
        return scope_teams(qs, user)
    if is_rep(user) and user.team_id:
        return qs.filter(pk=user.team_id)
    return qs.none()


# ---- pools (公海) ------------------------------------------------------------------------------
def scope_pools(qs: QuerySet, user: User) -> QuerySet:
    """Pools the user belongs to: named as a member user or pool admin, through their own or a
    managed team (the pool's team or a member team), or pools open to all (no team, no members).
    Admins and integrations belong to every pool. `qs` is a queryset of leads.Pool."""
    if sees_everything(user):
        return qs
    pool = qs.model
    through_teams = pool.member_teams.through.objects.filter(pool_id=OuterRef("pk"))
    through_users = pool.member_users.through.objects.filter(pool_id=OuterRef("pk"))
    open_to_all = Q(team__isnull=True) & ~Exists(through_teams) & ~Exists(through_users)
    cond = open_to_all | Q(member_users=user) | Q(admins=user)
    teams = set(managed_team_ids(user))
    if user.team_id:
        teams.add(user.team_id)
    if teams:
        cond |= Q(team_id__in=teams) | Q(member_teams__in=teams)
    return qs.filter(pk__in=pool.objects.filter(cond).values("pk"))


def can_work_pool(user: User, pool) -> bool:
    """May `user` read, reveal, claim, create or import leads in `pool`?"""
    if pool is None:
        return False
    if sees_everything(user):
        return True
    return scope_pools(type(pool).objects.filter(pk=pool.pk), user).exists()


def can_browse_pool(user: User, pool) -> bool:
    """May `user` list and pick leads in `pool`? Reps only where browsing is on."""
    if not can_work_pool(user, pool):
        return False
    return not is_rep(user) or bool(pool.browsing_enabled)


def can_manage_pool(user: User, pool) -> bool:
    """May `user` manage the leads of `pool` (reassign, distribute)? Admins, the pool's admins,
    and managers of a team the pool belongs to."""
    if pool is None:
        return False
    if is_admin(user):
        return True
    if is_integration(user):
        return False
    if pool.admins.filter(pk=user.pk).exists():
        return True
    if not is_manager(user):
        return False
    teams = set(user.managed_teams.values_list("id", flat=True))
    if pool.team_id in teams:
        return True
    if pool.member_teams.filter(pk__in=teams).exists():
        return True
    # A pool open to all belongs to every team.
    return pool.team_id is None and not pool.member_teams.exists() and not pool.member_users.exists()


def can_edit_pool_rules(user: User, pool=None) -> bool:
    """Pool rules are set by admins and by the pool's own admins."""
    if is_admin(user):
        return True
    return pool is not None and not is_integration(user) and pool.admins.filter(pk=user.pk).exists()


# ---- lead attributes ---------------------------------------------------------------------------
def can_manage_lead_attributes(user: User) -> bool:
    """The company's lead attribute definitions are set by admins; every signed-in user reads them."""
    return is_admin(user)


# ---- API tokens ------------------------------------------------------------------------------
def can_manage_api_tokens(user: User, *, via_token: bool) -> bool:
    """Tokens are created and revoked by an admin signed in with a session, never by a request
    authenticated with a token (a leaked token must not mint or revoke others)."""
    return is_admin(user) and not via_token


def token_may(user: User, scopes, needed: str) -> bool:
    """May a request made with a token of `scopes` call an endpoint that needs `needed`
    (accounts.scopes.scope_for)? `admin` allows everything."""
    return grants(scopes, needed)
def can_manage_webhooks(user: User) -> bool:
    """Registers webhook endpoints, reads their delivery log and resends: admins."""
    return is_admin(user)


# ---- holding leads ---------------------------------------------------------------------------
def can_hold_leads(user: User) -> bool:
    """Claims, releases and locks leads and appeals for them: people only. An integration writes
    leads (create, update, import) but never takes one into, or gives one back from, a private pool."""
    return not is_integration(user)


# ---- lead scoring ----------------------------------------------------------------------------
def can_see_model_card(user: User) -> bool:
    """The lead-scoring model card (metrics, features, training runs): managers and admins."""
    return can_manage(user)
