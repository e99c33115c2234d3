"""KPI API: counts, drivers and decomposition; diagnosis; what-if. Thin: parse, select, shape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import is_rep, managed_team_ids, visible_users
from accounts.models import Team, User
from kpis import domain, selectors
from kpis.domain import DRIVERS, Counts, decompose, fraction_to_decimal
from telesales.api import DateField, QueryParams, parse_query
from telesales.errors import DomainError, NotFound

MAX_ROWS = 5000


def _dec(value: Fraction | None, places: int = 4) -> Decimal | None:
    return None if value is None else fraction_to_decimal(Fraction(value), places=places)


def _driver_places(name: str) -> int:
    return 2 if name in ("avg_premium",) else (0 if name in ("outbound_customers", "accumulated_customers") else 4)


# ---- serializers ------------------------------------------------------------------------------
def _with_from(serializer_class, field):
    """`from` is a Python keyword: add it to the declared fields after the class is built."""
    serializer_class._declared_fields = {"from": field, **serializer_class._declared_fields}
    return serializer_class


class PeriodQuerySerializer(serializers.Serializer):
    to = DateField(required=False, help_text="last local day (default: today)")

    def validate(self, attrs):
        end = attrs.get("to") or timezone.localdate()
        start = attrs.get("from") or end - dt.timedelta(days=29)
        if start > end:
            raise serializers.ValidationError({"from": "`from` must be on or before `to`."})
        if (end - start).days > selectors.MAX_DAYS:
            raise serializers.ValidationError({"from": f"At most {selectors.MAX_DAYS} days per request."})
        attrs["start"], attrs["end"] = start, end
        return attrs


_with_from(PeriodQuerySerializer,
           DateField(required=False, help_text="first local day (default: 29 days before `to`)"))


class KpiQuerySerializer(PeriodQuerySerializer, QueryParams):
    scope = serializers.ChoiceField(choices=selectors.SCOPES, default="rep", help_text="rows per rep, team or company")
    grain = serializers.ChoiceField(choices=selectors.GRAINS, default="total", help_text="period of each row")
    rep = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text="only this rep")
    team = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text="only this team")


class CountsSerializer(serializers.Serializer):
    calls_made = serializers.IntegerField()
    customers_dialled = serializers.IntegerField()
    customers_reached = serializers.IntegerField()
    customers_quoted = serializers.IntegerField()
    customers_sold = serializers.IntegerField()
    premium = serializers.DecimalField(max_digits=18, decimal_places=2)
    margin_amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    talk_seconds = serializers.IntegerField()


class DriversSerializer(serializers.Serializer):
    outbound_customers = serializers.IntegerField()
    effective_connect_rate = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    quote_success_rate = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    sales_success_rate = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    avg_premium = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    avg_margin_rate = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)


class DecompositionSerializer(serializers.Serializer):
    product_of_drivers = serializers.DecimalField(max_digits=18, decimal_places=2)
    measured_margin = serializers.DecimalField(max_digits=18, decimal_places=2)
    identity_holds = serializers.BooleanField()


class KpiRowSerializer(serializers.Serializer):
    period = serializers.DateField(allow_null=True, help_text="first day of the period; null for grain=total")
    id = serializers.IntegerField(allow_null=True, help_text="rep or team id; null for company")
    name = serializers.CharField()
    counts = CountsSerializer()
    drivers = DriversSerializer()
    decomposition = DecompositionSerializer()


class KpiReportSerializer(serializers.Serializer):
    scope = serializers.CharField()
    grain = serializers.CharField()
    to = serializers.DateField()
    truncated = serializers.BooleanField(help_text=f"true if more than {MAX_ROWS} rows matched")
    results = KpiRowSerializer(many=True)


_with_from(KpiReportSerializer, serializers.DateField())


def kpi_row(period, key, name, counts: Counts) -> dict:
    d = decompose(counts)
    return {
        "period": period,
        "id": key,
        "name": name,
        "counts": {f: getattr(counts, f) for f in selectors.COUNT_FIELDS},
        "drivers": d.as_decimals(),
        "decomposition": {"product_of_drivers": d.result, "measured_margin": counts.margin_amount,
                          "identity_holds": d.identity_holds},
    }


class KpiListView(APIView):
    """Counts, the six drivers and the exact decomposition per rep/team/company and period."""

    @extend_schema(parameters=[KpiQuerySerializer], responses={200: KpiReportSerializer})
    def get(self, request):
        q = parse_query(request, KpiQuerySerializer)
        df = selectors.kpi_frame(
            request.user, start=q["start"], end=q["end"], grain=q["grain"], by=q["scope"],
            rep_ids=[q["rep"]] if "rep" in q else None, team_ids=[q["team"]] if "team" in q else None,
        )
        records = df.to_dict("records")
        rows = [kpi_row(r["period"], None if r["key"] is None else int(r["key"]), r["label"], Counts.from_mapping(r))
                for r in records[:MAX_ROWS]]
        body = {"scope": q["scope"], "grain": q["grain"], "from": q["start"], "to": q["end"],
                "truncated": len(records) > MAX_ROWS, "results": rows}
        return Response(KpiReportSerializer(body).data)


# ---- diagnosis --------------------------------------------------------------------------------
class DiagnosisQuerySerializer(PeriodQuerySerializer, QueryParams):
    team = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                    help_text="team to diagnose (default: your team / first managed team)")
    rep = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text="only this rep")


class DriverCheckSerializer(serializers.Serializer):
    driver = serializers.CharField()
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    median = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    top_quartile = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    status = serializers.ChoiceField(choices=["green", "amber", "red", "grey"])


class RepDiagnosisSerializer(serializers.Serializer):
    rep_id = serializers.IntegerField()
    name = serializers.CharField()
    weakest = serializers.CharField(allow_null=True)
    problem = serializers.CharField(allow_null=True)
    remedy = serializers.CharField(allow_null=True)
    checks = DriverCheckSerializer(many=True)


class DiagnosisSerializer(serializers.Serializer):
    team_id = serializers.IntegerField()
    team = serializers.CharField()
    to = serializers.DateField()
    reps = RepDiagnosisSerializer(many=True)


_with_from(DiagnosisSerializer, serializers.DateField())


def default_team_for(user: User, team_id: int | None) -> Team:
    if team_id:
        return selectors.team_for(user, team_id)
    if is_rep(user) or not managed_team_ids(user):
        if user.team_id:
            return selectors.team_for(user, user.team_id)
        raise DomainError("Give team=<id>: you are not on a team.")
    return Team.objects.get(id=sorted(managed_team_ids(user))[0])


def team_diagnosis(user: User, *, team: Team, start: dt.date, end: dt.date, rep_id: int | None = None) -> dict:
    """Every visible rep of the team against the whole team's median / top quartile."""
    members = selectors.team_member_counts(team, start=start, end=end)
    bench = domain.team_benchmarks(members.values())
    visible = set(visible_users(user).filter(id__in=[r.id for r in members]).values_list("id", flat=True))
    reps = []
    for rep, counts in members.items():
        if rep.id not in visible or (rep_id and rep.id != rep_id):
            continue
        result = domain.diagnose(counts, bench)
        reps.append({
            "rep_id": rep.id, "name": rep.display_name, "weakest": result.weakest, "problem": result.problem,
            "remedy": result.remedy,
            "checks": [{"driver": c.name, "label": domain.DRIVER_LABELS[c.name],
                        "value": _dec(c.value, _driver_places(c.name)), "median": _dec(c.median, 4),
                        "top_quartile": _dec(c.top_quartile, 4), "status": c.status} for c in result.checks],
        })
    if rep_id and not reps:
        raise NotFound("No such rep in this team, or not one you may see.")
    return {"team_id": team.id, "team": team.name, "from": start, "to": end, "reps": reps}


