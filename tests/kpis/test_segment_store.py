"""The company's cut by segment from what the KPI job stores (kpis/segment_store.py): equal to an
independent pandas computation from the raw calls, after a full rebuild, after incremental runs
with new calls and with leads whose source or attributes changed, and equal to a full rebuild."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.conf import settings
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from calls.models import Call
from kpis import segments, services
from kpis.models import SegmentDayKpi, SegmentLead, SegmentLeadMark
from kpis.sql import COUNTED, SUMMED
from leads.models import Lead
from tests.factories import AdminFactory, AttributeDefinitionFactory, LeadFactory, UserFactory, local

FIRST = dt.date(2025, 1, 20)
OUTCOMES = ["no_answer", "wrong_person", "reached", "quoted", "sold", "note"]
SOURCES = ["web", "fair", ""]
BANDS = ["young", "old", None]


def cut(segment: str, start: dt.date, end: dt.date) -> dict:
    rows, total, _ = segments.segment_cut(AdminFactory(), segment=segment, start=start, end=end)
    return {r["key"]: tuple(r[name] for name in (*SUMMED, *COUNTED)) for r in rows}


def pandas_cut(segment: str, start: dt.date, end: dt.date) -> dict:
    """The same cut from the raw calls and the leads as they are now, by pandas alone."""
    df = pd.DataFrame.from_records(Call.objects.values(
        "lead_id", "started_at", "duration_seconds", "premium", "margin_rate", "disposition__attempted",
        "disposition__reached", "disposition__quoted", "disposition__sold"))
    df["day"] = pd.to_datetime(df["started_at"], utc=True).dt.tz_convert(settings.TIME_ZONE).dt.date
    df = df[(df["day"] >= start) & (df["day"] <= end)].copy()
    df["sold"] = df["disposition__sold"]
    df["quoted"] = df["disposition__quoted"] | df["sold"]
    df["reached"] = df["disposition__reached"] | df["quoted"]
    df["dialled"] = df["disposition__attempted"] | df["reached"]
    values = {}
    for lead in Lead.objects.all():
        values[lead.id] = (lead.source or None) if segment == "source" else (lead.attributes or {}).get("band")
    df["value"] = df["lead_id"].map(values)
    out = {}
    for value, part in df.groupby(df["value"].fillna("<none>"), dropna=False):
        sold = part[part["sold"]]
        margin = sum(((Decimal(p or 0) * Decimal(m or 0)).quantize(Decimal("0.01"), ROUND_HALF_UP)
                     for p, m in zip(sold["premium"], sold["margin_rate"], strict=True)), Decimal("0"))
        out[None if value == "<none>" else value] = (
            int(part["dialled"].sum()), int(part["reached"].sum()), int(part["sold"].sum()),
            sum((Decimal(p or 0) for p in sold["premium"]), Decimal("0.00")).quantize(Decimal("0.01")),
            margin.quantize(Decimal("0.01")), int(part["duration_seconds"].sum()),
            *(int(part.loc[part[s], "lead_id"].nunique()) for s in ("dialled", "reached", "quoted", "sold")))
    return out


calls_strategy = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 5), st.integers(0, 45), st.sampled_from(OUTCOMES),
              st.integers(100, 5000), st.integers(0, 9999), st.integers(0, 900)),
    min_size=1, max_size=30)
changes_strategy = st.lists(st.tuples(st.integers(0, 5), st.sampled_from(SOURCES), st.sampled_from(BANDS)),
                            max_size=4)


def _log(log_call, reps, leads, calls):
    for rep, lead, day, outcome, premium, rate, talk in calls:
        sold = outcome == "sold"
        log_call(reps[rep], leads[lead], outcome, local(FIRST + dt.timedelta(days=day), 8 + talk % 12),
                 duration=talk, premium=f"{premium}.{rate % 100:02d}" if sold else None,
                 margin_rate=f"0.{rate:04d}" if sold else None)


@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(before=calls_strategy, after=calls_strategy, changes=changes_strategy,
       period=st.tuples(st.integers(0, 45), st.integers(0, 45)))
def test_stored_cut_equals_pandas_and_incremental_equals_full(team, other_team, log_call, before, after, changes,
                                                               period):
    with transaction.atomic():
        AttributeDefinitionFactory(key="band", label="Band", kind="choice", choices=["young", "old"])
        reps = [UserFactory(team=team), UserFactory(team=team), UserFactory(team=other_team)]
        leads = [LeadFactory(source=SOURCES[i % 3], attributes={"band": BANDS[i % 2]}) for i in range(6)]
        _log(log_call, reps, leads, before)
        services.recompute_full()
        start, end = (FIRST + dt.timedelta(days=d) for d in sorted(period))
        for segment in ("source", "attr:band"):
            assert cut(segment, start, end) == pandas_cut(segment, start, end)
        _log(log_call, reps, leads, after)
        for lead, source, band in changes:  # edits by a bulk UPDATE: the trigger marks them all the same
            Lead.objects.filter(id=leads[lead].id).update(
                source=source, attributes={"band": band} if band else {})
        services.recompute_incremental()
        assert not SegmentLeadMark.objects.exists()
        incremental = {s: cut(s, FIRST, FIRST + dt.timedelta(days=45)) for s in ("source", "attr:band")}
        for segment in ("source", "attr:band"):
            assert cut(segment, start, end) == pandas_cut(segment, start, end)
            assert incremental[segment] == pandas_cut(segment, FIRST, FIRST + dt.timedelta(days=45))
        services.recompute_full()
        assert incremental == {s: cut(s, FIRST, FIRST + dt.timedelta(days=45)) for s in ("source", "attr:band")}
        transaction.set_rollback(True)


def test_a_changed_lead_moves_only_its_own_calls(team, log_call):
    rep = UserFactory(team=team)
    web, fair = LeadFactory(source="web"), LeadFactory(source="fair")
    for day in range(3):
        log_call(rep, web, "reached", local(FIRST + dt.timedelta(days=day)), duration=30)
        log_call(rep, fair, "sold", local(FIRST + dt.timedelta(days=day)), duration=50, premium="100.00",
                 margin_rate="0.1000")
    services.recompute_full()
    Lead.objects.filter(id=web.id).update(source="fair")
    assert SegmentLeadMark.objects.filter(lead_id=web.id).exists()
    web_combo = SegmentLead.objects.get(lead_id=web.id).combo_id
    others = set(SegmentDayKpi.objects.exclude(combo_id=web_combo).values_list("id", "calls", "talk_seconds"))
    services.recompute_incremental()
    assert cut("source", FIRST, FIRST + dt.timedelta(days=2)) == {
        "fair": (6, 6, 3, Decimal("300.00"), Decimal("30.00"), 240, 2, 2, 1, 1)}
    # web's three days moved to its new combination; nothing else was rewritten
    assert not SegmentDayKpi.objects.filter(combo_id=web_combo).exists()
    assert others <= set(SegmentDayKpi.objects.values_list("id", "calls", "talk_seconds"))


def test_the_stored_cut_is_as_of_the_last_run_and_a_team_cut_stays_live(team, log_call, api):
    rep = UserFactory(team=team)
    lead = LeadFactory(source="web")
    log_call(rep, lead, "reached", local(FIRST))
    services.recompute_full()
    log_call(rep, lead, "sold", local(FIRST), premium="10.00", margin_rate="0.5000")
    admin = AdminFactory()
    params = {"segment": "source", "from": FIRST.isoformat(), "to": FIRST.isoformat()}
    body = api.as_user(admin).get("/api/v1/kpis/", params).json()
    assert body["results"][0]["counts"]["customers_sold"] == 0  # as of the run
    assert body["as_of"] is not None
    live = api.as_user(admin).get("/api/v1/kpis/", {**params, "team": team.id}).json()
    assert live["results"][0]["counts"]["customers_sold"] == 1
    services.recompute_incremental()
    body = api.as_user(admin).get("/api/v1/kpis/", params).json()
    assert body["results"][0]["counts"]["customers_sold"] == 1
