"""Create a lead (防撞单: one lead per number) and edit its data."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import (
    can_manage_user,
    can_work_pool,
    is_rep,
    sees_everything,
)
from accounts.models import User
from leads.models import (
    GRADE_ORDER,
    Lead,
    OwnershipReason,
    Pool,
)
from leads.phones import normalize_phone
from leads.selectors import can_work_lead, held_counts, is_do_not_call, rules_for
from leads.services.attributes import clean_attributes, stored
from leads.services.common import (
    DoNotCall,
    LimitReached,
    _events,
    _lock_lead,
    _room,
    collision_error,
)
from telesales.errors import DomainError, NotFound, PermissionDenied


def create_lead(
    *,
    actor: User,
    name: str,
    phone: str,
    phone2: str = "",
    company: str = "",
    region: str = "",
    source: str = "",
    tags: list | None = None,
    product_interest: str = "",
    grade: str = "E",
    pool_id: int | None = None,
    owner_id: int | None = None,
    to_public_pool: bool = False,
    attributes: dict | None = None,
) -> Lead:
    """Create one lead; refuse an existing number (naming who holds it) or a do-not-call number.

    A rep's new lead goes into their own private pool unless `to_public_pool`; managers and
    admins may give it to a rep they manage or leave it in a public pool."""
    e164 = normalize_phone(phone)
    e164_2 = normalize_phone(phone2) if (phone2 or "").strip() else ""
    if not (name or "").strip():
        raise DomainError(gettext("A lead needs a name."))
    if grade not in GRADE_ORDER:
        raise DomainError(gettext("Unknown grade “%(grade)s”; use one of E, D, C, B, A.") % {"grade": grade})
    values = stored(clean_attributes(attributes or {}))
    if is_do_not_call(e164):
        raise DoNotCall(f"{e164} is on the company do-not-call list.")
    pool = _pool_for_new_lead(actor, pool_id)
    owner = _owner_for_new_lead(actor, owner_id, to_public_pool=to_public_pool)
    if owner is None and pool is None and not sees_everything(actor):
        raise DomainError(gettext("Choose the public pool to put a lead nobody holds in."))
    now = timezone.now()
    try:
        with transaction.atomic():
            # The hold limit first: a rep who may not add a lead learns nothing about the number.
            if owner is not None:
                owner = _lock_owner_with_room(owner, pool)
            existing = _lead_with_number(e164)
            if existing is not None:
                raise collision_error(existing, actor=actor)
            lead = Lead.objects.create(
                name=name.strip()[:100], phone=e164, phone2=e164_2, company=company[:200], region=region[:100],
                source=source[:100], tags=list(tags or []), product_interest=product_interest[:200], grade=grade,
                attributes=values, owner=owner, pool=pool, claimed_at=now if owner else None, created_by=actor,
            )
            _events([(lead.pk, None, owner.pk if owner else None)], actor=actor, reason=OwnershipReason.CREATE)
    except IntegrityError:
        # Someone created the same number between our check and our insert.
        existing = _lead_with_number(e164)
        if existing is not None:
            raise collision_error(existing, actor=actor) from None
        raise
    return lead


def _pool_for_new_lead(actor: User, pool_id: int | None) -> Pool | None:
    if pool_id is None:
        return None
    pool = Pool.objects.filter(pk=pool_id).first()
    if pool is None or not can_work_pool(actor, pool):
        raise NotFound(gettext("Pool not found."))
    return pool


def _owner_for_new_lead(actor: User, owner_id: int | None, *, to_public_pool: bool) -> User | None:
    """Who holds a new lead: a rep the actor manages, the actor (a rep, unless the lead goes to
    the public pool), or nobody."""
    if owner_id is not None and owner_id != actor.pk:
        target = User.objects.filter(pk=owner_id).first()
        if target is None or not can_manage_user(actor, target):
            raise PermissionDenied(gettext("You can only give new leads to reps you manage."))
        if not target.is_active:
            raise DomainError(gettext("%(display_name)s is deactivated.") % {"display_name": target.display_name})
        return target
    if to_public_pool:
        return None
    return actor if (owner_id == actor.pk or is_rep(actor)) else None


def _lock_owner_with_room(owner: User, pool: Pool | None) -> User:
    """Lock the owner's row and refuse a lead over the pool's hold limit."""
    owner = User.objects.select_for_update().get(pk=owner.pk)
    rules = rules_for(pool)
    if _room(held_counts([owner.pk])[owner.pk], rules) <= 0:
        raise LimitReached(
            f"{owner.display_name} already holds {rules.max_held} leads, the most allowed; "
            "release some or put this one in the public pool."
        )
    return owner


def _lead_with_number(e164: str) -> Lead | None:
    return Lead.objects.select_related("owner", "pool").filter(phone=e164).first()


EDITABLE = {"name", "phone2", "company", "region", "source", "tags", "product_interest", "next_follow_up_at",
            "attributes"}


@transaction.atomic
def update_lead(*, actor: User, lead_id: int, **fields) -> Lead:
    """Edit a lead's data (not its owner: that has its own services). `attributes` are merged
    into the lead's: a key given with a value sets it, one given as null or blank removes it."""
    lead = _lock_lead(lead_id)
    if not can_work_lead(actor, lead):
        raise PermissionDenied(gettext("Only the lead's owner, their manager or an admin can edit it."))
    changed = []
    if "phone" in fields and fields["phone"] is not None:
        e164 = normalize_phone(fields.pop("phone"))
        if e164 != lead.phone:
            other = _lead_with_number(e164)
            if other is not None:
                raise collision_error(other, actor=actor)
            if is_do_not_call(e164):
                raise DoNotCall(f"{e164} is on the company do-not-call list.")
            lead.phone = e164
            changed.append("phone")
    fields.pop("phone", None)
    if "phone2" in fields:
        fields["phone2"] = normalize_phone(fields["phone2"]) if (fields["phone2"] or "").strip() else ""
    for key, value in fields.items():
        if key not in EDITABLE:
            raise DomainError(gettext("“%(key)s” cannot be edited here.") % {"key": key})
        if key == "name" and not (value or "").strip():
            raise DomainError(gettext("A lead needs a name."))
        if key == "attributes":
            value = stored({**lead.attributes, **clean_attributes(value if value is not None else {})})
        setattr(lead, key, value if value is not None else ("" if key != "next_follow_up_at" else None))
        changed.append(key)
    if changed:
        lead.save(update_fields=[*changed, "updated_at"])
    return lead
