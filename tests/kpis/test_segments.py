"""KPI cuts by lead segment (issue 14): conversion and every driver per source, region, pool,
import batch or lead attribute; customers distinct per segment value over the whole period."""

import datetime as dt
import random
from decimal import Decimal

import pandas as pd
import pytest
from django.conf import settings

from calls.models import Call
from kpis import segments
from tests.factories import (
    AdminFactory,
    AttributeDefinitionFactory,
    LeadFactory,
    PoolFactory,
    UserFactory,
    local,
)

D = dt.date(2025, 4, 7)


@pytest.fixture
def segmented(team, other_team, log_call):
    age = AttributeDefinitionFactory(key="age_band", label="Age band", kind="choice", choices=["20-29", "30-39"])
    a, b, c = UserFactory(team=team), UserFactory(team=team), UserFactory(team=other_team)
    pool = PoolFactory(name="Spring fair")
    web1 = LeadFactory(source="web", attributes={"age_band": "20-29"}, pool=pool)
    web2 = LeadFactory(source="web", attributes={"age_band": "30-39"})
    fair = LeadFactory(source="fair", attributes={"age_band": "20-29"}, pool=pool)
    none = LeadFactory(source="")
    # web1: dialled on three days by two reps of the team, reached, then sold by b.
    log_call(a, web1, "no_answer", local(D))
    log_call(a, web1, "reached", local(D + dt.timedelta(days=1)))
    log_call(b, web1, "sold", local(D + dt.timedelta(days=2)), premium="1200.00", margin_rate="0.2500")
    log_call(a, web2, "no_answer", local(D))
    log_call(b, fair, "quoted", local(D + dt.timedelta(days=3)))
    log_call(c, fair, "reached", local(D + dt.timedelta(days=3)))
    log_call(c, none, "no_answer", local(D + dt.timedelta(days=4)))
    return {"age": age, "team": team, "pool": pool, "reps": (a, b, c)}


def _by_value(body):
    return {r["value"]: r for r in body["results"]}


def test_the_api_cuts_by_source_with_customers_counted_once_per_value(segmented, api):
    res = api.as_user(AdminFactory()).get("/api/v1/kpis/", {"segment": "source", "from": "2025-04-01",
                                                           "to": "2025-04-30"})
    assert res.status_code == 200, res.json()
    rows = _by_value(res.json())
    assert set(rows) == {"web", "fair", None}
    web = rows["web"]["counts"]
    assert (web["calls_made"], web["customers_dialled"], web["customers_reached"], web["customers_sold"]) == (4, 2, 1, 1)
    assert web["premium"] == "1200.00" and web["margin_amount"] == "300.00"
    assert rows["fair"]["counts"]["customers_dialled"] == 1  # two reps of two teams called it: one customer
    assert rows["web"]["decomposition"]["identity_holds"] is True
    totals = res.json()["totals"]["counts"]
    assert (totals["customers_dialled"], totals["calls_made"]) == (4, 7)


def test_a_team_cut_by_attribute_and_by_pool(segmented, api):
    manager = UserFactory(role="manager")
    segmented["team"].managers.add(manager)
    params = {"from": "2025-04-01", "to": "2025-04-30", "team": segmented["team"].id}
    ages = _by_value(api.as_user(manager).get("/api/v1/kpis/", {**params, "segment": "attr:age_band"}).json())
    assert {k: v["counts"]["customers_dialled"] for k, v in ages.items()} == {"20-29": 2, "30-39": 1}
    pools = api.as_user(manager).get("/api/v1/kpis/", {**params, "segment": "pool"}).json()["results"]
    reached = {r["name"]: r["counts"]["customers_reached"] for r in pools}
    assert reached.pop("Spring fair") == 2 and list(reached.values()) == [0]  # web2's pool: dialled, never reached


