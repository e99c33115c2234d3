"""REST endpoints for pools and their rules, collision appeals and lead imports.

Views parse input, call a service or selector and shape output."""

from django.http import HttpResponse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from leads import imports, services, tasks
from leads.models import Appeal, ImportJob, Pool
from leads.selectors import accessible_pools, appeals_visible_to, import_jobs_visible_to
from telesales.api import (
    Body,
    FilterBackend,
    IdField,
    IdLookupMixin,
    LabelsField,
    LocalizedField,
    PagedQueryParams,
    parse_body,
    parse_query,
)


# ---- serializers ---------------------------------------------------------------------------
class PoolSerializer(serializers.ModelSerializer):
    name_i18n = LabelsField()
    label = LocalizedField()

    class Meta:
        model = Pool
        fields = [
            "id", "name", "name_i18n", "label", "team", "region", "max_held", "won_counts_toward_max", "max_claims_per_day",
            "reclaim_cooldown_days", "max_locked", "return_days_by_grade", "real_contact_min_seconds",
            "no_progress_days", "fresh_claim_hours", "exempt_won", "exempt_open_quote", "warn_days",
            "browsing_enabled",
        ]
        read_only_fields = ["id", "name", "team", "region"]
        extra_kwargs = {
            f: {"max_value": 100000}
            for f in ["max_held", "max_claims_per_day", "reclaim_cooldown_days", "max_locked",
                      "real_contact_min_seconds", "no_progress_days", "fresh_claim_hours", "warn_days"]
        }


class PoolOutSerializer(PoolSerializer):
    class Meta(PoolSerializer.Meta):
        fields = [*PoolSerializer.Meta.fields, "member_teams", "member_users", "admins"]
        read_only_fields = fields


class PoolWriteSerializer(Body, PoolSerializer):
    """A pool's setup (admins) and rules (admins and the pool's admins). A pool with no team and
    no members is open to every rep."""

    label = None

    class Meta(PoolSerializer.Meta):
        fields = [f for f in PoolOutSerializer.Meta.fields if f not in ("id", "label")]
        read_only_fields = []
        extra_kwargs = {**PoolSerializer.Meta.extra_kwargs, "name": {"validators": []},
                        "member_teams": {"required": False}, "member_users": {"required": False},
                        "admins": {"required": False}}


class AppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = ["id", "lead", "requested_by", "holder_at_request", "reason", "status", "decided_by", "decided_at",
                  "decision_note", "created_at"]
        read_only_fields = fields


class AppealCreateSerializer(serializers.Serializer):
    lead = IdField()
    reason = serializers.CharField(max_length=500)


class AppealDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


@extend_schema_field({
    "type": "array",
    "description": "Columns kept as lead attributes: the column header, the attribute's key and label, whether "
                   "the import defined it, and why the column was left out: the attribute is switched off (inactive), "
                   "another column fills it (duplicate), or empty when the column was kept.",
    "items": {"type": "object", "properties": {
        "column": {"type": "string"}, "key": {"type": "string"}, "label": {"type": "string"},
        "created": {"type": "boolean"}, "ignored": {"type": "string", "enum": ["", "inactive", "duplicate"]}}},
})
class AttributeColumnsField(serializers.JSONField):
    pass


class ImportJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    attribute_columns = AttributeColumnsField(read_only=True)
    report_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = ["id", "original_name", "pool", "owner", "status", "total_rows", "processed_rows", "percent",
                  "created_count", "collision_count", "error_count", "error", "attribute_columns", "created_at",
                  "finished_at", "report_url"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_report_url(self, job):
        return f"/api/v1/lead-imports/{job.pk}/report/" if job.report else None


class ImportRowSerializer(serializers.Serializer):
    """One row of an import's report."""

    row = serializers.IntegerField(help_text="The row in the file (the header is row 1).")
    result = serializers.ChoiceField(choices=["created", "collision", "duplicate_in_file", "do_not_call", "error"])
    reason = serializers.CharField(help_text="Why: what is wrong with the row, or who holds the number.")
    current_owner = serializers.CharField(help_text="Who holds the lead now, where the importer may know.")
    lead_id = serializers.IntegerField(
        allow_null=True, help_text="The lead the row created (created) or matched (collision, duplicate_in_file), "
                                   "where the importer may open it; null otherwise.")


class _ImportOptions(serializers.Serializer):
    pool = IdField(required=False)
    owner = IdField(required=False)
    source = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    mapping = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000,
                                    help_text='JSON object field -> column header, e.g. {"phone": "手机", "name": "姓名"}')

    def validate_mapping(self, value):
        import json

        if not value.strip():
            return {}
        try:
            value = json.loads(value)
        except ValueError:
            raise serializers.ValidationError(gettext("Mapping must be a JSON object.")) from None
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise serializers.ValidationError(gettext("Mapping is an object of field -> column header."))
        unknown = set(value) - set(imports.FIELDS)
        if unknown:
            raise serializers.ValidationError(gettext("Unknown fields: %(join)s.") % {"join": ', '.join(sorted(unknown))})
        return value


