"""Writes on users, teams and API tokens."""

import datetime as dt

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scopes as scopes_module
from accounts.access import can_manage_team, is_admin, may_hold_admin_scope
from accounts.models import ApiToken, Role, Team, User, validate_dialer_template
from telesales.errors import DomainError, NotFound, PermissionDenied


def create_api_token(
    *, actor: User, name: str, user: User | None = None, expires_at: dt.datetime | None = None, scopes=None
) -> tuple[ApiToken, str]:
    """Create a named integration token, optionally expiring, with its scopes (default: the
    integration scopes, never `admin`); the plain key is returned once and never stored."""
    if not is_admin(actor):
        raise PermissionDenied(_("Only admins can create API tokens."))
    return issue_api_token(name=name, user=user, expires_at=expires_at, scopes=scopes, created_by=actor)


@transaction.atomic
def issue_api_token(
    *, name: str, scopes, user: User | None = None, expires_at: dt.datetime | None = None,
    created_by: User | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token without asking who may (`manage.py create_api_token`, run by whoever runs the
    server, and `create_api_token` after its check). Without a user the token acts as a new
    integration account named after it."""
    scopes = _token_scopes(scopes)
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(_("The expiry must be in the future."), details={"expires_at": ["in the past"]})
    if ApiToken.objects.filter(name=name).exists():
        raise DomainError(_("A token named “%(name)s” already exists; revoke it or pick another name.") % {"name": name})
    if user is None:
        user = _integration_account(name)
    if not user.is_active:
        raise DomainError(_("The token's user is deactivated."), details={"user": [_("The token's user is deactivated.")]})
    if scopes_module.ADMIN in scopes and not may_hold_admin_scope(user):
        raise DomainError(_("Only an admin's or an integration account's token may have the admin scope."),
                          details={"scopes": [_("Only an admin's or an integration account's token may have the admin scope.")]})
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        name=name, user=user, key_prefix=key[:8], key_hash=ApiToken.hash_key(key), created_by=created_by,
        expires_at=expires_at, scopes=scopes,
    )
    return token, key


def _token_scopes(scopes) -> list[str]:
    if scopes is None:
        return list(scopes_module.INTEGRATION)
    try:
        scopes = scopes_module.clean_scopes(scopes)
    except ValueError as exc:
        message = _("Unknown scope: %(scopes)s. The scopes are: %(known)s.") % {
            "scopes": exc, "known": ", ".join(scopes_module.SCOPES)}
        raise DomainError(message, details={"scopes": [message]}) from None
    if not scopes:
        raise DomainError(_("Give the token at least one scope."), details={"scopes": [_("Give the token at least one scope.")]})
    return scopes


def _integration_account(name: str) -> User:
    """The integration account a token without a named user acts as: `api-<name>`."""
    username = "api-" + "".join(c if c.isalnum() or c in "@.+-_" else "-" for c in name)[:140]
    user, _created = User.objects.get_or_create(
        username=username, defaults={"role": Role.INTEGRATION, "full_name": name[:100]})
    if user.role != Role.INTEGRATION:
        raise DomainError(_("“%(username)s” is a person, not an integration account; name the token's user.")
                          % {"username": username})
    return user


def revoke_api_token(*, actor: User, token_id: int) -> ApiToken:
    """Revoke a token at once (idempotent)."""
    if not is_admin(actor):
        raise PermissionDenied(_("Only admins can revoke API tokens."))
    ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such API token."))
    return token


def revoke_access(*, user: User) -> int:
    """Cut a user off at once: inactive flag, every API token revoked, every session deleted.

    Runs inside the caller's transaction (deactivation hands leads over in the same one)."""
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(is_active=False, deactivated_at=now)
    user.is_active, user.deactivated_at = False, now
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    doomed = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=now).iterator()
        if str(s.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


@transaction.atomic
def reactivate_user(*, actor: User, user: User) -> User:
    if not is_admin(actor):
        raise PermissionDenied(_("Only admins can reactivate users."))
    User.objects.filter(pk=user.pk).update(is_active=True, deactivated_at=None)
    user.refresh_from_db()
    return user


@transaction.atomic
def set_dialer_url_template(*, actor: User, team_id: int, template: str) -> Team:
    """Set the team's click-to-dial URL template (empty: tel: links); its managers and admins may."""
    team = Team.objects.select_for_update().filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("No such team."))
    if not can_manage_team(actor, team.pk):
        raise PermissionDenied(_("Only the team's managers and admins set its dialer."))
    template = (template or "").strip()
    try:
        validate_dialer_template(template)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), details={"dialer_url_template": exc.messages}) from exc
    if len(template) > Team._meta.get_field("dialer_url_template").max_length:
        raise DomainError(_("The dialer URL template is at most 300 characters."))
    team.dialer_url_template = template
    team.save(update_fields=["dialer_url_template"])
    return team


