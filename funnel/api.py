"""Funnel REST endpoints: counts, conversion, diagnosis, the backward plan and pipeline coverage."""

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

from funnel import domain, labels, selectors
from funnel.forms import future_day_message
from funnel.planning import MAX_WEEKS, build_plan
from telesales.api import DateField, QueryParams, parse_body, parse_query
from telesales.days import local_midnight
from telesales.errors import DomainError

MAX_PERIOD_DAYS = 3660


# ---- input ----------------------------------------------------------------------------------
class ScopeQuery(serializers.Serializer):
    rep = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                   help_text="A rep's id (default: yourself, or your team for a manager)")
    team = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                    help_text="A team's id (managers of it and admins)")

    def validate(self, attrs):
        if attrs.get("rep") and attrs.get("team"):
            raise serializers.ValidationError(gettext("Give either rep or team, not both."))
        return attrs


class CountsQuery(ScopeQuery, QueryParams):
    as_of = DateField(required=False, help_text="End of this local day, today or earlier; default: now.")
    segment = serializers.CharField(
        required=False, max_length=80,
        help_text="also cut the funnel by this lead segment (`by_segment`): source, region, product_interest, pool, "
                  "import_batch, score_band (top_10, 10_30, rest by the nightly p(sale)) or attr:<key>")

    def validate_as_of(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(future_day_message(value))
        return value


class PeriodQuery(ScopeQuery, QueryParams):
    start = DateField(required=False, help_text="First local day; default: 30 days ago.")
    end = DateField(required=False, help_text="Last local day (included); default: today.")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        end = attrs.get("end") or timezone.localdate()
        start = attrs.get("start") or end - dt.timedelta(days=29)
        if end < start:
            raise serializers.ValidationError(gettext("end must not be before start."))
        if (end - start).days > MAX_PERIOD_DAYS:
            raise serializers.ValidationError(gettext("The period can be at most ten years."))
        attrs["start"], attrs["end"] = start, end
        return attrs


class RatesInput(serializers.Serializer):
    E = serializers.DecimalField(max_digits=6, decimal_places=4, min_value=Decimal("0.0001"), max_value=1, required=False)
    D = serializers.DecimalField(max_digits=6, decimal_places=4, min_value=Decimal("0.0001"), max_value=1, required=False)
    C = serializers.DecimalField(max_digits=6, decimal_places=4, min_value=Decimal("0.0001"), max_value=1, required=False)
    B = serializers.DecimalField(max_digits=6, decimal_places=4, min_value=Decimal("0.0001"), max_value=1, required=False)
    A = serializers.DecimalField(max_digits=6, decimal_places=4, min_value=Decimal("0.0001"), max_value=1, required=False)


class PlanInput(ScopeQuery):
    target = serializers.IntegerField(min_value=0, max_value=1_000_000, help_text="Sales (出单) wanted in the period.")
    start = DateField(help_text="First day of the period.")
    weeks = serializers.IntegerField(min_value=1, max_value=MAX_WEEKS)
    rates = RatesInput(required=False, help_text="Stage rates (0–1] keyed by the grade left; missing ones come from history.")


class CoverageInput(serializers.Serializer):
    cycle_months = serializers.DecimalField(max_digits=8, decimal_places=4, min_value=Decimal("0.0001"), max_value=1200)
    win_rate = serializers.CharField(max_length=20, help_text="1/3, 33% or 0.33")
    new_customers_per_month = serializers.DecimalField(max_digits=12, decimal_places=4, min_value=0, max_value=10**7)

    def validate_win_rate(self, value):
        try:
            share = domain.parse_share(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc
        if not Fraction(1, 10_000) <= share <= 1:
            raise serializers.ValidationError(gettext("The win rate must be between 0.01% and 100%."))
        return share


# ---- output ---------------------------------------------------------------------------------
class ScopeOut(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    rep = serializers.IntegerField(allow_null=True)
    team = serializers.IntegerField(allow_null=True)


class CountsOut(serializers.Serializer):
    E = serializers.IntegerField()
    D = serializers.IntegerField()
    C = serializers.IntegerField()
    B = serializers.IntegerField()
    A = serializers.IntegerField()
    won = serializers.IntegerField()
    lost = serializers.IntegerField()


class DiagnosisOut(serializers.Serializer):
    shape = serializers.CharField()
    reason = serializers.CharField()
    title = serializers.CharField(help_text="In the language of the request (Accept-Language).")
    advice = serializers.CharField(help_text="In the language of the request (Accept-Language).")


class RepFunnelOut(serializers.Serializer):
    rep = serializers.IntegerField()
    name = serializers.CharField()
    counts = CountsOut()
    diagnosis = DiagnosisOut()


class SegmentFunnelOut(serializers.Serializer):
    value = serializers.CharField(allow_null=True, help_text="the segment value (null: leads with none)")
    label = serializers.CharField()
    counts = CountsOut()


class FunnelOut(serializers.Serializer):
    scope = ScopeOut()
    as_of = serializers.DateTimeField()
    counts = CountsOut()
    by_rep = RepFunnelOut(many=True)
    by_segment = SegmentFunnelOut(many=True, required=False, help_text="with ?segment=: the funnel per segment value")


class DiagnosisResponse(serializers.Serializer):
    scope = ScopeOut()
    as_of = serializers.DateTimeField()
    counts = CountsOut()
    diagnosis = DiagnosisOut()
    by_rep = RepFunnelOut(many=True)
    by_segment = SegmentFunnelOut(many=True, required=False, help_text="with ?segment=: the funnel per segment value")


class StageOut(serializers.Serializer):
    grade = serializers.CharField()
    next = serializers.CharField()
    at = serializers.IntegerField()
    reached = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    avg_days_in_stage = serializers.FloatField(allow_null=True)


class BcOut(serializers.Serializer):
    at = serializers.IntegerField()
    reached_a = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)


class ConversionOut(serializers.Serializer):
    scope = ScopeOut()
    start = serializers.DateField()
    end = serializers.DateField()
    stages = StageOut(many=True)
    bc_to_a = BcOut()


class GradeIntOut(serializers.Serializer):
    E = serializers.IntegerField()
    D = serializers.IntegerField()
    C = serializers.IntegerField()
    B = serializers.IntegerField()
    A = serializers.IntegerField()


class RatesOut(serializers.Serializer):
    E = serializers.DecimalField(max_digits=6, decimal_places=4)
    D = serializers.DecimalField(max_digits=6, decimal_places=4)
    C = serializers.DecimalField(max_digits=6, decimal_places=4)
    B = serializers.DecimalField(max_digits=6, decimal_places=4)
    A = serializers.DecimalField(max_digits=6, decimal_places=4)


class WeekPlanOut(serializers.Serializer):
    week = serializers.IntegerField()
    start = serializers.DateField()
    sales = serializers.IntegerField()
    new = GradeIntOut()
    actual_won = serializers.IntegerField(allow_null=True)
    actual_new = GradeIntOut(allow_null=True)
    share_achieved = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)


class ReplanOut(serializers.Serializer):
    weeks_done = serializers.IntegerField()
    won_so_far = serializers.IntegerField()
    remaining_target = serializers.IntegerField()
    rates = RatesOut()
    rate_sources = serializers.DictField(child=serializers.CharField())
    needed = GradeIntOut()
    new_needed = GradeIntOut()
    weeks = serializers.ListField(child=serializers.DictField())


class PlanOut(serializers.Serializer):
    scope = ScopeOut()
    target = serializers.IntegerField()
    start = serializers.DateField()
    weeks = serializers.IntegerField()
    rates = RatesOut()
    rate_sources = serializers.DictField(child=serializers.CharField())
    current = GradeIntOut()
    needed = GradeIntOut()
    new_needed = GradeIntOut()
    from_scratch = GradeIntOut()
    weekly = WeekPlanOut(many=True)
    replan = ReplanOut(allow_null=True)
    average_rates = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True))
    won = serializers.IntegerField()
    share_of_target = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)


