"""KPI API: scoped roll-ups with drivers, diagnosis, what-if with validated input."""

import datetime as dt

import pytest

from accounts.models import Team
from kpis import services
from kpis.models import DailyRepKpi
from tests.factories import LeadFactory, lead_sets_for, local

D = dt.date(2025, 3, 3)


@pytest.fixture
def team_with_facts(rep, teammate, other_team_rep, log_call):
    leads = LeadFactory.create_batch(6)
    # 王芳: 4 dialled, 2 reached, 2 quoted, 1 sold (premium 1000, margin 200)
    log_call(rep, leads[0], "no_answer", local(D))
    log_call(rep, leads[1], "no_answer", local(D))
    log_call(rep, leads[2], "quoted", local(D))
    log_call(rep, leads[3], "sold", local(D + dt.timedelta(days=8)), premium="1000.00", margin_rate="0.2000")
    # 李娜: 2 dialled, 2 reached, 2 quoted (one never reached separately), 2 sold
    log_call(teammate, leads[4], "sold", local(D), premium="3000.00", margin_rate="0.1000")
    log_call(teammate, leads[5], "sold", local(D), premium="1000.00", margin_rate="0.1000")
    log_call(other_team_rep, leads[0], "sold", local(D), premium="9000.00", margin_rate="0.5000")
    services.recompute_full()


def test_rep_sees_own_counts_drivers_and_exact_decomposition(api, rep, team_with_facts):
    res = api.as_user(rep).get("/api/v1/kpis/", {"scope": "rep", "from": D.isoformat(), "to": "2025-03-31"})
    assert res.status_code == 200
    (row,) = res.json()["results"]
    assert row["name"] == "王芳"
    assert row["counts"]["customers_dialled"] == 4 and row["counts"]["customers_sold"] == 1
    assert row["drivers"] == {"outbound_customers": 4, "effective_connect_rate": "0.5000", "quote_success_rate": "1.0000",
                              "sales_success_rate": "0.5000", "avg_premium": "1000.00", "avg_margin_rate": "0.2000"}
    assert row["decomposition"] == {"product_of_drivers": "200.00", "measured_margin": "200.00", "identity_holds": True}


def test_manager_gets_team_rollup_by_week_and_never_other_teams(api, manager, team_with_facts):
    res = api.as_user(manager).get("/api/v1/kpis/", {"scope": "team", "grain": "week", "from": "2025-03-01",
                                                      "to": "2025-03-31"})
    rows = res.json()["results"]
    assert [(r["period"], r["name"], r["counts"]["customers_sold"]) for r in rows] == [
        ("2025-03-03", "一组 Team One", 2), ("2025-03-10", "一组 Team One", 1)]
    assert sum(float(r["counts"]["premium"]) for r in rows) == 5000.0  # other team's 9000 not visible


def test_company_scope_for_admin_sums_all_teams(api, admin_user, team_with_facts):
    res = api.as_user(admin_user).get("/api/v1/kpis/", {"scope": "company", "from": "2025-03-01", "to": "2025-03-31"})
    (row,) = res.json()["results"]
    assert row["counts"]["premium"] == "14000.00"
    assert row["decomposition"]["identity_holds"] is True


@pytest.mark.parametrize("params", [{"grain": "year"}, {"from": "2025-03-10", "to": "2025-03-01"},
                                    {"from": "1999-12-31", "to": "2025-01-01"}, {"rep": "abc"},
                                    {"to": "0001-01-01"}, {"from": "2025-01-01", "to": "2101-01-01"},
                                    {"segment": "no-such-cut"}])
def test_bad_query_answers_400_with_a_message(api, manager, params):
    res = api.as_user(manager).get("/api/v1/kpis/", params)
    assert res.status_code == 400
    assert res.json()["error"]["message"]


