"""REST: the dispositions (call outcomes) with their meaning flags: everyone and every token reads
them; admins add and change them. A dialer sends the `code`."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from calls import services
from calls.models import Disposition
from telesales.api import Body, FilterBackend, IdLookupMixin, LabelsField, LocalizedField, parse_body

FLAGS = ["attempted", "reached", "quoted", "sold", "refused", "callback", "dnc", "final"]


class DispositionSerializer(serializers.ModelSerializer):
    name_i18n = LabelsField()
    label = LocalizedField()

    class Meta:
        model = Disposition
        fields = ["id", "code", "name", "name_i18n", "label", *FLAGS, "active", "position"]
        read_only_fields = fields
        extra_kwargs = {
            "reached": {"help_text": "Reached the customer in person (有效联通)."},
            "quoted": {"help_text": "A quote was made: the call needs quote_amount."},
            "sold": {"help_text": "A sale: the call needs premium and margin_rate."},
            "dnc": {"help_text": "Do not call: the number is blocked from further calls."},
            "final": {"help_text": "No further calls are planned for the lead."},
        }


class DispositionUpdateSerializer(Body, serializers.ModelSerializer):
    name_i18n = LabelsField()

    class Meta:
        model = Disposition
        fields = ["name", "name_i18n", *FLAGS, "active", "position"]
        extra_kwargs = {"position": {"max_value": 32767}}


class DispositionCreateSerializer(DispositionUpdateSerializer):
    code = serializers.RegexField(r"^[a-z][a-z0-9_]*\Z", max_length=40,
                                  help_text="What dialers send, e.g. voicemail: lower-case letters, digits, _.")

    class Meta(DispositionUpdateSerializer.Meta):
        fields = ["code", *DispositionUpdateSerializer.Meta.fields]


class DispositionViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Call outcomes in calling order, with the flags KPIs and the sync read."""

    serializer_class = DispositionSerializer
    model = Disposition
    filter_backends = [FilterBackend]
    filterset_fields = ["active"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    not_found = "Disposition not found."

    def scoped_queryset(self, user):
        return Disposition.objects.order_by("position", "id")

    @extend_schema(request=DispositionCreateSerializer, responses={201: DispositionSerializer})
    def create(self, request):
        """Add a disposition (admins)."""
        d = parse_body(request, DispositionCreateSerializer)
        disposition = services.save_disposition(actor=request.user, **d)
        return Response(DispositionSerializer(disposition).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DispositionUpdateSerializer, responses={200: DispositionSerializer})
    def partial_update(self, request, pk=None):
        """Rename, relabel, re-flag, reorder or switch off a disposition (admins); the code stays."""
        disposition = self.get_object()
        d = parse_body(request, DispositionUpdateSerializer, partial=True)
        disposition = services.save_disposition(actor=request.user, disposition_id=disposition.pk, **d)
        return Response(DispositionSerializer(disposition).data)
