"""REST: list/pull calls with an updated_since cursor, log one call, batch sync from dialers."""

from decimal import Decimal

import django_filters
from django.conf import settings
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from calls import services, sync, sync_check
from calls.best_time import OnDay
from calls.models import Call, Channel, Disposition, FollowUpScope, recording_url_validator
from calls.selectors import calls_visible_to
from leads.models import Grade
from telesales.api import (
    UNKNOWN_FIELD,
    CursorPagination,
    DateTimeField,
    FilterBackend,
    FilterSet,
    FlagField,
    QueryParams,
    ScopedQuerysetMixin,
    parse_body,
    parse_query,
    refuse_unknown,
)
from telesales.errors import DomainError
from telesales.params import supported_date


class CallSerializer(serializers.ModelSerializer):
    disposition = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Call
        fields = ["id", "lead", "rep", "channel", "started_at", "duration_seconds", "disposition", "premium",
                  "margin_rate", "quote_amount", "notes", "recording_url", "source", "external_id", "created_at",
                  "updated_at"]
        read_only_fields = fields


class LogCallSerializer(serializers.Serializer):
    lead = serializers.IntegerField(min_value=1, max_value=2**62)
    disposition = serializers.SlugRelatedField(slug_field="code", queryset=Disposition.objects.filter(active=True))
    duration_seconds = serializers.IntegerField(min_value=0, max_value=86400, default=0)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    started_at = DateTimeField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    premium = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=Decimal("0"))
    margin_rate = serializers.DecimalField(max_digits=6, decimal_places=4, required=False, allow_null=True,
                                           min_value=Decimal("0"), max_value=Decimal("1"))
    quote_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                            min_value=Decimal("0"))
    new_grade = serializers.ChoiceField(choices=Grade.choices, required=False, allow_null=True)
    next_follow_up_at = DateTimeField(required=False, allow_null=True)
    next_follow_up_on = serializers.DateField(
        required=False, allow_null=True,
        help_text="Instead of next_follow_up_at: a local day; the follow-up is put at the customer's best hour to "
                  "call that day (the nightly contact model's) within the team's calling hours, else at their start.")
    follow_up_purpose = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    follow_up_scope = serializers.ChoiceField(choices=FollowUpScope.choices, default=FollowUpScope.MINE)
    recording_url = serializers.URLField(required=False, allow_blank=True, max_length=500, default="",
                                         validators=[recording_url_validator])

    def validate(self, attrs):
        if attrs.get("next_follow_up_at") and attrs.get("next_follow_up_on"):
            raise serializers.ValidationError(
                {"next_follow_up_on": gettext("Give next_follow_up_at or next_follow_up_on, not both.")})
        return attrs


class LoggedCallSerializer(CallSerializer):
    next_follow_up_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                                  help_text="when the follow-up this call scheduled is due")

    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields, "next_follow_up_at"]
        read_only_fields = fields


class SyncRowSerializer(serializers.Serializer):
    """One dialer record (documentation; rows are validated one by one so a bad row only fails itself)."""

    source = serializers.CharField(max_length=50, help_text="The sending system, e.g. 'asterisk-sh1'.")
    external_id = serializers.CharField(max_length=100, help_text="The record's id in that system.")
    lead_id = serializers.IntegerField(required=False, help_text="Lead id; or give phone.")
    phone = serializers.CharField(required=False, help_text="Customer number, matched after normalization.")
    rep_id = serializers.IntegerField(required=False, help_text="Defaults to the lead's owner.")
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    started_at = serializers.DateTimeField(
        help_text="With its offset, e.g. 2026-03-10T10:15:00+08:00 or …Z; a time without one is refused.")
    duration_seconds = serializers.IntegerField(required=False, min_value=0)
    disposition = serializers.CharField(
        help_text="Disposition code (GET /api/v1/dispositions/), e.g. no_answer, reached, quoted, sold. A code "
                  "with the sold flag needs premium and margin_rate; one with the quoted flag needs quote_amount.")
    premium = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    margin_rate = serializers.DecimalField(max_digits=6, decimal_places=4, required=False, allow_null=True)
    quote_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    recording_url = serializers.URLField(required=False, allow_blank=True, max_length=500,
                                         validators=[recording_url_validator], help_text="An http(s) link.")


class SyncRequestSerializer(serializers.Serializer):
    calls = SyncRowSerializer(many=True, help_text=f"At most {sync.MAX_BATCH} records.")


class SyncResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    source = serializers.CharField()
    external_id = serializers.CharField()
    status = serializers.ChoiceField(choices=["created", "updated", "unchanged", "error"])
    id = serializers.IntegerField(allow_null=True)
    code = serializers.ChoiceField(
        choices=["invalid", "conflict", "do_not_call", "busy"], allow_null=True,
        help_text="Why a row is an error: conflict = the key belongs to a call you may not change; "
                  "busy = send the row again.",
    )
    reason = serializers.CharField(allow_null=True)


class SyncCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    error = serializers.IntegerField()


class SyncResponseSerializer(serializers.Serializer):
    counts = SyncCountsSerializer()
    results = SyncResultSerializer(many=True)


class CallFilter(FilterSet):
    disposition = django_filters.CharFilter(field_name="disposition__code", max_length=50)
    started_after = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte",
                                                     validators=[supported_date])
    started_before = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="lt",
                                                      validators=[supported_date])
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changes at or after this time (pull cursor).",
        validators=[supported_date],
    )

    class Meta:
        model = Call
        fields = ["rep", "lead", "channel", "source"]


class UpdatedCursorPagination(CursorPagination):
    """Stable pull order: oldest change first; follow `next` until it is null, keep the last updated_at."""

    ordering = ("updated_at", "id")
    page_size = 200
    max_page_size = 1000


class CallViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Calls the caller may see (rep: own, manager: their teams', admin/integration: all)."""

    model = Call
    serializer_class = CallSerializer
    filterset_class = CallFilter
    pagination_class = UpdatedCursorPagination
    filter_backends = [FilterBackend]

    def scoped_queryset(self, user):
        return calls_visible_to(user).select_related(None).select_related("disposition")

    @extend_schema(request=LogCallSerializer, responses={201: LoggedCallSerializer})
    def create(self, request):
        """Log one call through the same service as the browser form."""
        v = parse_body(request, LogCallSerializer)
        follow_up = v.get("next_follow_up_at") or (OnDay(v["next_follow_up_on"]) if v.get("next_follow_up_on") else None)
        call = services.log_call(
            actor=request.user, lead_id=v["lead"], disposition_id=v["disposition"].pk,
            duration_seconds=v["duration_seconds"], channel=v["channel"], started_at=v.get("started_at"),
            notes=v["notes"], premium=v.get("premium"), margin_rate=v.get("margin_rate"),
            quote_amount=v.get("quote_amount"), new_grade=v.get("new_grade"),
            next_follow_up_at=follow_up, follow_up_purpose=v["follow_up_purpose"],
            follow_up_scope=v["follow_up_scope"], recording_url=v["recording_url"],
        )
        call = Call.objects.select_related("disposition").get(pk=call.pk)
        call.next_follow_up_at = call.follow_ups.order_by("-id").values_list("due_at", flat=True).first()
        return Response(LoggedCallSerializer(call).data, status=status.HTTP_201_CREATED)


class BodyTooLarge(DomainError):
    status_code = 413
    code = "request_too_large"


class SyncQuery(QueryParams):
    source = serializers.CharField(max_length=50, required=False, allow_blank=True,
                                   help_text="Default source for rows without one.")
    dry_run = FlagField(required=False, default=False,
                        help_text="true: check every row and answer what would happen, writing nothing "
                                  "(created rows then have no id).")


class CallSyncView(APIView):
    """POST /api/v1/calls/sync — idempotent batch upsert for dialers."""

    def initial(self, request, *args, **kwargs):
        # Before authentication: with a session, the CSRF check would already parse the body.
        # (DRF's JSON parser reads the stream itself, so Django's RequestDataTooBig never fires.)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # DRF reads no body then
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise BodyTooLarge(f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes; "
                               f"send the calls in smaller batches.")
        super().initial(request, *args, **kwargs)

    @extend_schema(request=SyncRequestSerializer, parameters=[SyncQuery], responses={
        200: SyncResponseSerializer,
        413: OpenApiResponse(description="The body is larger than the upload limit: send smaller batches"),
    })
    def post(self, request):
        """Upsert a batch of dialer records by (source, external_id): one result per row."""
        query = parse_query(request, SyncQuery)
        source = query.get("source") or None
        rows = request.data.get("calls") if isinstance(request.data, dict) else None
        if not isinstance(rows, list):
            raise DomainError(gettext('Send {"calls": [...]} with a list of call records.'))
        refuse_unknown(request.data, ["calls"], message=UNKNOWN_FIELD)
        if len(rows) > sync.MAX_BATCH:
            raise DomainError(f"A batch holds at most {sync.MAX_BATCH} calls; split it.", code="batch_too_large")
        if query["dry_run"]:
            results = sync_check.dry_run(actor=request.user, rows=rows, source_default=source)
        else:
            results = sync.sync_calls(actor=request.user, rows=rows, source_default=source)
        counts = {"created": 0, "updated": 0, "unchanged": 0, "error": 0}
        for r in results:
            counts[r["status"]] += 1
        return Response({"counts": counts, "results": results})
