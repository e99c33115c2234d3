"""Today, live, for integrations and wallboards of their own: `GET /api/v1/kpis/live/?team=<id>`
(every active rep of the team and the team's total) or `?rep=<id>` (one rep). The same numbers as
the wallboard page (kpis.live.live_today: the KPI job's SQL on today's calls), computed when
asked; `as_of` says when."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kpis.api import CountsSerializer, counts_body
from kpis.live import LiveToday, live_today
from telesales.api import IdField, QueryParams, parse_query


class LiveQuerySerializer(QueryParams):
    team = IdField(required=False, help_text="a team whose wallboard you may watch: all its active reps and its total")
    rep = IdField(required=False, help_text="one rep you may see")

    def validate(self, attrs):
        if ("team" in attrs) == ("rep" in attrs):
            raise serializers.ValidationError({"team": [_("Give either team=<id> or rep=<id>.")]})
        return attrs


class LiveRepSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="the one ranking: margin, then premium, then customers sold")
    id = serializers.IntegerField()
    name = serializers.CharField()
    counts = CountsSerializer()


class LiveTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LiveSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="today, the local calendar day counted from its midnight")
    as_of = serializers.DateTimeField(help_text="when these numbers were computed (they include every call "
                                                "logged or synced before)")
    team = LiveTeamSerializer(allow_null=True, help_text="the team asked for; null for one rep")
    results = LiveRepSerializer(many=True)
    total = CountsSerializer(help_text="the sum over the results; customers are distinct (a lead two reps "
                                       "called counts once)")


def live_body(live: LiveToday) -> dict:
    return {
        "day": live.day, "as_of": live.as_of,
        "team": {"id": live.team.id, "name": live.team.name} if live.team else None,
        "results": [{"rank": row.rank, "id": row.rep.id, "name": row.rep.display_name, "counts": counts_body(row.counts)}
                    for row in live.rows],
        "total": counts_body(live.total),
    }


class LiveView(APIView):
    """Today's numbers per rep since local midnight, computed on the fly: calls, distinct customers
    dialled / reached / quoted / sold, premium, margin and talk time. A team answers every active rep
    (zeros if they have not called yet) and the team's total; a rep answers that rep alone."""

    @extend_schema(parameters=[LiveQuerySerializer], responses={200: LiveSerializer})
    def get(self, request):
        q = parse_query(request, LiveQuerySerializer)
        live = live_today(request.user, team_id=q.get("team"), rep_id=q.get("rep"))
        return Response(LiveSerializer(live_body(live)).data)
