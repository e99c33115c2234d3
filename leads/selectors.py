"""Reads on leads, always scoped through accounts.access: the leads, pools, appeals and imports a
user may see, who may do what to a lead, a pool's rules and who holds what, do-not-call
numbers, masking and search, and what a hand-over would move."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import (
    can_browse_pool,
    can_manage_user,
    can_work_pool,
    is_admin,
    is_manager,
    is_rep,
    managed_team_ids,
    scope_by_user,
    scope_pools,
    sees_everything,
    visible_users,
)
from accounts.models import User
from leads import domain
from leads.models import (
    GRADE_ORDER,
    Appeal,
    DoNotCallNumber,
    ImportJob,
    Lead,
    LeadStatus,
    OwnershipEvent,
    OwnershipReason,
    Pool,
)
from leads.phones import InvalidPhone, mask_phone, normalize_phone
from leads.signals import handover_preview
from telesales.days import local_day, local_midnight
from telesales.errors import NotFound, PermissionDenied
from telesales.params import MAX_ID
from telesales.prepared import Prepared

_random = random.Random()


def accessible_pools(user: User) -> QuerySet[Pool]:
    """Pools the user belongs to: whose public leads they may work (browse, if allowed, or be given)."""
    return scope_pools(Pool.objects.all(), user)


def leads_visible_to(user: User) -> QuerySet[Lead]:
    """Private leads the user may see: own (rep), own teams' (manager), all (admin).
    Public-pool leads are listed by the pool selectors, masked."""
    return scope_by_user(Lead.objects.select_related("owner", "pool"), user, "owner")


def may_read(actor: User, lead: Lead) -> bool:
    """A held lead: its owner, the owner's managers, admins and integrations. A lead in a public
    pool: those who may browse that pool (reps only where browsing is on). A lead with neither
    owner nor pool belongs to no pool: admins and integrations only."""
    if sees_everything(actor):
        return True
    if lead.owner_id is None:
        return can_browse_pool(actor, lead.pool)
    return lead.owner_id == actor.pk or can_manage_user(actor, lead.owner)


def readable_leads(actor: User) -> QuerySet[Lead]:
    """The leads `may_read` lets the actor read, as one queryset (for checks over many numbers)."""
    qs = Lead.objects.all()
    if sees_everything(actor):
        return qs
    pools = accessible_pools(actor)
    if is_rep(actor):
        pools = pools.filter(browsing_enabled=True)
    held = scope_by_user(Lead.objects.filter(owner__isnull=False), actor, "owner")
    return qs.filter(Q(pk__in=held.values("pk")) | Q(owner__isnull=True, pool__in=pools))


def _lead_with_owner(lead_id: int) -> QuerySet[Lead]:
    return Lead.objects.select_related("owner", "pool", "owner__team").filter(pk=lead_id).order_by("pk")[:1]


LEAD_WITH_OWNER = Prepared(_lead_with_owner)  # compiled once: every page of the calling loop reads it


def lead_for(*, actor: User, lead_id: int) -> Lead:
    """One lead the actor may see, or NotFound (for a missing lead and a hidden one alike)."""
    lead = LEAD_WITH_OWNER.first(int(lead_id))
    if lead is None or not may_read(actor, lead):
        raise NotFound(gettext("Lead not found."))
    return lead


def can_work_lead(actor: User, lead: Lead) -> bool:
    """Who may log calls and change grades on a lead: its owner, the owner's managers, admins
    and integrations."""
    if sees_everything(actor) or lead.owner_id == actor.pk:
        return True
    return lead.owner is not None and can_manage_user(actor, lead.owner)


def can_reveal(actor: User, lead: Lead) -> bool:
    """Full numbers are revealed to admins and integrations, and to a manager for the leads of
    reps they manage and the public leads of pools they may work."""
    if sees_everything(actor):
        return True
    if not is_manager(actor):
        return False
    if lead.owner_id is None:
        return can_work_pool(actor, lead.pool)
    return can_manage_user(actor, lead.owner)


def can_import(actor: User) -> bool:
    """Imports are started by admins, managers and integrations."""
    return sees_everything(actor) or is_manager(actor)


# ---- masking (号码脱敏) -------------------------------------------------------------------
class PhoneViewer:
    """Decides, for one user, which leads' numbers they see in full. Built once per request
    (one query for managed teams), then asked per row without further queries."""

    def __init__(self, user: User):
        self.user = user
        self.everything = sees_everything(user)
        self.teams = set() if self.everything else set(managed_team_ids(user))

    def sees_full(self, lead: Lead) -> bool:
        if self.everything:
            return True
        if lead.owner_id is None:
            return False
        if lead.owner_id == self.user.pk:
            return True
        owner = lead.owner
        return bool(self.teams) and owner is not None and owner.team_id in self.teams

    def full_rows(self) -> Q:
        """The rows whose numbers this viewer sees in full, as a filter (the twin of sees_full)."""
        if self.everything:
            return Q()
        return Q(owner=self.user) | Q(owner__team_id__in=self.teams)

    def phone(self, lead: Lead) -> str:
        return lead.phone if self.sees_full(lead) else mask_phone(lead.phone)

    def phone2(self, lead: Lead) -> str:
        if not lead.phone2:
            return ""
        return lead.phone2 if self.sees_full(lead) else mask_phone(lead.phone2)


def search(qs: QuerySet[Lead], q: str, viewer: PhoneViewer) -> QuerySet[Lead]:
    """Leads whose name or company contains `q`, or whose number matches its digits. Any part of
    a number matches only where the viewer sees it in full; a masked number matches only when
    `q` is the whole number, so hidden digits cannot be guessed one at a time."""
    cond = Q(name__icontains=q) | Q(company__icontains=q)
    digits = "".join(ch for ch in q if ch.isdigit())
    if len(digits) >= 4:
        cond |= viewer.full_rows() & Q(phone__contains=digits)
        try:
            cond |= Q(phone=normalize_phone(digits))
        except InvalidPhone:
            pass
    return qs.filter(cond)


def public_pool_leads(user: User, *, pool_id: int | None = None) -> QuerySet[Lead]:
    """Unowned leads in the pools the user may browse (numbers are masked by the caller)."""
    pools = accessible_pools(user)
    if is_rep(user):
        pools = pools.filter(browsing_enabled=True)
    qs = Lead.objects.select_related("pool").filter(owner__isnull=True, pool__in=pools, status="active")
    if pool_id is not None:
        qs = qs.filter(pool_id=pool_id)
    return qs


def hand_out_order(*, explore: bool | None = None) -> tuple[list, bool]:
    """The order "next lead" hands out public-pool leads in, and whether this hand-out explores.
    By the nightly score's expected value (p(sale) × expected premium; unscored leads after scored
    ones), then grade and the least recently called; except for `SCORING_EXPLORATION` of hand-outs,
    which follow the rules alone, so new and low-score leads are still called and the next model
    learns from leads the current one did not choose. Without a model there are no scores and the
    two orders agree."""
    rule = ["grade", F("last_contacted_at").asc(nulls_first=True), "pk"]
    if explore is None:
        explore = _random.random() < settings.SCORING_EXPLORATION
    return (rule if explore else [F("score__expected_value").desc(nulls_last=True), *rule]), explore


def filter_leads(qs: QuerySet[Lead], params, viewer: PhoneViewer) -> QuerySet[Lead]:
    """`qs` narrowed by the list filters (status, grade, pool, owner, q) of the API and the pages."""
    for key in ("status", "grade"):
        if params.get(key):
            qs = qs.filter(**{key: params[key]})
    for key in ("pool", "owner"):
        value = params.get(key)
        if value:
            try:
                pk = int(value)
            except ValueError:
                return qs.none()
            qs = qs.filter(**{f"{key}_id": pk}) if 0 < pk <= MAX_ID else qs.none()
    q = (params.get("q") or "").strip().replace("\x00", "")
    if q:
        qs = search(qs, q, viewer)
    if params.get("min_score") is not None:  # percent: the nightly p(sale) (scoring.LeadScore)
        qs = qs.filter(score__p_sale__gte=params["min_score"] / 100)
    return qs


def ordered_leads(qs: QuerySet[Lead], sort: str | None, *default) -> QuerySet[Lead]:
    """A lead list in its default order, or by the nightly score's expected value (best first,
    unscored last) when `sort` is "score"; the score rides along in the same query."""
    qs = qs.select_related("score")
    if sort == "score":
        return qs.order_by(F("score__expected_value").desc(nulls_last=True), "id")
    return qs.order_by(*default)


def export_rows(user: User, qs):
    """Rows for a CSV export, numbers masked per viewer (used by the leads export page)."""
    viewer = PhoneViewer(user)
    for lead in qs:
        yield [lead.pk, lead.name, viewer.phone(lead), lead.company, lead.region, lead.grade, lead.status,
               lead.owner.display_name if lead.owner_id else "", lead.pool.name if lead.pool_id else "",
               timezone.localtime(lead.next_follow_up_at).strftime("%Y-%m-%d %H:%M") if lead.next_follow_up_at else ""]


# ---- a pool's rules and who holds what ---------------------------------------------------
DEFAULT_RULES = Pool(name="(default rules)")


def rules_for(pool: Pool | None) -> Pool:
    """A pool carries its rules; leads without a pool follow the model defaults."""
    return pool if pool is not None else DEFAULT_RULES


def return_rules(pool: Pool | None) -> domain.ReturnRules:
    r = rules_for(pool)
    return domain.ReturnRules(
        return_days_by_grade={g: r.return_days_for(g) for g in GRADE_ORDER},
        no_progress_days=r.no_progress_days,
        fresh_claim_hours=r.fresh_claim_hours,
        exempt_won=r.exempt_won,
        exempt_open_quote=r.exempt_open_quote,
        warn_days=r.warn_days,
    )


def held_lead(lead: Lead) -> domain.HeldLead:
    return domain.HeldLead(
        grade=lead.grade, status=lead.status, claimed_at=lead.claimed_at,
        last_real_contact_at=lead.last_real_contact_at, last_contacted_at=lead.last_contacted_at,
        grade_changed_at=lead.grade_changed_at, locked=lead.locked, has_open_quote=lead.has_open_quote,
    )


def return_due_for(lead: Lead) -> tuple[dt.datetime | None, str]:
    """When this held lead returns to its pool, and which rule returns it."""
    if lead.owner_id is None:
        return None, ""
    return domain.return_due(held_lead(lead), return_rules(lead.pool))


def holder_text(lead: Lead) -> str:
    """“held by 王芳 since 2026-11-02” or “in the public pool”."""
    if lead.owner_id is None:
        return "in the public pool" + (f" “{lead.pool.name}”" if lead.pool_id else "")
    since = timezone.localtime(lead.claimed_at or lead.created_at).date().isoformat()
    return f"held by {lead.owner.display_name} since {since}"


def held_counts(rep_ids: list[int]) -> dict[int, dict[str, int]]:
    """{rep_id: {"active": n, "won": n}} in one query."""
    out: dict[int, dict[str, int]] = {r: {"active": 0, "won": 0} for r in rep_ids}
    rows = (
        Lead.objects.filter(owner_id__in=rep_ids, status__in=[LeadStatus.ACTIVE, LeadStatus.WON])
        .values("owner_id", "status").annotate(n=Count("id"))
    )
    for row in rows:
        out[row["owner_id"]][row["status"]] = row["n"]
    return out


def claims_today(rep: User) -> int:
    """Leads the rep claimed since the company's day began."""
    return OwnershipEvent.objects.filter(
        to_owner=rep, reason=OwnershipReason.CLAIM, at__gte=local_midnight(local_day(timezone.now()))
    ).count()