@pytest.mark.parametrize(("params", "named"), [
    ({"segment": "colour"}, "segment"),
    ({"segment": "attr:nope"}, "segment"),
    ({"segment": "source", "scope": "team"}, "scope"),
    ({"segment": "source", "grain": "month"}, "grain"),
])
def test_a_bad_segment_query_is_a_400_naming_the_parameter(segmented, api, params, named):
    res = api.as_user(AdminFactory()).get("/api/v1/kpis/", params)
    assert res.status_code == 400
    assert named in str(res.json()["error"])


def test_segment_cut_equals_pandas_from_raw_calls(team, other_team, log_call):
    rng = random.Random(3)
    reps = [*UserFactory.create_batch(2, team=team), UserFactory(team=other_team)]
    leads = [LeadFactory(region=rng.choice(["north", "south", ""])) for _ in range(15)]
    outcomes = ["no_answer", "reached", "quoted", "sold", "note"]
    for _ in range(120):
        outcome = rng.choice(outcomes)
        log_call(rng.choice(reps), rng.choice(leads), outcome, local(D + dt.timedelta(days=rng.randrange(40)),
                                                                       rng.randrange(8, 20)),
                 premium="100.00" if outcome == "sold" else None, margin_rate="0.1000" if outcome == "sold" else None)
    rows, total, _ = segments.segment_cut(AdminFactory(), segment="region", start=D + dt.timedelta(days=5),
                                        end=D + dt.timedelta(days=30))
    engine = {r["key"]: (r["customers_dialled"], r["customers_reached"], r["customers_quoted"], r["customers_sold"])
              for r in rows}

    df = pd.DataFrame.from_records(Call.objects.values("lead_id", "lead__region", "started_at", "disposition__attempted",
                                                       "disposition__reached", "disposition__quoted",
                                                       "disposition__sold"))
    df["day"] = pd.to_datetime(df["started_at"], utc=True).dt.tz_convert(settings.TIME_ZONE).dt.date
    df = df[(df["day"] >= D + dt.timedelta(days=5)) & (df["day"] <= D + dt.timedelta(days=30))]
    df["sold"] = df["disposition__sold"]
    df["quoted"] = df["disposition__quoted"] | df["sold"]
    df["reached"] = df["disposition__reached"] | df["quoted"]
    df["dialled"] = df["disposition__attempted"] | df["reached"]
    df["region"] = df["lead__region"].replace("", None)
    expected = {}
    for region, part in df.groupby("region", dropna=False):
        key = None if pd.isna(region) else region
        expected[key] = tuple(int(part.loc[part[s], "lead_id"].nunique()) for s in ("dialled", "reached", "quoted", "sold"))
    assert engine == expected
    # The total counts each customer once over all values (a lead has one value).
    assert tuple(total[f"customers_{s}"] for s in ("dialled", "reached", "quoted", "sold")) == tuple(
        int(df.loc[df[s], "lead_id"].nunique()) for s in ("dialled", "reached", "quoted", "sold"))
    assert total["calls_made"] == int(df["dialled"].sum())


def test_the_segment_page_shows_a_row_per_value_and_a_rep_only_their_calls(segmented, client):
    a = segmented["reps"][0]
    client.force_login(AdminFactory())
    page = client.get("/kpis/segments/", {"segment": "source", "from": "2025-04-01", "to": "2025-04-30"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "web" in html and "fair" in html and "1,200.00" in html
    client.force_login(a)
    mine = client.get("/kpis/segments/", {"segment": "source", "from": "2025-04-01", "to": "2025-04-30"})
    assert "fair" not in mine.content.decode()  # a never called the fair lead
    assert client.get("/kpis/segments/", {"segment": "shoe size"}).status_code == 400


def test_money_in_a_segment_cut_is_exact(segmented):
    rows, total, _ = segments.segment_cut(AdminFactory(), segment="source", start=D, end=D + dt.timedelta(days=10))
    assert Decimal(total["margin_amount"]) == Decimal("300.00")
