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
from accounts.scopes import SCOPES
from telesales.api import Body, IdLookupMixin, parse_body, refuse_unknown
from telesales.params import supported_date

TEAM_OUT = ["id", "name", "managers", "founded_on", "stage_override", "target_uplift_percent",
            "daily_calling_hours", "working_days_per_month", "avg_talk_minutes_per_customer",
            "avg_calls_per_customer", "calling_hours_start", "calling_hours_end", "dialer_url_template"]


class TeamSerializer(serializers.ModelSerializer):
    managers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Team
        fields = TEAM_OUT
        read_only_fields = fields


class TeamWriteSerializer(Body, serializers.ModelSerializer):
    """A team's settings and managers (admins); a team's managers may send dialer_url_template alone."""

    managers = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.all(), required=False, help_text="Ids of active managers or admins.")
    dialer_url_template = serializers.CharField(
        max_length=300, allow_blank=True, required=False,
        help_text="Empty for tel: links; else a tel:/sip:/sips:/callto:/http(s): URL with {e164} or {digits}.",
    )

    class Meta:
        model = Team
        fields = [f for f in TEAM_OUT if f != "id"]
        extra_kwargs = {
            "name": {"validators": []},
            "target_uplift_percent": {"min_value": 0, "max_value": 999},
            "daily_calling_hours": {"min_value": 0, "max_value": 24},
            "working_days_per_month": {"min_value": 0, "max_value": 31},
            "avg_talk_minutes_per_customer": {"min_value": 0, "max_value": 9999},
            "avg_calls_per_customer": {"min_value": 0, "max_value": 9999},
            "founded_on": {"validators": [supported_date]},
        }


class UserSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "full_name", "email", "role", "team", "is_active",
                  "hired_on", "accepts_distribution"]
        read_only_fields = fields


class UserUpdateSerializer(Body, serializers.ModelSerializer):
    """A person's or integration account's details (admins). Deactivate with
    /users/{id}/deactivate/ (hand-over preview with GET, then POST)."""

    password = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=128,
                                     style={"input_type": "password"},
                                     help_text="Leave out to keep it (on create: the user cannot sign in until set).")

    class Meta:
        model = User
        fields = ["full_name", "email", "role", "team", "hired_on", "accepts_distribution", "password"]
        extra_kwargs = {"hired_on": {"validators": [supported_date]}}


class UserCreateSerializer(UserUpdateSerializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150,
                                      help_text="The sign-in name: letters, digits and @/./+/-/_.")

    class Meta(UserUpdateSerializer.Meta):
        fields = ["username", *UserUpdateSerializer.Meta.fields]


class MeSerializer(UserSerializer):
    managed_teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "managed_teams"]
        read_only_fields = fields


class ApiTokenSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False,
        help_text="The account the token acts as; leave out for a new integration account named after the token.")
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=list(SCOPES)), required=False, min_length=1, max_length=len(SCOPES),
        help_text="What the token may do: " + "; ".join(f"{k}: {v}" for k, v in SCOPES.items())
                  + ". Default: every scope except admin.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "user", "scopes", "key_prefix", "created_at", "expires_at", "last_used_at",
                  "revoked_at"]
        read_only_fields = ["id", "key_prefix", "created_at", "last_used_at", "revoked_at"]
        extra_kwargs = {"expires_at": {"help_text": "Optional; after this moment the token is refused (401)."},
                        "last_used_at": {"help_text": "When the token last authenticated a request (to the minute)."}}

    def to_internal_value(self, data):
        refuse_unknown(data, [name for name, field in self.fields.items() if not field.read_only])
        return super().to_internal_value(data)

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


class UserViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Users the caller may see: a rep only themself, a manager their teams, an admin everyone.
    Admins (and tokens with the admin scope) create and change them."""

    serializer_class = UserSerializer
    filterset_fields = ["role", "team", "is_active"]
    ordering_fields = ["username", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    not_found = "No such person, or not one you may see."

    model = User

    def scoped_queryset(self, user):
        return visible_users(user).order_by("id")

    @extend_schema(request=UserCreateSerializer, responses={201: UserSerializer})
    def create(self, request):
        """Create a user (admins): a rep, manager, admin or integration account, in a team."""
        d = parse_body(request, UserCreateSerializer)
        user = services.create_user(actor=request.user, **d)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UserUpdateSerializer, responses={200: UserSerializer})
    def partial_update(self, request, pk=None):
        """Change a user's role, team, name, e-mail, password or distribution flag (admins)."""
        user = self.get_object()
        d = parse_body(request, UserUpdateSerializer, partial=True)
        user = services.update_user(actor=request.user, user_id=user.pk, **d)
        return Response(UserSerializer(user).data)


class TeamViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Teams the caller may see. Admins create them and set their settings and managers; a team's
    managers set its click-to-dial URL template."""

    serializer_class = TeamSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    not_found = "No such team."

    model = Team

    def scoped_queryset(self, user):
        return scope_teams(Team.objects.prefetch_related("managers"), user).order_by("id")

    @extend_schema(request=TeamWriteSerializer, responses={201: TeamSerializer})
    def create(self, request):
        """Create a team with its settings and managers (admins)."""
        d = parse_body(request, TeamWriteSerializer)
        team = services.create_team(actor=request.user, **d)
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TeamWriteSerializer, responses={200: TeamSerializer})
    def partial_update(self, request, pk=None):
        """Change settings or managers (admins), or the dialer URL template (the team's managers too)."""
        team = self.get_object()
        d = parse_body(request, TeamWriteSerializer, partial=True)
        team = services.update_team(actor=request.user, team_id=team.pk, **d)
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