# ---- provisioning (admins, and tokens with the admin scope) ------------------------------------
USER_FIELDS = ("full_name", "email", "role", "team", "hired_on", "accepts_distribution")
TEAM_SETTINGS = ("name", "founded_on", "stage_override", "target_uplift_percent", "daily_calling_hours",
                 "working_days_per_month", "avg_talk_minutes_per_customer", "avg_calls_per_customer",
                 "calling_hours_start", "calling_hours_end", "dialer_url_template")


def _require_admin(actor: User, message: str) -> None:
    if not is_admin(actor):
        raise PermissionDenied(message)


def _check_password(password: str | None, user: User) -> None:
    from django.contrib.auth.password_validation import validate_password

    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), details={"password": exc.messages}) from None


@transaction.atomic
def create_user(*, actor: User, username: str, password: str | None = None, **fields) -> User:
    """Create a person or an integration account (admins). Without a password the user cannot sign
    in until one is set (an admin, or the password-reset)."""
    _require_admin(actor, _("Only admins create users."))
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("The username “%(username)s” is taken.") % {"username": username},
                          details={"username": [_("Taken.")]})
    user = User(username=username, **{k: v for k, v in fields.items() if k in USER_FIELDS})
    _check_password(password, user)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def update_user(*, actor: User, user_id: int, password: str | None = None, **changes) -> User:
    """Change a user's name, e-mail, role, team or distribution flag (admins). Deactivation is the
    hand-over (leads.services.deactivate_user); an admin cannot take their own admin role away."""
    _require_admin(actor, _("Only admins change users."))
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such person, or not one you may see."))
    if user.pk == actor.pk and changes.get("role", user.role) != user.role:
        raise DomainError(_("You cannot change your own role; ask another admin."), details={"role": [_("Your own.")]})
    for name, value in changes.items():
        if name in USER_FIELDS:
            setattr(user, name, value)
    _check_password(password, user)
    if password:
        user.set_password(password)
    user.save()
    return user


def _team_managers(managers) -> list[User]:
    managers = list(managers)
    wrong = [m.username for m in managers if not m.is_active or m.role not in (Role.MANAGER, Role.ADMIN)]
    if wrong:
        message = _("Only active managers and admins manage a team: %(names)s.") % {"names": ", ".join(wrong)}
        raise DomainError(message, details={"managers": [message]})
    return managers


def _team_settings(team: Team, changes: dict) -> None:
    if "dialer_url_template" in changes:
        changes["dialer_url_template"] = (changes["dialer_url_template"] or "").strip()
    for name, value in changes.items():
        setattr(team, name, value)
    try:
        team.full_clean(exclude=["managers"], validate_unique=False)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), details=exc.message_dict) from None
    if Team.objects.filter(name__iexact=team.name).exclude(pk=team.pk).exists():
        raise DomainError(_("A team named “%(name)s” already exists.") % {"name": team.name},
                          details={"name": [_("Taken.")]})
    if team.calling_hours_start >= team.calling_hours_end:
        message = _("Calling hours must start before they end.")
        raise DomainError(message, details={"calling_hours_end": [message]})


@transaction.atomic
def create_team(*, actor: User, managers=(), **settings) -> Team:
    """Create a team with its settings and managers (admins)."""
    _require_admin(actor, _("Only admins create teams."))
    team = Team()
    _team_settings(team, {k: v for k, v in settings.items() if k in TEAM_SETTINGS})
    team.save()
    team.managers.set(_team_managers(managers))
    return team


@transaction.atomic
def update_team(*, actor: User, team_id: int, managers=None, **changes) -> Team:
    """Change a team's settings or managers (admins); its managers may change the dialer URL
    template alone (set_dialer_url_template)."""
    if set(changes) <= {"dialer_url_template"} and managers is None:
        return set_dialer_url_template(actor=actor, team_id=team_id, template=changes.get("dialer_url_template", ""))\
            if changes else Team.objects.get(pk=team_id)
    _require_admin(actor, _("Only admins change a team's settings and managers."))
    team = Team.objects.select_for_update().filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("No such team."))
    _team_settings(team, {k: v for k, v in changes.items() if k in TEAM_SETTINGS})
    team.save()
    if managers is not None:
        team.managers.set(_team_managers(managers))
    return team