class CoverageOut(serializers.Serializer):
    prospects_needed = serializers.IntegerField()
    exact = serializers.DecimalField(max_digits=20, decimal_places=4)
    in_progress_per_month = serializers.DecimalField(max_digits=20, decimal_places=4)


# ---- helpers --------------------------------------------------------------------------------
def _scope(request, data):
    return selectors.resolve_scope(actor=request.user, rep_id=data.get("rep"), team_id=data.get("team"))


def _scope_out(scope) -> dict:
    return {
        "kind": scope.kind, "label": scope.label,
        "rep": scope.rep.pk if scope.rep else None, "team": scope.team.pk if scope.team else None,
    }


def _diag(counts) -> dict:
    d = domain.classify_shape(counts)
    return {"shape": d.shape, "reason": d.reason, "title": labels.shape_title(d.shape),
            "advice": labels.shape_advice(d.shape)}


def _grades(values: dict) -> dict:
    return {g: values[g] for g in domain.GRADES}


def _rates(values: dict) -> dict:
    return {g: domain.as_decimal(values[g]) for g in domain.GRADES}


def _funnel_payload(request, data) -> dict:
    scope = _scope(request, data)
    as_of = selectors.as_of_moment(data.get("as_of"))
    by_owner = selectors.funnel_counts_by_owner(scope.owner_ids, as_of)
    names = {r.pk: r.display_name for r in scope.reps}
    by_rep = [
        {"rep": pk, "name": names.get(pk, str(pk)), "counts": counts, "diagnosis": _diag(counts)}
        for pk, counts in sorted(by_owner.items())
        if scope.kind != "company" or pk in names
    ]
    counts = selectors.sum_counts(by_owner.values())
    payload = {"scope": _scope_out(scope), "as_of": as_of or timezone.now(), "counts": counts, "by_rep": by_rep}
    if "segment" in data:
        payload["by_segment"] = selectors.funnel_counts_by_segment(scope, data["segment"], as_of)
    return payload