def _neglect_q(rules: Pool, now: dt.datetime) -> Q:
    """The SQL twin of domain.return_due: held leads some return rule has caught."""
    q = Q(pk__in=[])
    for grade in GRADE_ORDER:
        days = rules.return_days_for(grade)
        if days:
            cut = now - dt.timedelta(days=days)
            q |= Q(grade=grade, claimed_at__lte=cut) & (
                Q(last_real_contact_at__isnull=True) | Q(last_real_contact_at__lte=cut)
            )
    if rules.no_progress_days:
        cut = now - dt.timedelta(days=rules.no_progress_days)
        q |= Q(claimed_at__lte=cut) & (Q(grade_changed_at__isnull=True) | Q(grade_changed_at__lte=cut))
    if rules.fresh_claim_hours:
        cut = now - dt.timedelta(hours=rules.fresh_claim_hours)
        q |= Q(claimed_at__lte=cut) & (Q(last_contacted_at__isnull=True) | Q(last_contacted_at__lt=F("claimed_at")))
    return q


def neglected_leads(now: dt.datetime | None = None) -> QuerySet[Lead]:
    """Held leads due to return now, over all pools."""
    now = now or timezone.now()
    cond = Q(pk__in=[])
    for pool in [*Pool.objects.all(), None]:
        rules = rules_for(pool)
        statuses = [LeadStatus.ACTIVE] + ([] if rules.exempt_won else [LeadStatus.WON])
        part = Q(pool=pool) if pool is not None else Q(pool__isnull=True)
        part &= Q(status__in=statuses)
        if rules.exempt_open_quote:
            part &= Q(has_open_quote=False)
        cond |= part & _neglect_q(rules, now)
    return Lead.objects.filter(owner__isnull=False, locked=False, claimed_at__isnull=False).filter(cond)


