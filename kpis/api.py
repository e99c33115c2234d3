"""KPI API: counts, drivers and decomposition; diagnosis; what-if. Thin: parse, select, shape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Team, User
from kpis import domain, labels, selectors
from kpis.domain import DRIVERS, Counts, decompose, fraction_to_decimal
from kpis.segments import segment_cut
from telesales.api import DateField, IdField, QueryParams, parse_body, parse_query

MAX_ROWS = 5000

AS_OF_HELP = ("the facts include every call logged before this time (the start of the last successful KPI run); "
              "null if it never ran")


def _dec(value: Fraction | None, places: int = 4) -> Decimal | None:
    return None if value is None else fraction_to_decimal(Fraction(value), places=places)


# ---- serializers ------------------------------------------------------------------------------
def _with_from(serializer_class, field):
    """`from` is a Python keyword: add it to the declared fields after the class is built."""
    serializer_class._declared_fields = {"from": field, **serializer_class._declared_fields}
    return serializer_class


class PeriodQuerySerializer(serializers.Serializer):
    """A period of any length between the supported dates. A missing end is today and a missing
    start 29 days before the end; the answer lists which were filled in (`defaulted`)."""

    to = DateField(required=False, help_text="last local day (default: today; the answer says so in `defaulted`)")

    def validate(self, attrs):
        end = attrs.get("to") or timezone.localdate()
        start = attrs.get("from") or end - dt.timedelta(days=29)
        if start > end:
            raise serializers.ValidationError({"from": gettext("`from` (%(start)s) must be on or before `to` (%(end)s).") % {"start": start, "end": end}})
        attrs["start"], attrs["end"] = start, end
        attrs["defaulted"] = [name for name in ("from", "to") if attrs.get(name) is None]
        return attrs


_with_from(PeriodQuerySerializer,
           DateField(required=False, help_text="first local day (default: 29 days before `to`; the answer says so "
                                               "in `defaulted`)"))


class KpiQuerySerializer(PeriodQuerySerializer, QueryParams):
    scope = serializers.ChoiceField(choices=selectors.SCOPES, default="rep", help_text="rows per rep, team or company")
    grain = serializers.ChoiceField(choices=selectors.GRAINS, default="total", help_text="period of each row")
    rep = IdField(required=False, help_text="only this rep")
    team = IdField(required=False, help_text="only this team")
    segment = serializers.CharField(
        required=False, max_length=80,
        help_text="one row per value of this lead segment over the whole period, instead of per rep/team: source, "
                  "region, product_interest, pool, import_batch, score_band (top_10, 10_30, rest by the nightly p(sale)) or "
                  "attr:<key> (GET /api/v1/lead-attributes/); "
                  "not with scope or grain")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "segment" in attrs:
            given = [name for name in ("scope", "grain") if name in self.initial_data]
            if given:
                raise serializers.ValidationError(
                    {given[0]: f"`{given[0]}` does not apply to a segment cut: its rows are the segment's values over "
                                "the whole period; choose whose calls with rep= or team=."})
        return attrs


class CountsSerializer(serializers.Serializer):
    calls_made = serializers.IntegerField(help_text="every attempt")
    calls_reached = serializers.IntegerField(help_text="calls that reached the customer")
    policies_sold = serializers.IntegerField(help_text="sales; a customer who bought twice counts twice")
    customers_dialled = serializers.IntegerField()
    customers_reached = serializers.IntegerField()
    customers_quoted = serializers.IntegerField()
    customers_sold = serializers.IntegerField()
    premium = serializers.DecimalField(max_digits=18, decimal_places=2)
    margin_amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    talk_seconds = serializers.IntegerField(help_text="total talk time of every call")
    talk_seconds_per_reached_customer = serializers.DecimalField(
        max_digits=14, decimal_places=1, allow_null=True,
        help_text="talk_seconds / customers_reached; null if no customer was reached")


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
    id = serializers.IntegerField(allow_null=True, help_text="rep or team id; null for company or a segment cut")
    value = serializers.CharField(allow_null=True, required=False,
                                  help_text="with ?segment=: the segment value (null: leads with none)")
    name = serializers.CharField()
    counts = CountsSerializer()
    drivers = DriversSerializer()
    decomposition = DecompositionSerializer()


class KpiTotalSerializer(serializers.Serializer):
    counts = CountsSerializer()
    drivers = DriversSerializer()
    decomposition = DecompositionSerializer()


class KpiReportSerializer(serializers.Serializer):
    scope = serializers.CharField()
    grain = serializers.CharField()
    to = serializers.DateField(help_text="last day of this answer (before the asked `to` when `next` is set)")
    defaulted = serializers.ListField(child=serializers.CharField(),
                                      help_text="the period bounds not given and filled in (from, to)")
    as_of = serializers.DateTimeField(allow_null=True, help_text=AS_OF_HELP)
    next = serializers.CharField(allow_null=True, help_text=f"the rest of the period, at most {selectors.MAX_PERIODS} "
                                                             "periods of the grain per answer")
    truncated = serializers.BooleanField(help_text=f"true if more than {MAX_ROWS} rows matched")
    totals = KpiTotalSerializer(help_text="the whole answer's period and rows as one subject: customers counted "
                                          "once even when several rows share them")
    results = KpiRowSerializer(many=True)


_with_from(KpiReportSerializer, serializers.DateField())


def counts_body(counts: Counts) -> dict:
    """Counts as CountsSerializer answers them (the KPI report and the live API)."""
    talk = _dec(domain.talk_per_reached_customer(counts), 1)
    return {**{f: getattr(counts, f) for f in selectors.COUNT_FIELDS}, "talk_seconds_per_reached_customer": talk}


def kpi_numbers(counts: Counts) -> dict:
    d = decompose(counts)
    return {
        "counts": counts_body(counts),
        "drivers": d.as_decimals(),
        "decomposition": {"product_of_drivers": d.result, "measured_margin": counts.margin_amount,
                          "identity_holds": d.identity_holds},
    }


def kpi_row(period, key, name, counts: Counts) -> dict:
    return {"period": period, "id": key, "name": name, **kpi_numbers(counts)}


class KpiListView(APIView):
    """Counts, the six drivers and the exact decomposition per rep/team/company and period."""

    @extend_schema(parameters=[KpiQuerySerializer], responses={200: KpiReportSerializer})
    def get(self, request):
        q = parse_query(request, KpiQuerySerializer)
        if "segment" in q:
            return self.segment_cut(request, q)
        end, rest = selectors.period_page(q["start"], q["end"], q["grain"])
        filters = {"rep_ids": [q["rep"]] if "rep" in q else None, "team_ids": [q["team"]] if "team" in q else None}
        df = selectors.kpi_frame(request.user, start=q["start"], end=end, grain=q["grain"], by=q["scope"], **filters)
        total = selectors.kpi_frame(request.user, start=q["start"], end=end, by="company", **filters)
        records = df.to_dict("records")
        rows = [kpi_row(r["period"], None if r["key"] is None else int(r["key"]), r["label"], Counts.from_mapping(r))
                for r in records[:MAX_ROWS]]
        body = {"scope": q["scope"], "grain": q["grain"], "from": q["start"], "to": end, "defaulted": q["defaulted"],
                "as_of": selectors.figures_as_of(), "next": _next_page(request, rest, q["end"]),
                "truncated": len(records) > MAX_ROWS,
                "totals": kpi_numbers(Counts.from_mapping(total.iloc[0]) if len(total) else Counts()),
                "results": rows}
        return Response(KpiReportSerializer(body).data)


    def segment_cut(self, request, q):
        rows, total, as_of = segment_cut(request.user, segment=q["segment"], start=q["start"], end=q["end"],
                                            team_id=q.get("team"), rep_id=q.get("rep"))
        results = [{**kpi_row(None, None, r["label"], Counts.from_mapping(r)), "value": r["key"]}
                   for r in rows[:MAX_ROWS]]
        body = {"scope": f"segment:{q['segment']}", "grain": "total", "from": q["start"], "to": q["end"],
                "defaulted": q["defaulted"], "as_of": as_of, "next": None, "truncated": len(rows) > MAX_ROWS,
                "totals": kpi_numbers(Counts.from_mapping(total)), "results": results}
        return Response(KpiReportSerializer(body).data)


def _next_page(request, rest: dt.date | None, end: dt.date) -> str | None:
    """The same query for the periods after this answer's."""
    if rest is None:
        return None
    query = request.GET.copy()
    query["from"], query["to"] = rest.isoformat(), end.isoformat()
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


