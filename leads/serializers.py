"""Serializers of the leads API: request bodies, answers, and the collision 409's body in the
schema (views in api.py and api_pools.py; every other error body is telesales.schema's)."""

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from leads import services
from leads.models import GRADE_ORDER, Lead, OwnershipEvent
from leads.selectors import PhoneViewer, return_due_for
from telesales.api import DateTimeField, IdField
from telesales.i18n import localized


class CollisionErrorSerializer(serializers.Serializer):
    """The 409 of creating a lead whose number exists: the one error body plus who holds it
    (leads.services.collision_error)."""

    error = inline_serializer(
        "CollisionErrorBody",
        fields={
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "lead_id": serializers.IntegerField(),
            "owner": serializers.IntegerField(allow_null=True),
            "owner_name": serializers.CharField(allow_null=True),
            "page": serializers.CharField(help_text="The page where the caller sees the lead masked and appeals for it"),
        },
    )


# ---- serializers ---------------------------------------------------------------------------
MAX_ATTRIBUTES = 100


@extend_schema_field({
    "type": "object",
    "additionalProperties": {"nullable": True, "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]},
    "description": "Lead attributes by key (see /api/v1/lead-attributes/): text, a number, a date (YYYY-MM-DD), "
                   "true/false or one of a choice attribute's choices. On update, null or \"\" removes a key and "
                   "keys not given are kept.",
})
class AttributesField(serializers.DictField):
    """{key: value} as given; the values are checked and normalised by services.clean_attributes."""

    child = serializers.JSONField(allow_null=True)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if len(value) > MAX_ATTRIBUTES:
            raise serializers.ValidationError(gettext("At most %(max_attributes)s attributes.") % {"max_attributes": MAX_ATTRIBUTES})
        return value


@extend_schema_field({
    "type": "object",
    "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "boolean"}]},
    "description": "Attribute values by key: numbers as decimal strings, dates as YYYY-MM-DD, yes/no as booleans.",
})
class StoredAttributesField(serializers.JSONField):
    pass


class LeadSerializer(serializers.ModelSerializer):
    """A lead as the viewer may see it: the phone masked unless they may see it in full."""

    phone = serializers.SerializerMethodField()
    phone2 = serializers.SerializerMethodField()
    phone_masked = serializers.SerializerMethodField()
    owner_name = serializers.SerializerMethodField()
    pool_name = serializers.SerializerMethodField()
    returns_at = serializers.SerializerMethodField()
    attributes = StoredAttributesField(read_only=True)

    class Meta:
        model = Lead
        fields = [
            "id", "name", "phone", "phone2", "phone_masked", "company", "region", "source", "tags",
            "product_interest", "grade", "status", "owner", "owner_name", "pool", "pool_name", "claimed_at",
            "locked", "last_contacted_at", "last_real_contact_at", "next_follow_up_at", "has_open_quote",
            "returns_at", "attributes", "import_job", "created_at",
        ]
        read_only_fields = fields

    def _viewer(self) -> PhoneViewer:
        viewer = self.context.get("viewer")
        if viewer is None:
            viewer = self.context["viewer"] = PhoneViewer(self.context["request"].user)
        return viewer

    @extend_schema_field(OpenApiTypes.STR)
    def get_phone(self, lead):
        return self._viewer().phone(lead)

    @extend_schema_field(OpenApiTypes.STR)
    def get_phone2(self, lead):
        return self._viewer().phone2(lead)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_phone_masked(self, lead):
        return not self._viewer().sees_full(lead)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_owner_name(self, lead):
        return lead.owner.display_name if lead.owner_id else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_pool_name(self, lead):
        return localized(lead.pool) if lead.pool_id else None

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_returns_at(self, lead):
        due, _ = return_due_for(lead)
        return due.isoformat() if due else None


class LeadCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=40)
    phone2 = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    company = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    source = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=50, default=list)
    product_interest = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    grade = serializers.ChoiceField(choices=GRADE_ORDER, required=False, default="E")
    pool = IdField(required=False, allow_null=True, default=None)
    owner = IdField(required=False, allow_null=True, default=None)
    to_public_pool = serializers.BooleanField(required=False, default=False)
    attributes = AttributesField(required=False, default=dict)


class LeadUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    phone = serializers.CharField(max_length=40, required=False)
    phone2 = serializers.CharField(max_length=40, required=False, allow_blank=True)
    company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    source = serializers.CharField(max_length=100, required=False, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=50)
    product_interest = serializers.CharField(max_length=200, required=False, allow_blank=True)
    next_follow_up_at = DateTimeField(required=False, allow_null=True)
    attributes = AttributesField(required=False)


class OwnershipEventSerializer(serializers.ModelSerializer):
    from_owner_name = serializers.SerializerMethodField()
    to_owner_name = serializers.SerializerMethodField()

    class Meta:
        model = OwnershipEvent
        fields = ["id", "from_owner", "from_owner_name", "to_owner", "to_owner_name", "actor", "reason", "note", "at"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_from_owner_name(self, e):
        return e.from_owner.display_name if e.from_owner_id else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_to_owner_name(self, e):
        return e.to_owner.display_name if e.to_owner_id else None


class ReleaseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ReassignSerializer(serializers.Serializer):
    to_user = IdField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class LockSerializer(serializers.Serializer):
    locked = serializers.BooleanField()


class RevealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RevealedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    phone = serializers.CharField()


class ClaimBatchSerializer(serializers.Serializer):
    lead_ids = serializers.ListField(child=IdField(), min_length=1, max_length=500)


class NextLeadSerializer(serializers.Serializer):
    pool = IdField(required=False, allow_null=True, default=None)


class DistributeSerializer(serializers.Serializer):
    pool = IdField()
    reps = serializers.ListField(child=IdField(), min_length=1, max_length=1000)
    mode = serializers.ChoiceField(choices=services.DISTRIBUTION_MODES, default="round_robin")
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    limit = serializers.IntegerField(min_value=1, max_value=100000, required=False, allow_null=True, default=None)


class DistributionResultSerializer(serializers.Serializer):
    assigned = serializers.IntegerField()
    per_rep = serializers.DictField(child=serializers.IntegerField())


class HandoverPreviewSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    display_name = serializers.CharField()
    is_active = serializers.BooleanField()
    leads = serializers.IntegerField()
    active_leads = serializers.IntegerField()
    won_leads = serializers.IntegerField()
    locked_leads = serializers.IntegerField()
    open_follow_ups = serializers.IntegerField()


class DeactivateSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=services.HANDOVER_MODES, default="pool",
                                   help_text="user: one rep; team: round-robin within limits; pool: public pool")
    to_user = IdField(required=False, allow_null=True, default=None)
    team = IdField(required=False, allow_null=True, default=None)


class HandoverResultSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    handed_over = serializers.IntegerField()
    to_public_pool = serializers.IntegerField()
    per_rep = serializers.DictField(child=serializers.IntegerField())
