"""REST endpoints for the signed-in user, users, teams and integration tokens."""

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts import services
from accounts.access import can_manage_api_tokens, scope_teams, visible_users
from accounts.models import ApiToken, Team, User
from telesales.api import ScopedQuerysetMixin, parse_body, refuse_unknown


class TeamSerializer(serializers.ModelSerializer):
    managers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "managers", "founded_on", "dialer_url_template"]
        read_only_fields = fields


class TeamDialerSerializer(serializers.Serializer):
    """PATCH body of a team: its click-to-dial URL template (the one setting edited here)."""

    dialer_url_template = serializers.CharField(
        max_length=300, allow_blank=True,
        help_text="Empty for tel: links; else a tel:/sip:/sips:/callto:/http(s): URL with {e164} or {digits}.",
    )

    def to_internal_value(self, data):
        refuse_unknown(data, self.fields)
        return super().to_internal_value(data)


class UserSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "full_name", "email", "role", "team", "is_active"]
        read_only_fields = fields


class MeSerializer(UserSerializer):
    managed_teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "managed_teams"]
        read_only_fields = fields


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "user", "key_prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
        read_only_fields = ["id", "key_prefix", "created_at", "last_used_at", "revoked_at"]
        extra_kwargs = {"expires_at": {"help_text": "Optional; after this moment the token is refused (401)."}}

    def validate_user(self, user):
        if not user.is_active:
            raise serializers.ValidationError(gettext("The token's user is deactivated."))
        return user


class CreatedApiTokenSerializer(ApiTokenSerializer):
    key = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]


class IsAdminSession(BasePermission):
    message = "Only admins signed in with a session can manage API tokens, never with a token."

    def has_permission(self, request, view):
        return can_manage_api_tokens(request.user, via_token=isinstance(request.auth, ApiToken))


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The signed-in user (or the token's user), with role and teams."""
    return Response(MeSerializer(request.user).data)


class UserViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Users the caller may see: a rep only themself, a manager their teams, an admin everyone."""

    serializer_class = UserSerializer
    filterset_fields = ["role", "team", "is_active"]
    ordering_fields = ["username", "id"]

    model = User

    def scoped_queryset(self, user):
        return visible_users(user).order_by("id")


class TeamViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Teams the caller may see; their managers and admins set the click-to-dial URL template."""

    serializer_class = TeamSerializer
    http_method_names = ["get", "patch", "head", "options"]

    model = Team

    def scoped_queryset(self, user):
        return scope_teams(Team.objects.prefetch_related("managers"), user).order_by("id")

    @extend_schema(request=TeamDialerSerializer, responses={200: TeamSerializer})
    def partial_update(self, request, pk=None):
        team = self.get_object()
        d = parse_body(request, TeamDialerSerializer)
        team = services.set_dialer_url_template(actor=request.user, team_id=team.pk,
                                                template=d["dialer_url_template"])
        return Response(TeamSerializer(team).data)


class ApiTokenViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Integration tokens: admins create one per integration (key shown once) and revoke it."""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAdminSession]
    queryset = ApiToken.objects.order_by("id")

    @extend_schema(responses={201: CreatedApiTokenSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = services.create_api_token(actor=request.user, **serializer.validated_data)
        data = CreatedApiTokenSerializer(token).data
        data["key"] = key
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke a token at once."""
        token = self.get_object()
        token = services.revoke_api_token(actor=request.user, token_id=token.pk)
        return Response(ApiTokenSerializer(token).data)