# ---- do-not-call -------------------------------------------------------------------------
def is_do_not_call(phone_e164: str) -> bool:
    return DoNotCallNumber.objects.filter(phone=phone_e164).exists()


def do_not_call_numbers(phones: Iterable[str]) -> set[str]:
    """The subset of `phones` (E.164) on the company do-not-call list, in one query."""
    return set(DoNotCallNumber.objects.filter(phone__in=[p for p in phones if p]).values_list("phone", flat=True))


# ---- appeals, imports, hand-over ---------------------------------------------------------
def appeals_visible_to(user: User) -> QuerySet[Appeal]:
    """Appeals the user may see: the ones they asked; for a manager, also those asked by a rep
    of a team they manage or against a lead such a rep holds; every appeal for admins and
    integrations."""
    qs = Appeal.objects.all()
    if sees_everything(user):
        return qs
    teams = managed_team_ids(user)
    return qs.filter(Q(requested_by=user) | Q(requested_by__team_id__in=teams) | Q(lead__owner__team_id__in=teams))


def can_decide_appeal(actor: User, appeal: Appeal) -> bool:
    """Admins, and managers of the requester or of the current holder."""
    return can_manage_user(actor, appeal.requested_by) or (
        appeal.lead.owner is not None and can_manage_user(actor, appeal.lead.owner)
    )


