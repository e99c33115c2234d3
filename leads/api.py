"""REST endpoints for leads, claims, distribution and staff leave (pools, appeals and imports:
api_pools.py; attribute definitions: api_attributes.py; serializers: serializers.py).

Views parse input, call a service or selector and shape output; numbers are masked per viewer."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import parsers, serializers, status, viewsets
from rest_framework.decorators import action, api_view, parser_classes
from rest_framework.response import Response

from leads import services
from leads.models import GRADE_ORDER, Lead, LeadStatus
from leads.selectors import (
    PhoneViewer,
    filter_leads,
    handover_preview_for,
    lead_for,
    leads_visible_to,
    ordered_leads,
    public_pool_leads,
)
from leads.serializers import (
    ClaimBatchSerializer,
    CollisionErrorSerializer,
    DeactivateSerializer,
    DistributeSerializer,
    DistributionResultSerializer,
    HandoverPreviewSerializer,
    HandoverResultSerializer,
    LeadCreateSerializer,
    LeadSerializer,
    LeadUpdateSerializer,
    LockSerializer,
    NextLeadSerializer,
    OwnershipEventSerializer,
    ReassignSerializer,
    ReleaseSerializer,
    RevealedSerializer,
    RevealSerializer,
)
from telesales.api import (
    IdField,
    PagedQueryParams,
    ScopedQuerysetMixin,
    parse_body,
    parse_query,
    path_id,
)


# ---- viewsets ------------------------------------------------------------------------------
class PublicLeadQuery(PagedQueryParams):
    pool = IdField(required=False)
    grade = serializers.ChoiceField(choices=GRADE_ORDER, required=False)
    q = serializers.CharField(max_length=100, required=False, allow_blank=True,
                              help_text="search name, company or phone digits")
    min_score = serializers.IntegerField(min_value=0, max_value=100, required=False,
                                         help_text="only leads whose nightly p(sale) is at least this percent")
    sort = serializers.ChoiceField(choices=["score"], required=False,
                                   help_text="score: by expected value (p(sale) × expected premium), best first")


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

    def _out_as_seen(self, lead):
        """A lead a service changed, read again as the caller now sees it (scope and masking)."""
        return self._out(lead_for(actor=self.request.user, lead_id=lead.pk))

    @extend_schema(parameters=[LeadQuery], responses=LeadSerializer(many=True))
    def list(self, request):
        viewer = PhoneViewer(request.user)
        query = parse_query(request, LeadQuery)
        qs = filter_leads(self.get_queryset(), query, viewer)
        if query.get("sort"):
            qs = ordered_leads(qs, query["sort"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(LeadSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(responses={200: LeadSerializer})
    def retrieve(self, request, pk=None):
        return self._out(self._lead(pk))

    @extend_schema(request=LeadCreateSerializer,
                   responses={201: LeadSerializer, 409: OpenApiResponse(CollisionErrorSerializer),
                              429: OpenApiResponse(description="Too many collision answers this hour: wait the "
                                                               "seconds given in Retry-After")})
    def create(self, request):
        """Create a lead; an existing number answers 409 with the existing lead's id and owner."""
        d = parse_body(request, LeadCreateSerializer)
        lead = services.create_lead(
            actor=request.user, name=d["name"], phone=d["phone"], phone2=d["phone2"], company=d["company"],
            region=d["region"], source=d["source"], tags=d["tags"], product_interest=d["product_interest"],
            grade=d["grade"], pool_id=d["pool"], owner_id=d["owner"], to_public_pool=d["to_public_pool"],
            attributes=d["attributes"],
        )
        return self._out(lead, status.HTTP_201_CREATED)

    @extend_schema(request=LeadUpdateSerializer, responses={200: LeadSerializer})
    def partial_update(self, request, pk=None):
        lead = self._lead(pk)
        d = parse_body(request, LeadUpdateSerializer, partial=True)
        lead = services.update_lead(actor=request.user, lead_id=lead.pk, **d)
        return self._out_as_seen(lead)

    @extend_schema(parameters=[PublicLeadQuery], responses=LeadSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="public")
    def public(self, request):
        """The public pool (公海) the caller may browse; numbers masked."""
        viewer = PhoneViewer(request.user)
        query = parse_query(request, PublicLeadQuery)
        qs = filter_leads(public_pool_leads(request.user), query, viewer)
        page = self.paginate_queryset(ordered_leads(qs, query.get("sort"), "grade", "id"))
        context = {"request": request, "viewer": viewer}
        return self.get_paginated_response(LeadSerializer(page, many=True, context=context).data)

    @extend_schema(request=None, responses={200: LeadSerializer})
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Claim one public-pool lead; a lost race answers 409 “already claimed by …”."""
        lead = services.claim_lead(actor=request.user, lead_id=path_id(pk))
        return self._out_as_seen(lead)

    @extend_schema(request=ClaimBatchSerializer, responses={200: LeadSerializer(many=True)},
                   operation_id="v1_leads_claim_batch")
    @action(detail=False, methods=["post"], url_path="claim", pagination_class=None)
    def claim_batch(self, request):
        """Claim several leads: all of them or none (limits apply to the whole batch)."""
        d = parse_body(request, ClaimBatchSerializer)
        leads = services.claim_leads(actor=request.user, lead_ids=d["lead_ids"])
        return Response(LeadSerializer(leads, many=True, context={"request": request}).data)

    @extend_schema(request=NextLeadSerializer, responses={200: LeadSerializer})
    @action(detail=False, methods=["post"], url_path="next")
    def next_lead(self, request):
        """Be handed the best available public-pool lead."""
        d = parse_body(request, NextLeadSerializer)
        lead = services.next_lead(actor=request.user, pool_id=d["pool"])
        return self._out_as_seen(lead)

    @extend_schema(request=ReleaseSerializer, responses={200: LeadSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        d = parse_body(request, ReleaseSerializer)
        lead = services.release_lead(actor=request.user, lead_id=self._lead(pk).pk, reason=d["reason"])
        return self._out_as_seen(lead)

    @extend_schema(request=ReassignSerializer, responses={200: LeadSerializer})
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        d = parse_body(request, ReassignSerializer)
        lead = services.reassign_lead(actor=request.user, lead_id=self._lead(pk).pk,
                                      to_user_id=d["to_user"], note=d["note"])
        return self._out_as_seen(lead)

    @extend_schema(request=LockSerializer, responses={200: LeadSerializer})
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        d = parse_body(request, LockSerializer)
        lead = services.set_locked(actor=request.user, lead_id=self._lead(pk).pk, locked=d["locked"])
        return self._out_as_seen(lead)

    @extend_schema(request=RevealSerializer, responses={200: RevealedSerializer})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """Managers and admins see the full number; every reveal is audited."""
        d = parse_body(request, RevealSerializer)
        lead = self._lead(pk)
        phone = services.reveal_phone(actor=request.user, lead_id=lead.pk, reason=d["reason"])
        return Response({"id": lead.pk, "phone": phone})

    @extend_schema(responses={200: OwnershipEventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        lead = self._lead(pk)
        events = lead.ownership_events.select_related("from_owner", "to_owner").order_by("at", "id")
        return Response(OwnershipEventSerializer(events, many=True).data)

    @extend_schema(request=DistributeSerializer, responses={200: DistributionResultSerializer})
    @action(detail=False, methods=["post"])
    def distribute(self, request):
        """Admins bulk-assign public-pool leads: round robin, by region, or by free capacity."""
        d = parse_body(request, DistributeSerializer)
        per_rep = services.distribute(actor=request.user, pool_id=d["pool"], rep_ids=d["reps"], mode=d["mode"],
                                      region=d["region"], limit=d["limit"])
        return Response({"assigned": sum(per_rep.values()), "per_rep": {str(k): v for k, v in per_rep.items()}})


USER_PK = OpenApiParameter("pk", int, OpenApiParameter.PATH)


@extend_schema(methods=["GET"], parameters=[USER_PK], responses={200: HandoverPreviewSerializer})
@extend_schema(methods=["POST"], parameters=[USER_PK], request=DeactivateSerializer,
               responses={200: HandoverResultSerializer})
@api_view(["GET", "POST"])
@parser_classes([parsers.JSONParser])
def deactivate_user(request, pk):
    """Staff leave: GET previews what would be handed over; POST deactivates the user and hands
    every lead over in one transaction (to one rep, round-robin across a team, or the pool)."""
    user_id = path_id(pk)
    if request.method == "GET":
        return Response(handover_preview_for(actor=request.user, user_id=user_id))
    d = parse_body(request, DeactivateSerializer)
    summary = services.deactivate_user(actor=request.user, user_id=user_id, mode=d["mode"], to_user_id=d["to_user"],
                                       team_id=d["team"])
    summary["per_rep"] = {str(k): v for k, v in summary["per_rep"].items()}
    return Response(summary)
