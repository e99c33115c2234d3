"""Reads of lead attributes and segments: the company's attribute definitions and how a lead's
value is shown, and the segments KPI and funnel pages cut leads by (source, region, product
interest, pool, import batch, attr:<key>) as ORM expressions that work on SQLite and PostgreSQL."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, CharField, Expression, F, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, NullIf
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from leads import domain
from leads.models import AttributeDefinition, AttributeKind, ImportJob, Lead, Pool
from telesales.errors import DomainError


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


@dataclass(frozen=True)
class AddedSegment:
    """A segment a higher app adds without the KPI and funnel apps importing it (scoring's score
    band): `expression(path)` is the lead's value as text for a lead path ("" or "lead__"), NULL
    where it has none; `labels(values)` words for some of its values. Not a field of the stored
    segment combinations, so the KPI cut of an added segment is always computed from the calls."""

    segment: Segment
    expression: Callable[[str], Expression]
    labels: Callable[[set], dict]


_ADDED: dict[str, AddedSegment] = {}


def add_segment(key: str, label, expression: Callable[[str], Expression], labels: Callable[[set], dict]) -> None:
    """Offer one more segment on the KPI and funnel cuts (called from an app's ready())."""
    _ADDED[key] = AddedSegment(Segment(key, label), expression, labels)


def is_stored_segment(segment: str) -> bool:
    """Whether the KPI job's stored segment sums can answer a cut by `segment` (added ones: no)."""
    return segment not in _ADDED


def segments() -> list[Segment]:
    """The fixed segments, the added ones, then `attr:<key>` for each active attribute definition
    (one query)."""
    return [*SEGMENTS, *(a.segment for a in _ADDED.values()),
            *(Segment(f"{ATTRIBUTE_SEGMENT}{d.key}", d.label) for d in active_attribute_definitions())]


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
    if segment in _ADDED:
        return _ADDED[segment].expression(path)
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
    if segment in _ADDED:
        labels |= _ADDED[segment].labels(values)
    elif segment == "pool":
        labels |= {str(pk): name for pk, name in Pool.objects.filter(pk__in=ids).values_list("pk", "name")}
    elif segment == "import_batch":
        for job in ImportJob.objects.filter(pk__in=ids).only("pk", "original_name", "created_at"):
            labels[str(job.pk)] = f"#{job.pk} {job.original_name} ({timezone.localtime(job.created_at):%Y-%m-%d})"
    elif segment not in _TEXT_FIELDS:
        definition = _segment_attribute(segment)
        if definition.kind == AttributeKind.BOOLEAN:
            labels |= {v: shown_attribute(definition, v == "true") for v in values if v in ("true", "false")}
    return labels