# ---- diagnosis --------------------------------------------------------------------------------
class DiagnosisQuerySerializer(PeriodQuerySerializer, QueryParams):
    team = IdField(required=False, help_text="team to diagnose (default: your team / first managed team)")
    rep = IdField(required=False, help_text="only this rep")


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
    as_of = serializers.DateTimeField(allow_null=True, help_text=AS_OF_HELP)
    reps = RepDiagnosisSerializer(many=True)


_with_from(DiagnosisSerializer, serializers.DateField())


def diagnosis_body(user: User, *, team: Team, start: dt.date, end: dt.date, rep_id: int | None = None) -> dict:
    """selectors.team_diagnosis shaped for the API: values rounded by unit, benchmarks to 4 places."""
    reps = []
    for rep, result in selectors.team_diagnosis(user, team=team, start=start, end=end, rep_id=rep_id):
        reps.append({
            "rep_id": rep.id, "name": rep.display_name, "weakest": result.weakest,
            "problem": labels.translated(result.problem), "remedy": labels.translated(result.remedy),
            "checks": [{"driver": c.name, "label": labels.DRIVER_LABELS[c.name],
                        "value": domain.display_value(c.name, c.value), "median": _dec(c.median),
                        "top_quartile": _dec(c.top_quartile), "status": c.status} for c in result.checks],
        })
    return {"team_id": team.id, "team": team.name, "from": start, "to": end, "as_of": selectors.figures_as_of(),
            "reps": reps}


