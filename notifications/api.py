"""REST: the caller's own notifications (pull with the `updated_since` cursor), mark read, the
unread count, and the caller's preferences. Texts come in the request's language."""

import django_filters
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import kinds, selectors, services
from notifications.models import Kind, Notification
from telesales.api import (
    UNKNOWN_FIELD,
    CursorPagination,
    FilterBackend,
    FilterSet,
    FlagFilter,
    IdLookupMixin,
    QueryParams,
    parse_body,
    parse_query,
    path_id,
    refuse_unknown,
)
from telesales.params import supported_date


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField(help_text="The short text, in the request's language.")
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "text", "url", "object_id", "count", "created_at", "updated_at",
                  "read_at", "read"]

    def get_kind_label(self, obj) -> str:
        return kinds.label(obj.kind)

    def get_text(self, obj) -> str:
        return kinds.text(obj.kind, obj.params)

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    unread = FlagFilter(field_name="read_at", lookup_expr="isnull", label="Only unread (true) or only read (false).")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changes at or after this time (pull cursor).",
        validators=[supported_date],
    )

    class Meta:
        model = Notification
        fields = ["kind"]


class UpdatedCursorPagination(CursorPagination):
    """Oldest change first; follow `next` until it is null, keep the last updated_at."""

    ordering = ("updated_at", "id")
    page_size = 100
    max_page_size = 500


class ReadAllSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)

    def to_internal_value(self, data):
        refuse_unknown(data, self.fields, message=UNKNOWN_FIELD)
        return super().to_internal_value(data)


class NotificationViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications (everyone, admins included, sees only their own)."""

    model = Notification
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    pagination_class = UpdatedCursorPagination
    filter_backends = [FilterBackend]
    not_found = "Notification not found."

    def scoped_queryset(self, user):
        return selectors.notifications_for(user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        note = services.mark_read(actor=request.user, notification_id=path_id(pk))
        return Response(NotificationSerializer(note).data)

    @extend_schema(request=ReadAllSerializer,
                   responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        v = parse_body(request, ReadAllSerializer)
        return Response({"marked": services.mark_all_read(actor=request.user, kind=v.get("kind"))})

    @extend_schema(responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}))
    @action(detail=False, methods=["get"], url_path="unread-count", filter_backends=[], pagination_class=None)
    def unread_count(self, request):
        parse_query(request, QueryParams)  # takes no parameters: any is a 400 naming it
        return Response({"unread": selectors.unread_count(request.user)})


class PreferenceSerializer(serializers.Serializer):
    muted = serializers.ListField(child=serializers.ChoiceField(choices=Kind.choices), max_length=20,
                                  help_text="Kinds not shown in the app.")
    email = serializers.ListField(child=serializers.ChoiceField(choices=Kind.choices), max_length=20,
                                  help_text="Kinds mailed at once.")
    daily_digest = serializers.BooleanField()
    quiet_start = serializers.TimeField(allow_null=True, help_text="Local time; no mail or pop-up from then …")
    quiet_end = serializers.TimeField(allow_null=True, help_text="… until this local time.")

    def to_internal_value(self, data):
        refuse_unknown(data, self.fields, message=UNKNOWN_FIELD)
        return super().to_internal_value(data)


class PreferenceView(APIView):
    """GET / PUT /api/v1/notification-preferences/ — the caller's own choices."""

    @extend_schema(responses=PreferenceSerializer)
    def get(self, request):
        return Response(PreferenceSerializer(selectors.preference(request.user)).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request):
        v = parse_body(request, PreferenceSerializer)
        pref = services.save_preferences(actor=request.user, language=get_language() or "", **v)
        return Response(PreferenceSerializer(pref).data)
