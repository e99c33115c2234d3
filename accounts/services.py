"""Writes on users, teams and API tokens."""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from accounts.access import sees_everything
from accounts.models import ApiToken, User
from telesales.errors import DomainError, PermissionDenied


def create_api_token(*, actor: User, name: str, user: User) -> tuple[ApiToken, str]:
    """Create a named integration token; the plain key is returned once and never stored."""
    if not sees_everything(actor) or actor.role == "integration":
        raise PermissionDenied("Only admins can create API tokens.")
    if ApiToken.objects.filter(name=name).exists():
        raise DomainError(f"A token named “{name}” already exists; revoke it or pick another name.")
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        name=name, user=user, key_prefix=key[:8], key_hash=ApiToken.hash_key(key), created_by=actor
    )
    return token, key


def revoke_api_token(*, actor: User, token_id: int) -> ApiToken:
    if not sees_everything(actor) or actor.role == "integration":
        raise PermissionDenied("Only admins can revoke API tokens.")
    ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return ApiToken.objects.get(pk=token_id)


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
    if not sees_everything(actor):
        raise PermissionDenied("Only admins can reactivate users.")
    User.objects.filter(pk=user.pk).update(is_active=True, deactivated_at=None)
    user.refresh_from_db()
    return user