class ImportUploadSerializer(_ImportOptions):
    """multipart/form-data upload (what the browser and curl -F send)."""

    file = serializers.FileField()


class ImportCreateSerializer(_ImportOptions):
    """JSON upload: the file's bytes base64-encoded. multipart/form-data with a `file` part and
    the same other fields is accepted too."""

    file_name = serializers.RegexField(r"(?i)^[^/\\]{1,200}\.(csv|xlsx)$", max_length=200,
                                       help_text="e.g. leads.csv or leads.xlsx")
    content_base64 = serializers.CharField(max_length=80 * 1024 * 1024)

    def validate(self, data):
        import base64
        import binascii

        from django.core.files.uploadedfile import SimpleUploadedFile

        try:
            raw = base64.b64decode(data.pop("content_base64"), validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError({"content_base64": "Not valid base64."}) from None
        data["file"] = SimpleUploadedFile(data.pop("file_name"), raw)
        return data


# ---- viewsets ------------------------------------------------------------------------------
class PoolViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Pools the caller may use, with their rules; admins and the pool's admins edit the rules."""

    not_found = "Pool not found."
    serializer_class = PoolOutSerializer
    model = Pool
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self, user):
        return accessible_pools(user).prefetch_related("member_teams", "member_users", "admins").order_by("id")

    @extend_schema(request=PoolWriteSerializer, responses={201: PoolOutSerializer})
    def create(self, request):
        """Create a pool with its team, members, pool admins and rules (admins; audited)."""
        d = parse_body(request, PoolWriteSerializer)
        pool = services.create_pool(actor=request.user, **d)
        return Response(PoolOutSerializer(pool).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PoolWriteSerializer, responses={200: PoolOutSerializer})
    def partial_update(self, request, pk=None):
        """Change rules and labels (admins and the pool's admins) or the setup (admins); audited."""
        pool = self.get_object()
        d = parse_body(request, PoolWriteSerializer, partial=True)
        pool = services.update_pool(actor=request.user, pool_id=pool.pk, **d)
        return Response(PoolOutSerializer(pool).data)


class AppealViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Collision appeals: a rep asks for a customer someone else holds; a manager decides."""

    not_found = "Appeal not found."
    serializer_class = AppealSerializer
    model = Appeal
    filter_backends = [FilterBackend]

    def scoped_queryset(self, user):
        return appeals_visible_to(user).order_by("-created_at", "-id")

    @extend_schema(request=AppealCreateSerializer, responses={201: AppealSerializer})
    def create(self, request):
        d = parse_body(request, AppealCreateSerializer)
        appeal = services.create_appeal(actor=request.user, lead_id=d["lead"],
                                        reason=d["reason"])
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppealDecisionSerializer, responses={200: AppealSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        d = parse_body(request, AppealDecisionSerializer)
        appeal = services.decide_appeal(actor=request.user, appeal_id=self.get_object().pk, approve=d["approve"],
                                        note=d["note"])
        return Response(AppealSerializer(appeal).data)


class ImportJobViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """Lead imports (CSV or .xlsx): upload, poll progress, download the per-row report."""

    not_found = "Import not found."
    serializer_class = ImportJobSerializer
    model = ImportJob
    filter_backends = [FilterBackend]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]

    def scoped_queryset(self, user):
        return import_jobs_visible_to(user).order_by("-created_at", "-id")

    @extend_schema(request={"application/json": ImportCreateSerializer},
                   responses={202: ImportJobSerializer})
    def create(self, request):
        """Start an import; answers at once with the job to poll."""
        serializer_class = ImportUploadSerializer if request.FILES else ImportCreateSerializer
        d = parse_body(request, serializer_class)
        job = imports.start_import(actor=request.user, upload=d["file"], pool_id=d.get("pool"), owner_id=d.get("owner"),
                                   source=d["source"], mapping=d["mapping"])
        tasks.run_import_task.delay_on_commit(job.pk)
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(parameters=[PagedQueryParams], responses={200: ImportRowSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def rows(self, request, pk=None):
        """The per-row report as JSON, page by page: each row with the lead id it created or matched, and why."""
        parse_query(request, PagedQueryParams)
        job = self.get_object()
        page = self.paginate_queryset(imports.report_rows(job))
        return self.get_paginated_response(ImportRowSerializer(page, many=True).data)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        """The per-row report as CSV: row, result, reason, current owner, lead id."""
        job = self.get_object()
        response = HttpResponse(job.report, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
        return response
