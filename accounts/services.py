"""Writes on users, teams and API tokens."""

import datetime as dt

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_manage_team, is_admin
from accounts.models import ApiToken, Team, User, validate_dialer_template
from telesales.errors import DomainError, NotFound, PermissionDenied


def create_api_token(
    *, actor: User, name: str, user: User, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a named integration token, optionally expiring; the plain key is returned once and never stored."""
    if not is_admin(actor):
        raise PermissionDenied(_("Only admins can create API tokens."))
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(_("The expiry must be in the future."), details={"expires_at": ["in the past"]})
    if ApiToken.objects.filter(name=name).exists():
        raise DomainError(_("A token named “%(name)s” already exists; revoke it or pick another name.") % {"name": name})
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        name=name, user=user, key_prefix=key[:8], key_hash=ApiToken.hash_key(key), created_by=actor,
        expires_at=expires_at,
    )
    return token, key


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