def test_diagnosis_names_weakest_driver_against_team_benchmark(api, manager, rep, team_with_facts):
    res = api.as_user(manager).get("/api/v1/kpis/diagnosis/", {"from": "2025-03-01", "to": "2025-03-31"})
    assert res.status_code == 200
    by_name = {r["name"]: r for r in res.json()["reps"]}
    wang = by_name["王芳"]
    assert wang["weakest"] == "effective_connect_rate"
    assert wang["problem"] == "Poor lead data"
    in_chinese = api.get("/api/v1/kpis/diagnosis/", {"from": "2025-03-01", "to": "2025-03-31"},
                         HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert "资料" in {r["name"]: r for r in in_chinese["reps"]}["王芳"]["problem"]
    assert {c["driver"]: c["status"] for c in wang["checks"]}["effective_connect_rate"] == "red"


def test_rep_diagnosis_shows_only_themself(api, rep, team_with_facts):
    res = api.as_user(rep).get("/api/v1/kpis/diagnosis/", {"from": "2025-03-01", "to": "2025-03-31"})
    assert [r["name"] for r in res.json()["reps"]] == ["王芳"]


def test_manager_cannot_diagnose_another_team(api, manager, other_team, team_with_facts):
    res = api.as_user(manager).get("/api/v1/kpis/diagnosis/", {"team": other_team.id})
    assert res.status_code == 404


def test_what_if_raises_result_and_ranks_drivers(api, manager, rep, team_with_facts):
    res = api.as_user(manager).post("/api/v1/kpis/what-if/", {
        "rep": rep.id, "from": "2025-03-01", "to": "2025-03-31", "uplifts": {"avg_premium": 10, "quote_success_rate": 50}})
    assert res.status_code == 200, res.json()
    body = res.json()
    assert body["base_result"] == "200.00"
    assert body["new_result"] == "220.00"  # quote rate already 100%: capped
    assert body["new_drivers"]["quote_success_rate"] == "1.0000"
    assert body["ranking"][0]["driver"] in {"effective_connect_rate", "sales_success_rate", "avg_premium"}
    assert len(body["ranking"]) == 6


@pytest.mark.parametrize("payload", [{"uplifts": {"charm": 10}}, {"uplifts": {"avg_premium": -500}},
                                     {"uplifts": {"avg_premium": "lots"}}, {"rep": 1, "team": 1}])
def test_what_if_rejects_bad_input_with_400(api, manager, payload):
    res = api.as_user(manager).post("/api/v1/kpis/what-if/", payload)
    assert res.status_code == 400
    assert res.json()["error"]["message"]


def test_what_if_for_an_invisible_rep_is_not_found(api, manager, other_team_rep):
    res = api.as_user(manager).post("/api/v1/kpis/what-if/", {"rep": other_team_rep.id})
    assert res.status_code == 404


def test_team_what_if_benchmarks_against_every_team_in_a_constant_number_of_queries(
        api, admin_user, rep, django_assert_max_num_queries):
    # 300 teams, one day of facts each: the first 200 by name average 100 a sale, the last 100 1000.
    teams = Team.objects.bulk_create(Team(name=f"peer {i:03}") for i in range(300))
    lead_sets_for(DailyRepKpi.objects.bulk_create(
        DailyRepKpi(rep=rep, team=t, day=D + dt.timedelta(days=i), customers_dialled=1, customers_reached=1,
                    customers_quoted=1, customers_sold=1, calls_made=1, premium=100 if i < 200 else 1000,
                    margin_amount=10 if i < 200 else 100)
        for i, t in enumerate(teams)))
    body = {"team": teams[0].id, "from": D.isoformat(), "to": (D + dt.timedelta(days=299)).isoformat()}
    with django_assert_max_num_queries(12):
        res = api.as_user(admin_user).post("/api/v1/kpis/what-if/", body, format="json")
    assert res.status_code == 200, res.json()
    ranking = {r["driver"]: r for r in res.json()["ranking"]}
    assert ranking["avg_premium"]["top_quartile"] == "1000.0000"  # the 75th percentile of all 300 teams
    assert ranking["avg_premium"]["gain_at_top_quartile"] == "90.00"  # 10 → 100 margin
