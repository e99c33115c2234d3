"""Reads on leads, always scoped through accounts.access; the segments KPI pages cut leads by."""

from dataclasses import dataclass

from django.db.models import Case, CharField, Expression, F, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, NullIf
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.access import (
    can_browse_pool,
    can_manage_user,
    can_work_pool,
    is_manager,
    is_rep,
    managed_team_ids,
    scope_by_user,
    scope_pools,
    sees_everything,
)
from accounts.models import User
from leads import domain
from leads.models import AttributeDefinition, AttributeKind, ImportJob, Lead, Pool
from leads.phones import InvalidPhone, mask_phone, normalize_phone
from telesales.errors import DomainError, NotFound
from telesales.params import MAX_ID


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


def lead_for(*, actor: User, lead_id: int) -> Lead:
    """One lead the actor may see, or NotFound (for a missing lead and a hidden one alike)."""
    lead = Lead.objects.select_related("owner", "pool", "owner__team").filter(pk=lead_id).first()
    if lead is None or not may_read(actor, lead):
        raise NotFound("Lead not found.")
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


def ownership_history(lead: Lead) -> QuerySet:
    return lead.ownership_events.select_related("from_owner", "to_owner", "actor").order_by("at", "id")


def grade_history(lead: Lead) -> QuerySet:
    return lead.grade_changes.select_related("changed_by", "owner").order_by("changed_at", "id")


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
    return qs


def export_rows(user: User, qs):
    """Rows for a CSV export, numbers masked per viewer (used by the leads export page)."""
    viewer = PhoneViewer(user)
    for lead in qs:
        yield [lead.pk, lead.name, viewer.phone(lead), lead.company, lead.region, lead.grade, lead.status,
               lead.owner.display_name if lead.owner_id else "", lead.pool.name if lead.pool_id else "",
               timezone.localtime(lead.next_follow_up_at).strftime("%Y-%m-%d %H:%M") if lead.next_follow_up_at else ""]


# ---- attributes ----------------------------------------------------------------------------
def attribute_definitions(user: User | None = None) -> QuerySet[AttributeDefinition]:
    """The company's attribute definitions in display order: every signed-in user reads them."""
    return AttributeDefinition.objects.order_by("position", "key")


def active_attribute_definitions() -> QuerySet[AttributeDefinition]:
    return attribute_definitions().filter(active=True)


def shown_attribute(definition: AttributeDefinition, value) -> str:
    """A stored value as a page shows it (yes/no translated)."""
    if definition.kind == AttributeKind.BOOLEAN:
        return gettext("Yes") if value is True else gettext("No")
    return str(value)


def attribute_rows(lead: Lead, definitions) -> list[tuple[str, str]]:
    """(label, value) of the lead's attributes, in the order of the active `definitions`."""
    values = lead.attributes or {}
    return [(d.label, shown_attribute(d, values[d.key])) for d in definitions if d.active and d.key in values]


# ---- segments (cuts of KPIs by a property of the lead) --------------------------------------
ATTRIBUTE_SEGMENT = "attr:"


@dataclass(frozen=True)
class Segment:
    """A way to cut leads: `key` is what `?segment=` takes, `label` its heading."""

    key: str
    label: str


SEGMENTS: tuple[Segment, ...] = (
    Segment("source", _("Source")),
    Segment("region", _("Region")),
    Segment("product_interest", _("Product interest")),
    Segment("pool", _("Pool")),
    Segment("import_batch", _("Import batch")),
)
_TEXT_FIELDS = {"source", "region", "product_interest"}


def segments() -> list[Segment]:
    """The fixed segments, then `attr:<key>` for each active attribute definition (one query)."""
    return [*SEGMENTS, *(Segment(f"{ATTRIBUTE_SEGMENT}{d.key}", d.label) for d in active_attribute_definitions())]


def _segment_attribute(segment: str) -> AttributeDefinition:
    key = segment[len(ATTRIBUTE_SEGMENT):] if segment.startswith(ATTRIBUTE_SEGMENT) else ""
    valid = domain.valid_attribute_key(key)  # never send NUL or junk to the database
    definition = active_attribute_definitions().filter(key=key).first() if valid else None
    if definition is None:
        names = ", ".join(s.key for s in segments())
        message = gettext("Unknown segment '%(segment)s'; choose one of %(names)s.") % {
            "segment": domain.printable(segment), "names": names}
        raise DomainError(message, code="invalid_segment", details={"segment": [message]})
    return definition


def segment_expression(segment: str, *, lead_path: str = "") -> Expression:
    """The lead's value in `segment` as text, NULL where the lead has none, for annotate/values
    on leads (or on rows that reach a lead through `lead_path`, e.g. "lead" for calls):
    source, region and product interest as written, pool and import batch as ids, `attr:<key>`
    as stored (numbers as decimal strings, dates YYYY-MM-DD, yes/no as "true"/"false", alike on
    SQLite and PostgreSQL). Raises DomainError naming the segment and the ones to choose from."""
    path = f"{lead_path}__" if lead_path else ""
    if segment in _TEXT_FIELDS:
        return NullIf(F(f"{path}{segment}"), Value(""))
    if segment == "pool":
        return Cast(F(f"{path}pool_id"), output_field=CharField())
    if segment == "import_batch":
        return Cast(F(f"{path}import_job_id"), output_field=CharField())
    definition = _segment_attribute(segment)
    if definition.kind == AttributeKind.BOOLEAN:
        # A JSON true reads back as 1 on SQLite and "true" on PostgreSQL: compare, do not cast.
        lookup = f"{path}attributes__{definition.key}"
        return Case(When(**{lookup: True}, then=Value("true")), When(**{lookup: False}, then=Value("false")),
                    default=None, output_field=CharField())
    return KeyTextTransform(definition.key, f"{path}attributes")


def segment_labels(segment: str, values) -> dict:
    """{value: label} for segment values as segment_expression gives them (None: “none”): pool
    and import batch names for their ids, yes/no for a yes/no attribute; one query at most."""
    values = set(values)
    labels = {value: value for value in values if value is not None}
    if None in values:
        labels[None] = gettext("(none)")
    ids = [int(v) for v in values if isinstance(v, str) and v.isdigit()]
    if segment == "pool":
        labels |= {str(pk): name for pk, name in Pool.objects.filter(pk__in=ids).values_list("pk", "name")}
    elif segment == "import_batch":
        for job in ImportJob.objects.filter(pk__in=ids).only("pk", "original_name", "created_at"):
            labels[str(job.pk)] = f"#{job.pk} {job.original_name} ({timezone.localtime(job.created_at):%Y-%m-%d})"
    elif segment not in _TEXT_FIELDS:
        definition = _segment_attribute(segment)
        if definition.kind == AttributeKind.BOOLEAN:
            labels |= {v: shown_attribute(definition, v == "true") for v in values if v in ("true", "false")}
    return labels