class DiagnosisView(APIView):
    """Each rep's drivers against the team benchmark; the weakest one named with the seeds' remedy."""

    @extend_schema(parameters=[DiagnosisQuerySerializer], responses={200: DiagnosisSerializer})
    def get(self, request):
        q = parse_query(request, DiagnosisQuerySerializer)
        team = default_team_for(request.user, q.get("team"))
        body = team_diagnosis(request.user, team=team, start=q["start"], end=q["end"], rep_id=q.get("rep"))
        return Response(DiagnosisSerializer(body).data)


# ---- what-if ----------------------------------------------------------------------------------
class WhatIfInputSerializer(PeriodQuerySerializer):
    rep = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                   help_text="simulate this rep (default: yourself if you are a rep)")
    team = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text="simulate this team")
    uplifts = serializers.DictField(
        child=serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal("-100"), max_value=Decimal("1000")),
        required=False, default=dict, help_text="driver → percent, e.g. {\"quote_success_rate\": 10}",
    )
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("1000"),
                                       default=Decimal("10"), help_text="uplift used to rank the drivers")

    def validate_uplifts(self, value):
        unknown = sorted(set(value) - set(DRIVERS))
        if unknown:
            raise serializers.ValidationError(f"Unknown driver(s): {', '.join(unknown)}. Use: {', '.join(DRIVERS)}.")
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "rep" in attrs and "team" in attrs:
            raise serializers.ValidationError({"team": "Give either rep or team, not both."})
        return attrs