# ---- views ----------------------------------------------------------------------------------
class FunnelCountsView(APIView):
    """Customers per grade as of a date (from the grade history), for a rep, team or company."""

    @extend_schema(
        parameters=[CountsQuery], responses=FunnelOut,
    )
    def get(self, request):
        data = parse_query(request, CountsQuery)
        return Response(FunnelOut(_funnel_payload(request, data)).data)


class FunnelDiagnosisView(APIView):
    """The funnel's shape (one of the seeds' four) with the advice, for the scope and each rep."""

    @extend_schema(
        parameters=[CountsQuery], responses=DiagnosisResponse,
    )
    def get(self, request):
        data = parse_query(request, CountsQuery)
        payload = _funnel_payload(request, data)
        payload["diagnosis"] = _diag(payload["counts"])
        return Response(DiagnosisResponse(payload).data)


class FunnelConversionView(APIView):
    """Stage conversion over a period: of the customers at each grade, the share that reached the
    next; average days in each stage; B/C → A conversion."""

    @extend_schema(
        parameters=[PeriodQuery], responses=ConversionOut,
    )
    def get(self, request):
        data = parse_query(request, PeriodQuery)
        scope = _scope(request, data)
        start, end = local_midnight(data["start"]), local_midnight(data["end"] + dt.timedelta(days=1))
        stats = selectors.stage_stats(scope, start, end)
        days = selectors.average_days_in_stage(scope, start, end)
        stages = [
            {
                "grade": g, "next": domain.NEXT_STAGE[g], "at": stats.at[g], "reached": stats.reached[g],
                "rate": domain.as_decimal(stats.rate(g)), "avg_days_in_stage": days[g],
            }
            for g in domain.GRADES
        ]
        payload = {
            "scope": _scope_out(scope), "start": data["start"], "end": data["end"], "stages": stages,
            "bc_to_a": {"at": stats.bc_at, "reached_a": stats.bc_to_a, "rate": domain.as_decimal(stats.bc_to_a_rate)},
        }
        return Response(ConversionOut(payload).data)


class FunnelPlanView(APIView):
    """The backward weekly plan (倒推法): customers needed per grade, new entries per grade per
    week, actuals of finished weeks, the re-plan of the remaining weeks and the period report."""

    @extend_schema(request=PlanInput, responses=PlanOut)
    def post(self, request):
        data = parse_body(request, PlanInput)
        scope = _scope(request, data)
        typed = {g: v for g, v in (data.get("rates") or {}).items() if v is not None}
        try:
            result = build_plan(
                scope=scope, target=data["target"], start=data["start"], weeks=data["weeks"], rates=typed
            )
        except ValueError as exc:
            raise DomainError(str(exc)) from exc
        plan = result.plan
        weekly = []
        for i, row in enumerate(plan.week_rows()):
            actual = result.actuals[i] if i < len(result.actuals) else None
            report = result.report.weeks[i] if i < len(result.report.weeks) else None
            weekly.append(
                {
                    "week": row["week"], "start": result.week_starts[i], "sales": row["sales"], "new": _grades(row),
                    "actual_won": actual.won if actual else None,
                    "actual_new": _grades(actual.entered) if actual else None,
                    "share_achieved": domain.as_decimal(report.share) if report else None,
                }
            )
        replan = None
        if result.replan and result.replan.plan:
            rp = result.replan
            replan = {
                "weeks_done": rp.weeks_done, "won_so_far": rp.won_so_far, "remaining_target": rp.remaining_target,
                "rates": _rates(rp.rates), "rate_sources": rp.rate_sources,
                "needed": rp.plan.needed, "new_needed": rp.plan.new_needed, "weeks": rp.plan.week_rows(),
            }
        payload = {
            "scope": _scope_out(scope), "target": result.target, "start": result.start, "weeks": result.weeks,
            "rates": _rates(result.rates), "rate_sources": result.rate_sources, "current": _grades(plan.current),
            "needed": plan.needed, "new_needed": plan.new_needed, "from_scratch": plan.from_scratch,
            "weekly": weekly, "replan": replan,
            "average_rates": {g: domain.as_decimal(v) for g, v in result.report.average_rates.items()},
            "won": result.report.won, "share_of_target": domain.as_decimal(result.report.share_of_target),
        }
        return Response(PlanOut(payload).data)


class CoverageView(APIView):
    """Pipeline coverage: prospects needed = goal per month × cycle months ÷ win rate (seed: 36)."""

    @extend_schema(request=CoverageInput, responses=CoverageOut)
    def post(self, request):
        data = parse_body(request, CoverageInput)
        result = domain.pipeline_coverage(
            cycle_months=data["cycle_months"], win_rate=data["win_rate"],
            new_customers_per_month=data["new_customers_per_month"],
        )
        return Response(
            CoverageOut(
                {
                    "prospects_needed": result.prospects_needed, "exact": domain.as_decimal(result.exact),
                    "in_progress_per_month": domain.as_decimal(result.in_progress_per_month),
                }
            ).data
        )
