"""REST endpoints for webhooks (admins): endpoints, their delivery log, resending, event types."""

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from accounts.access import can_manage_webhooks
from telesales.api import UNKNOWN_FIELD, IdLookupMixin, parse_body, refuse_unknown
from telesales.events import EVENT_TYPES
from webhooks import selectors, services
from webhooks.models import Delivery, Endpoint


class CanManageWebhooks(BasePermission):
    message = "Only admins manage webhooks."

    def has_permission(self, request, view):
        return can_manage_webhooks(request.user)


class StrictSerializer(serializers.Serializer):
    def to_internal_value(self, data):
        refuse_unknown(data, self.fields, message=UNKNOWN_FIELD)
        return super().to_internal_value(data)


class EndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=sorted(EVENT_TYPES)))

    class Meta:
        model = Endpoint
        fields = ["id", "name", "url", "event_types", "active", "failing_since", "created_by", "created_at",
                  "updated_at"]
        read_only_fields = fields


class CreatedEndpointSerializer(EndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once; deliveries are signed with it.")

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class EndpointWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    url = serializers.CharField(max_length=500, help_text="https:// (in production) to a public address.")
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=sorted(EVENT_TYPES)),
                                        min_length=1, max_length=len(EVENT_TYPES) * 2)
    secret = serializers.CharField(min_length=16, max_length=128, required=False,
                                   help_text="16–128 characters; left out, one is made and answered once.")
    active = serializers.BooleanField(required=False, default=True)


class EndpointUpdateSerializer(EndpointWriteSerializer):
    name = serializers.CharField(max_length=100, required=False)
    url = serializers.CharField(max_length=500, required=False)
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=sorted(EVENT_TYPES)),
                                        min_length=1, max_length=len(EVENT_TYPES) * 2, required=False)
    active = serializers.BooleanField(required=False)


class DeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.UUIDField(read_only=True)
    event_type = serializers.CharField(source="event.type", read_only=True)
    object_type = serializers.CharField(source="event.object_type", read_only=True)
    object_id = serializers.IntegerField(source="event.object_id", read_only=True)
    occurred_at = serializers.DateTimeField(source="event.occurred_at", read_only=True)

    class Meta:
        model = Delivery
        fields = ["id", "endpoint", "event_id", "event_type", "object_type", "object_id", "occurred_at", "status",
                  "attempts", "next_attempt_at", "last_attempt_at", "response_status", "error", "delivered_at",
                  "created_at", "resent_by"]
        read_only_fields = fields


class EventTypeSerializer(serializers.Serializer):
    type = serializers.CharField()
    description = serializers.CharField()


class EndpointViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                      viewsets.GenericViewSet):
    """Webhook endpoints (admins). Each delivery is signed; see the README for the header."""

    serializer_class = EndpointSerializer
    permission_classes = [IsAuthenticated, CanManageWebhooks]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    model = Endpoint
    not_found = "Webhook endpoint not found."

    def scoped_queryset(self, user):
        return selectors.endpoints_visible_to(user)

    @extend_schema(request=EndpointWriteSerializer, responses={201: CreatedEndpointSerializer})
    def create(self, request):
        d = parse_body(request, EndpointWriteSerializer)
        endpoint = services.create_endpoint(actor=request.user, **d)
        return Response(CreatedEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EndpointUpdateSerializer, responses={200: EndpointSerializer})
    def partial_update(self, request, pk=None):
        endpoint = self.get_object()
        d = parse_body(request, EndpointUpdateSerializer, partial=True)
        endpoint = services.update_endpoint(actor=request.user, endpoint_id=endpoint.pk, **d)
        return Response(EndpointSerializer(endpoint).data)

    def destroy(self, request, pk=None):
        endpoint = self.get_object()
        services.delete_endpoint(actor=request.user, endpoint_id=endpoint.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=DeliverySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def deliveries(self, request, pk=None):
        """The endpoint's delivery log, newest first (paginated)."""
        endpoint = self.get_object()
        refuse_unknown(request.query_params, {"page", "page_size"})
        page = self.paginate_queryset(selectors.deliveries_of(actor=request.user, endpoint_id=endpoint.pk))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


class DeliveryViewSet(IdLookupMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One delivery of an event to an endpoint; resend it (same event id, at the end of the queue)."""

    serializer_class = DeliverySerializer
    permission_classes = [IsAuthenticated, CanManageWebhooks]
    model = Delivery
    not_found = "Delivery not found."

    def scoped_queryset(self, user):
        return selectors.deliveries_visible_to(user)

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        delivery = self.get_object()
        copy = services.resend_delivery(actor=request.user, delivery_id=delivery.pk)
        return Response(DeliverySerializer(copy).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(responses=EventTypeSerializer(many=True))
@api_view(["GET"])
@permission_classes([IsAuthenticated, CanManageWebhooks])
def event_types(request):
    """The event types an endpoint may receive, with what each says."""
    refuse_unknown(request.query_params, set())
    return Response([{"type": t, "description": gettext(text)} for t, text in EVENT_TYPES.items()])
