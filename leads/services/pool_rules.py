"""A pool's rules, changed by its admins and audited."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from accounts.access import (
    can_edit_pool_rules,
)
from accounts.models import User
from leads.models import (
    GRADE_ORDER,
    Pool,
    PoolRuleChange,
)
from telesales.errors import DomainError, NotFound, PermissionDenied
from telesales.i18n import clean_labels

POOL_RULES = (
    "max_held", "won_counts_toward_max", "max_claims_per_day", "reclaim_cooldown_days", "max_locked",
    "return_days_by_grade", "real_contact_min_seconds", "no_progress_days", "fresh_claim_hours",
    "exempt_won", "exempt_open_quote", "warn_days", "browsing_enabled",
)
MAX_RETURN_DAYS = 3650


def _return_days(pool: Pool, value) -> dict[str, int]:
    """The pool's days per grade with `value` ({grade: days}, some or all grades) applied."""
    if not isinstance(value, dict) or set(value) - set(GRADE_ORDER):
        raise DomainError(gettext("Give return days per grade (E, D, C, B, A), e.g. {\"E\": 7, \"A\": 30}."))
    for grade, days in value.items():
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_RETURN_DAYS:
            raise DomainError(gettext("Return days for grade %(grade)s must be a whole number from 0 to %(max_return_days)s.") % {"grade": grade, "max_return_days": MAX_RETURN_DAYS})
    return {g: value.get(g, pool.return_days_for(g)) for g in GRADE_ORDER}


@transaction.atomic
def update_pool_rules(*, actor: User, pool_id: int, **changes) -> Pool:
    """Change a pool's rules or its name in other languages (admins and the pool's own admins);
    the change is audited with the values before and after, in the same transaction."""
    pool = Pool.objects.select_for_update().filter(pk=pool_id).first()
    if pool is None:
        raise NotFound(gettext("Pool not found."))
    if not can_edit_pool_rules(actor, pool):
        raise PermissionDenied(gettext("Only admins and the pool's admins can change its rules."))
    unknown = sorted(set(changes) - set(POOL_RULES) - {"name_i18n"})
    if unknown:
        raise DomainError(gettext("“%(unknown)s” is not a pool rule.") % {"unknown": unknown[0]})
    if "name_i18n" in changes:  # the pool's name in other languages (telesales.i18n)
        try:
            changes["name_i18n"] = clean_labels(changes["name_i18n"])
        except ValueError as exc:
            raise DomainError(str(exc)) from None
    if "return_days_by_grade" in changes:
        changes["return_days_by_grade"] = _return_days(pool, changes["return_days_by_grade"])
    before, after = {}, {}
    for rule, value in changes.items():
        if getattr(pool, rule) != value:
            before[rule], after[rule] = getattr(pool, rule), value
            setattr(pool, rule, value)
    if after:
        pool.save(update_fields=list(after))
        PoolRuleChange.objects.create(pool=pool, actor=actor, before=before, after=after)
    return pool
