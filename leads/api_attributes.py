"""REST endpoints for the company's lead attribute definitions: every signed-in user and
integration reads them; admins create and change them (audited by the services)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from leads import services
from leads.models import AttributeDefinition, AttributeKind, LostReason
from leads.segments import attribute_definitions
from telesales.api import (
    Body,
    FilterBackend,
    IdLookupMixin,
    LabelsField,
    LocalizedField,
    ScopedQuerysetMixin,
    parse_body,
    path_id,
)
from telesales.errors import NotFound

MAX_POSITION = 1_000_000


class AttributeDefinitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AttributeDefinition
        fields = ["id", "key", "label", "kind", "choices", "active", "position"]
        read_only_fields = fields

    choices = serializers.ListField(child=serializers.CharField(), read_only=True)


class AttributeDefinitionUpdateSerializer(Body):
    label = serializers.CharField(max_length=100, required=False)
    kind = serializers.ChoiceField(choices=AttributeKind.choices, required=False,
                                   help_text=_("Changes only while no lead holds a value."))
    choices = serializers.ListField(child=serializers.CharField(max_length=100), max_length=100, required=False,
                                    help_text=_("The allowed values of a choice attribute, in order."))
    active = serializers.BooleanField(required=False, help_text=_("false switches the attribute off."))
    position = serializers.IntegerField(min_value=0, max_value=MAX_POSITION, required=False)


class AttributeDefinitionCreateSerializer(AttributeDefinitionUpdateSerializer):
    key = serializers.CharField(max_length=50, help_text=_("e.g. age_band: lower-case letters, digits, underscores."))
    label = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=AttributeKind.choices, default=AttributeKind.TEXT)
    choices = serializers.ListField(child=serializers.CharField(max_length=100), max_length=100, default=list)
    active = serializers.BooleanField(default=True)
    position = serializers.IntegerField(min_value=0, max_value=MAX_POSITION, required=False, allow_null=True,
                                        default=None, help_text=_("Leave out to add it at the end."))


class AttributeDefinitionViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Lead attributes (named, typed keys that leads may carry, and segments KPIs cut by)."""

    serializer_class = AttributeDefinitionSerializer
    model = AttributeDefinition
    lookup_value_regex = r"[^/]+"
    filter_backends = [FilterBackend]
    filterset_fields = ["active", "kind"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self, user):
        return attribute_definitions(user)

    @extend_schema(request=AttributeDefinitionCreateSerializer,
                   responses={201: AttributeDefinitionSerializer})
    def create(self, request):
        """Define an attribute (admins)."""
        d = parse_body(request, AttributeDefinitionCreateSerializer)
        definition = services.create_attribute_definition(actor=request.user, **d)
        return Response(AttributeDefinitionSerializer(definition).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AttributeDefinitionUpdateSerializer, responses={200: AttributeDefinitionSerializer})
    def partial_update(self, request, pk=None):
        """Change the label, kind, choices or position, or switch the attribute off (admins)."""
        definition = self.get_queryset().filter(pk=path_id(pk)).first()
        if definition is None:
            raise NotFound(gettext("Attribute not found."))
        d = parse_body(request, AttributeDefinitionUpdateSerializer, partial=True)
        definition = services.update_attribute_definition(actor=request.user, definition_id=definition.pk,
                                                          **d)
        return Response(AttributeDefinitionSerializer(definition).data)


# ---- lost reasons ------------------------------------------------------------------------------
class LostReasonSerializer(serializers.ModelSerializer):
    name_i18n = LabelsField()
    label = LocalizedField()

    class Meta:
        model = LostReason
        fields = ["id", "name", "name_i18n", "label", "active"]
        read_only_fields = fields


class LostReasonWriteSerializer(Body, serializers.ModelSerializer):
    name_i18n = LabelsField()

    class Meta:
        model = LostReason
        fields = ["name", "name_i18n", "active"]
        extra_kwargs = {"name": {"validators": []}}


class LostReasonViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reasons a lead was lost: everyone reads them; admins add, rename and switch them off."""

    serializer_class = LostReasonSerializer
    model = LostReason
    filter_backends = [FilterBackend]
    filterset_fields = ["active"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    not_found = "Lost reason not found."

    def scoped_queryset(self, user):
        return LostReason.objects.order_by("name", "id")

    @extend_schema(request=LostReasonWriteSerializer, responses={201: LostReasonSerializer})
    def create(self, request):
        """Add a lost reason (admins)."""
        d = parse_body(request, LostReasonWriteSerializer)
        reason = services.save_lost_reason(actor=request.user, **d)
        return Response(LostReasonSerializer(reason).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LostReasonWriteSerializer, responses={200: LostReasonSerializer})
    def partial_update(self, request, pk=None):
        """Rename a lost reason, label it in other languages, or switch it off (admins)."""
        reason = self.get_object()
        d = parse_body(request, LostReasonWriteSerializer, partial=True)
        reason = services.save_lost_reason(actor=request.user, reason_id=reason.pk, **d)
        return Response(LostReasonSerializer(reason).data)
