"""Provisioning of pools (name, team, region, members, pool admins, with their rules) and of lost
reasons: admins, and API tokens with the admin scope. Every pool write is audited as a
PoolRuleChange (before/after), in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from accounts.access import is_admin
from accounts.models import Team, User
from leads.models import LostReason, Pool, PoolRuleChange
from leads.services.pool_rules import POOL_RULES, update_pool_rules
from telesales.errors import DomainError, NotFound, PermissionDenied
from telesales.i18n import clean_labels

POOL_SETUP = ("name", "team", "region")
POOL_MEMBERS = ("member_teams", "member_users", "admins")


def _labels(value) -> dict:
    try:
        return clean_labels(value)
    except ValueError as exc:
        raise DomainError(str(exc), details={"name_i18n": [str(exc)]}) from None


def _audit_value(value):
    if isinstance(value, Team | User):
        return value.pk
    if isinstance(value, list | tuple | set):
        return sorted(v.pk if hasattr(v, "pk") else v for v in value)
    return value


def _unique_name(model, name: str, pk=None) -> None:
    if model.objects.filter(name__iexact=name).exclude(pk=pk).exists():
        raise DomainError(gettext("“%(name)s” is taken; pick another name.") % {"name": name},
                          details={"name": [gettext("Taken.")]})


@transaction.atomic
def create_pool(*, actor: User, name: str, **fields) -> Pool:
    """Create a public pool with its team, region, members, pool admins and rules (admins)."""
    if not is_admin(actor):
        raise PermissionDenied(gettext("Only admins create pools."))
    _unique_name(Pool, name)
    pool = Pool.objects.create(name=name, team=fields.get("team"), region=fields.get("region", ""),
                               name_i18n=_labels(fields.get("name_i18n")))
    for relation in POOL_MEMBERS:
        getattr(pool, relation).set(fields.get(relation, ()))
    rules = {k: v for k, v in fields.items() if k in POOL_RULES}
    if rules:
        pool = update_pool_rules(actor=actor, pool_id=pool.pk, **rules)
    after = {"name": name, **{k: _audit_value(v) for k, v in fields.items() if k != "name_i18n"}}
    PoolRuleChange.objects.create(pool=pool, actor=actor, before={}, after=after)
    return pool


@transaction.atomic
def update_pool(*, actor: User, pool_id: int, **changes) -> Pool:
    """Change a pool: its name, team, region, members and admins (admins only), and its rules and
    labels (also the pool's own admins, through update_pool_rules). Audited before/after."""
    setup = {k: v for k, v in changes.items() if k in POOL_SETUP + POOL_MEMBERS}
    rules = {k: v for k, v in changes.items() if k not in setup}
    if setup:
        if not is_admin(actor):
            raise PermissionDenied(gettext("Only admins change a pool's name, team, region, members or admins."))
        pool = Pool.objects.select_for_update().filter(pk=pool_id).first()
        if pool is None:
            raise NotFound(gettext("Pool not found."))
        if "name" in setup:
            _unique_name(Pool, setup["name"], pool.pk)
        before, after = {}, {}
        for name, value in setup.items():
            if name in POOL_MEMBERS:
                old = sorted(getattr(pool, name).values_list("pk", flat=True))
                if old != _audit_value(value):
                    before[name], after[name] = old, _audit_value(value)
                    getattr(pool, name).set(value)
            elif getattr(pool, name) != value:
                before[name], after[name] = _audit_value(getattr(pool, name)), _audit_value(value)
                setattr(pool, name, value)
        changed = [n for n in after if n in POOL_SETUP]
        if changed:
            pool.save(update_fields=changed)
        if after:
            PoolRuleChange.objects.create(pool=pool, actor=actor, before=before, after=after)
    return update_pool_rules(actor=actor, pool_id=pool_id, **rules)


@transaction.atomic
def save_lost_reason(*, actor: User, reason_id: int | None = None, **fields) -> LostReason:
    """Create (no id) or change a lost reason: name, name_i18n, active (admins)."""
    if not is_admin(actor):
        raise PermissionDenied(gettext("Only admins edit lost reasons."))
    if reason_id is None:
        reason = LostReason()
    else:
        reason = LostReason.objects.select_for_update().filter(pk=reason_id).first()
        if reason is None:
            raise NotFound(gettext("Lost reason not found."))
    if "name" in fields:
        _unique_name(LostReason, fields["name"], reason.pk)
    if "name_i18n" in fields:
        fields["name_i18n"] = _labels(fields["name_i18n"])
    for name, value in fields.items():
        setattr(reason, name, value)
    reason.save()
    return reason