class DiagnosisView(APIView):
    """Each rep's drivers against the team benchmark; the weakest one named with the seeds' remedy."""

    @extend_schema(parameters=[DiagnosisQuerySerializer], responses={200: DiagnosisSerializer})
    def get(self, request):
        q = parse_query(request, DiagnosisQuerySerializer)
        team = selectors.diagnosis_team(request.user, q.get("team"))
        body = diagnosis_body(request.user, team=team, start=q["start"], end=q["end"], rep_id=q.get("rep"))
        return Response(DiagnosisSerializer(body).data)


# ---- what-if ----------------------------------------------------------------------------------
class WhatIfInputSerializer(PeriodQuerySerializer):
    rep = IdField(required=False, help_text="simulate this rep (default: yourself if you are a rep)")
    team = IdField(required=False, help_text="simulate this team")
    uplifts = serializers.DictField(
        child=serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal("-100"), max_value=Decimal("1000")),
        required=False, default=dict, help_text="driver → percent, e.g. {\"quote_success_rate\": 10}",
    )
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("1000"),
                                       default=Decimal("10"), help_text="uplift used to rank the drivers")

    def validate_uplifts(self, value):
        unknown = sorted(set(value) - set(DRIVERS))
        if unknown:
            raise serializers.ValidationError(gettext("Unknown driver(s): %(join)s. Use: %(join2)s.") % {"join": ', '.join(unknown), "join2": ', '.join(DRIVERS)})
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
    as_of = serializers.DateTimeField(allow_null=True, help_text=AS_OF_HELP)
    base_drivers = DriversSerializer()
    new_drivers = DriversSerializer()
    base_result = serializers.DecimalField(max_digits=20, decimal_places=2)
    new_result = serializers.DecimalField(max_digits=20, decimal_places=2)
    change = serializers.DecimalField(max_digits=20, decimal_places=2)
    change_percent = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    ranking = RankedDriverSerializer(many=True)


def _drivers_dict(values: dict[str, Fraction | None]) -> dict:
    return {name: domain.display_value(name, values[name]) for name in DRIVERS}


def what_if_body(user: User, *, start: dt.date, end: dt.date, uplifts: dict, percent: Decimal,
                 rep_id: int | None = None, team_id: int | None = None) -> dict:
    """domain.simulate on the subject's and its peers' counts (selectors.what_if_counts), for the API."""
    subject, counts, peers = selectors.what_if_counts(user, start=start, end=end, rep_id=rep_id, team_id=team_id)
    sim = domain.simulate(counts, peers, uplifts, percent=percent)
    return {
        "subject": subject,
        "as_of": selectors.figures_as_of(),
        "base_drivers": _drivers_dict(dict(sim.drivers.factors())),
        "new_drivers": _drivers_dict(sim.what_if.new_values),
        "base_result": _dec(sim.what_if.base_result, 2),
        "new_result": _dec(sim.what_if.new_result, 2),
        "change": _dec(sim.what_if.change, 2),
        "change_percent": _dec(sim.what_if.change_percent, 2),
        "ranking": [{"driver": r.name, "label": labels.DRIVER_LABELS[r.name], "gain_at_uplift": _dec(r.gain_at_uplift, 2),
                     "top_quartile": _dec(r.target_value), "gain_at_top_quartile": _dec(r.gain_at_top_quartile, 2)}
                    for r in sim.ranking],
    }


class WhatIfView(APIView):
    """Raise drivers by x% and see the new result; drivers ranked by their effect."""

    @extend_schema(
        request=WhatIfInputSerializer,
        responses={200: WhatIfResultSerializer},
    )
    def post(self, request):
        v = parse_body(request, WhatIfInputSerializer)
        body = what_if_body(request.user, start=v["start"], end=v["end"], uplifts=v["uplifts"], percent=v["percent"],
                        rep_id=v.get("rep"), team_id=v.get("team"))
        return Response(WhatIfResultSerializer(body).data)