def import_jobs_visible_to(user: User) -> QuerySet[ImportJob]:
    """Imports the user started; every import for admins and integrations."""
    qs = ImportJob.objects.all()
    return qs if sees_everything(user) else qs.filter(created_by=user)


def require_deactivator(actor: User, user_id: int) -> None:
    """Only admins deactivate users; a user the actor cannot see is not found."""
    if not visible_users(actor).filter(pk=user_id).exists():
        raise NotFound(gettext("User not found."))
    if not is_admin(actor):
        raise PermissionDenied(gettext("Only admins can deactivate users."))


def handover_preview_for(*, actor: User, user_id: int) -> dict:
    """What deactivating `user` would hand over: leads by status, and counts other apps add."""
    require_deactivator(actor, user_id)
    user = User.objects.get(pk=user_id)
    by_status = dict(
        Lead.objects.filter(owner=user).values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    preview = {
        "user": user.pk,
        "display_name": user.display_name,
        "is_active": user.is_active,
        "leads": sum(by_status.values()),
        "active_leads": by_status.get(LeadStatus.ACTIVE, 0),
        "won_leads": by_status.get(LeadStatus.WON, 0),
        "locked_leads": Lead.objects.filter(owner=user, locked=True).count(),
        "open_follow_ups": 0,
    }
    for _receiver, extra in handover_preview.send(sender=User, user=user):
        if isinstance(extra, dict):
            preview.update(extra)
    return preview
