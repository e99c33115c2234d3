"""REST endpoints for leads, claims, distribution and staff leave (pools, appeals and imports:
api_pools.py).

Views parse input, call a service or selector and shape output; numbers are masked per viewer."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import parsers, serializers, status, viewsets
from rest_framework.decorators import action, api_view, parser_classes
from rest_framework.response import Response

from leads import services
from leads.models import GRADE_ORDER, Lead, LeadStatus, OwnershipEvent
from leads.selectors import (
    PhoneViewer,
    filter_leads,
    lead_for,
    leads_visible_to,
    public_pool_leads,
)
from telesales.api import (
    DateTimeField,
    IdField,
    PagedQueryParams,
    ScopedQuerysetMixin,
    parse_query,
    path_id,
)


class LeadErrorSerializer(serializers.Serializer):
    error = inline_serializer(
        "LeadErrorBody",
        fields={
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "details": serializers.JSONField(required=False),
        },
    )


class CollisionErrorSerializer(serializers.Serializer):
    error = inline_serializer(
        "CollisionErrorBody",
        fields={
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "lead_id": serializers.IntegerField(),
            "owner": serializers.IntegerField(allow_null=True),
            "owner_name": serializers.CharField(allow_null=True),
        },
    )


ERRORS = {
    400: OpenApiResponse(LeadErrorSerializer),
    403: OpenApiResponse(LeadErrorSerializer),
    404: OpenApiResponse(LeadErrorSerializer),
    409: OpenApiResponse(LeadErrorSerializer),
}


# ---- serializers ---------------------------------------------------------------------------
class LeadSerializer(serializers.ModelSerializer):
    """A lead as the viewer may see it: the phone masked unless they may see it in full."""

    phone = serializers.SerializerMethodField()
    phone2 = serializers.SerializerMethodField()
    phone_masked = serializers.SerializerMethodField()
    owner_name = serializers.SerializerMethodField()
    pool_name = serializers.SerializerMethodField()
    returns_at = serializers.SerializerMethodField()

    class Meta:
        model = Lead
        fields = [
            "id", "name", "phone", "phone2", "phone_masked", "company", "region", "source", "tags",
            "product_interest", "grade", "status", "owner", "owner_name", "pool", "pool_name", "claimed_at",
            "locked", "last_contacted_at", "last_real_contact_at", "next_follow_up_at", "has_open_quote",
            "returns_at", "created_at",
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
        return lead.pool.name if lead.pool_id else None

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_returns_at(self, lead):
        due, _ = services.return_due_for(lead)
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


# ---- viewsets ------------------------------------------------------------------------------
class PublicLeadQuery(PagedQueryParams):
    pool = IdField(required=False)
    grade = serializers.ChoiceField(choices=GRADE_ORDER, required=False)
    q = serializers.CharField(max_length=100, required=False, allow_blank=True,
                              help_text="search name, company or phone digits")


class LeadQuery(PublicLeadQuery):
    status = serializers.ChoiceField(choices=LeadStatus.values, required=False)
    owner = IdField(required=False)


class LeadViewSet(ScopedQuerysetMixin, viewsets.GenericViewSet):
    """Leads scoped by role (rep: own; manager: their teams'; admin: all); the public pool has
    its own masked list. Owner changes are separate actions, each audited."""

    serializer_class = LeadSerializer
    model = Lead
    lookup_value_regex = r"[^/]+"
    filter_backends: list = []

    def scoped_queryset(self, user):
        return leads_visible_to(user).order_by("next_follow_up_at", "id")

    def _lead(self, pk):
        return lead_for(actor=self.request.user, lead_id=path_id(pk))

    def _out(self, lead, code=status.HTTP_200_OK):
        return Response(LeadSerializer(lead, context={"request": self.request}).data, status=code)

    @extend_schema(parameters=[LeadQuery], responses=LeadSerializer(many=True))
    def list(self, request):
        viewer = PhoneViewer(request.user)
        qs = filter_leads(self.get_queryset(), parse_query(request, LeadQuery), viewer)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(LeadSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(responses={200: LeadSerializer, **ERRORS})
    def retrieve(self, request, pk=None):
        return self._out(self._lead(pk))

    @extend_schema(request=LeadCreateSerializer,
                   responses={201: LeadSerializer, 400: OpenApiResponse(LeadErrorSerializer),
                              403: OpenApiResponse(LeadErrorSerializer), 404: OpenApiResponse(LeadErrorSerializer),
                              409: OpenApiResponse(CollisionErrorSerializer),
                              429: OpenApiResponse(LeadErrorSerializer, description="too many collision answers; "
                                                   "see Retry-After")})
    def create(self, request):
        """Create a lead; an existing number answers 409 with the existing lead's id and owner."""
        s = LeadCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        lead = services.create_lead(
            actor=request.user, name=d["name"], phone=d["phone"], phone2=d["phone2"], company=d["company"],
            region=d["region"], source=d["source"], tags=d["tags"], product_interest=d["product_interest"],
            grade=d["grade"], pool_id=d["pool"], owner_id=d["owner"], to_public_pool=d["to_public_pool"],
        )
        return self._out(lead, status.HTTP_201_CREATED)

    @extend_schema(request=LeadUpdateSerializer, responses={200: LeadSerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        lead = self._lead(pk)
        s = LeadUpdateSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        lead = services.update_lead(actor=request.user, lead_id=lead.pk, **s.validated_data)
        return self._out(lead_for(actor=request.user, lead_id=lead.pk))

    @extend_schema(parameters=[PublicLeadQuery], responses=LeadSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="public")
    def public(self, request):
        """The public pool (公海) the caller may browse; numbers masked."""
        viewer = PhoneViewer(request.user)
        qs = filter_leads(public_pool_leads(request.user), parse_query(request, PublicLeadQuery), viewer)
        page = self.paginate_queryset(qs.order_by("grade", "id"))
        context = {"request": request, "viewer": viewer}
        return self.get_paginated_response(LeadSerializer(page, many=True, context=context).data)

    @extend_schema(request=None, responses={200: LeadSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Claim one public-pool lead; a lost race answers 409 “already claimed by …”."""
        lead = services.claim_lead(actor=request.user, lead_id=path_id(pk))
        return self._out(lead_for(actor=request.user, lead_id=lead.pk))

    @extend_schema(request=ClaimBatchSerializer, responses={200: LeadSerializer(many=True), **ERRORS},
                   operation_id="v1_leads_claim_batch")
    @action(detail=False, methods=["post"], url_path="claim", pagination_class=None)
    def claim_batch(self, request):
        """Claim several leads: all of them or none (limits apply to the whole batch)."""
        s = ClaimBatchSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        leads = services.claim_leads(actor=request.user, lead_ids=s.validated_data["lead_ids"])
        return Response(LeadSerializer(leads, many=True, context={"request": request}).data)

    @extend_schema(request=NextLeadSerializer, responses={200: LeadSerializer, **ERRORS})
    @action(detail=False, methods=["post"], url_path="next")
    def next_lead(self, request):
        """Be handed the best available public-pool lead."""
        s = NextLeadSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        lead = services.next_lead(actor=request.user, pool_id=s.validated_data["pool"])
        return self._out(lead_for(actor=request.user, lead_id=lead.pk))

    @extend_schema(request=ReleaseSerializer, responses={200: LeadSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        s = ReleaseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        lead = services.release_lead(actor=request.user, lead_id=self._lead(pk).pk, reason=s.validated_data["reason"])
        return self._out(lead_for(actor=request.user, lead_id=lead.pk))

    @extend_schema(request=ReassignSerializer, responses={200: LeadSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        s = ReassignSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        lead = services.reassign_lead(actor=request.user, lead_id=self._lead(pk).pk,
                                      to_user_id=s.validated_data["to_user"], note=s.validated_data["note"])
        return self._out(lead_for(actor=request.user, lead_id=lead.pk))

    @extend_schema(request=LockSerializer, responses={200: LeadSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        s = LockSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        lead = services.set_locked(actor=request.user, lead_id=self._lead(pk).pk, locked=s.validated_data["locked"])
        return self._out(lead_for(actor=request.user, lead_id=lead.pk))

    @extend_schema(request=RevealSerializer, responses={200: RevealedSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """Managers and admins see the full number; every reveal is audited."""
        s = RevealSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        lead = self._lead(pk)
        phone = services.reveal_phone(actor=request.user, lead_id=lead.pk, reason=s.validated_data["reason"])
        return Response({"id": lead.pk, "phone": phone})

    @extend_schema(responses={200: OwnershipEventSerializer(many=True), **ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        lead = self._lead(pk)
        events = lead.ownership_events.select_related("from_owner", "to_owner").order_by("at", "id")
        return Response(OwnershipEventSerializer(events, many=True).data)

    @extend_schema(request=DistributeSerializer, responses={200: DistributionResultSerializer, **ERRORS})
    @action(detail=False, methods=["post"])
    def distribute(self, request):
        """Admins bulk-assign public-pool leads: round robin, by region, or by free capacity."""
        s = DistributeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        per_rep = services.distribute(actor=request.user, pool_id=d["pool"], rep_ids=d["reps"], mode=d["mode"],
                                      region=d["region"], limit=d["limit"])
        return Response({"assigned": sum(per_rep.values()), "per_rep": {str(k): v for k, v in per_rep.items()}})


USER_PK = OpenApiParameter("pk", int, OpenApiParameter.PATH)


@extend_schema(methods=["GET"], parameters=[USER_PK], responses={200: HandoverPreviewSerializer, **ERRORS})
@extend_schema(methods=["POST"], parameters=[USER_PK], request=DeactivateSerializer,
               responses={200: HandoverResultSerializer, **ERRORS})
@api_view(["GET", "POST"])
@parser_classes([parsers.JSONParser])
def deactivate_user(request, pk):
    """Staff leave: GET previews what would be handed over; POST deactivates the user and hands
    every lead over in one transaction (to one rep, round-robin across a team, or the pool)."""
    user_id = path_id(pk)
    if request.method == "GET":
        return Response(services.handover_preview_for(actor=request.user, user_id=user_id))
    s = DeactivateSerializer(data=request.data)
    s.is_valid(raise_exception=True)
    d = s.validated_data
    summary = services.deactivate_user(actor=request.user, user_id=user_id, mode=d["mode"], to_user_id=d["to_user"],
                                       team_id=d["team"])
    summary["per_rep"] = {str(k): v for k, v in summary["per_rep"].items()}
    return Response(summary)