class RankedDriverSerializer(serializers.Serializer):
    driver = serializers.CharField()
    label = serializers.CharField()
    gain_at_uplift = serializers.DecimalField(max_digits=20, decimal_places=2)
    top_quartile = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    gain_at_top_quartile = serializers.DecimalField(max_digits=20, decimal_places=2)


class WhatIfResultSerializer(serializers.Serializer):
    subject = serializers.CharField()
    base_drivers = DriversSerializer()
    new_drivers = DriversSerializer()
    base_result = serializers.DecimalField(max_digits=20, decimal_places=2)
    new_result = serializers.DecimalField(max_digits=20, decimal_places=2)
    change = serializers.DecimalField(max_digits=20, decimal_places=2)
    change_percent = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    ranking = RankedDriverSerializer(many=True)


def _drivers_dict(values: dict[str, Fraction | None]) -> dict:
    out = {}
    for name in DRIVERS:
        value = values[name]
        if name == "outbound_customers":
            out[name] = int(round(value)) if value is not None else 0
        else:
            out[name] = _dec(value, 2 if name == "avg_premium" else 4)
    return out


def simulate(user: User, *, start: dt.date, end: dt.date, uplifts: dict, percent: Decimal,
             rep_id: int | None = None, team_id: int | None = None) -> dict:
    """What-if for a rep or a team: new result after the uplifts, drivers ranked by effect."""
    if rep_id is None and team_id is None:
        if not is_rep(user):
            raise DomainError("Give rep=<id> or team=<id> to simulate.")
        rep_id = user.id
    if rep_id is not None:
        rep = visible_users(user).filter(id=rep_id).select_related("team").first()
        if rep is None:
            raise NotFound("No such rep, or not one you may see.")
        counts = selectors.counts_for(selectors.DailyRepKpi.objects.filter(rep=rep), start=start, end=end)
        team = rep.team
        subject = rep.display_name
        members = selectors.team_member_counts(team, start=start, end=end) if team else {}
        peer_counts = list(members.values())
    else:
        team = selectors.team_for(user, team_id)
        counts = selectors.counts_for(selectors.DailyRepKpi.objects.filter(team=team), start=start, end=end)
        subject = team.name
        # A team is benchmarked against the other teams' totals.
        peer_counts = [selectors.counts_for(selectors.DailyRepKpi.objects.filter(team=t), start=start, end=end)
                       for t in Team.objects.all()[:200]]
    drivers = decompose(counts)
    bench = domain.team_benchmarks(peer_counts) if peer_counts else {}
    top = {name: bench[name].top_quartile for name in DRIVERS if name in bench}
    result = domain.what_if(drivers, uplifts)
    ranking = domain.rank_drivers(drivers, percent=percent, top_quartiles=top)
    return {
        "subject": subject,
        "base_drivers": _drivers_dict(dict(drivers.factors())),
        "new_drivers": _drivers_dict(result.new_values),
        "base_result": _dec(result.base_result, 2),
        "new_result": _dec(result.new_result, 2),
        "change": _dec(result.change, 2),
        "change_percent": _dec(result.change_percent, 2),
        "ranking": [{"driver": r.name, "label": domain.DRIVER_LABELS[r.name], "gain_at_uplift": _dec(r.gain_at_uplift, 2),
                     "top_quartile": _dec(r.target_value, 4), "gain_at_top_quartile": _dec(r.gain_at_top_quartile, 2)}
                    for r in ranking],
    }


class WhatIfView(APIView):
    """Raise drivers by x% and see the new result; drivers ranked by their effect."""

    @extend_schema(
        request=WhatIfInputSerializer,
        responses={200: WhatIfResultSerializer},
    )
    def post(self, request):
        data = WhatIfInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        body = simulate(request.user, start=v["start"], end=v["end"], uplifts=v["uplifts"], percent=v["percent"],
                        rep_id=v.get("rep"), team_id=v.get("team"))
        return Response(WhatIfResultSerializer(body).data)
