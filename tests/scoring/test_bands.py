"""Conversion by score band: the KPI and funnel segment cuts offer `score_band` (the top 10 %, 10–30 %
and the rest of the leads by their latest nightly p(sale)), with the cuts' own access rules."""

import re

from leads.models import Lead, LeadStatus
from scoring.bands import BAND_SQL, write_bands
from scoring.models import LeadScore, ScoreBand

PERIOD = {"from": "2025-10-01", "to": "2026-06-30"}


def kpi_rows(page: str) -> dict[str, list[str]]:
    """{band label: the row's cells} of the KPI segments table."""
    body = page.split('id="segments"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def test_every_scored_lead_is_in_the_band_of_its_p_sale_rank(trained):
    scored = LeadScore.objects.count()
    assert ScoreBand.objects.count() == scored
    top = ScoreBand.objects.filter(decile=1)
    assert abs(top.count() - scored / 10) <= 1
    worst_in_top = min(top.values_list("p_sale", flat=True))
    assert not LeadScore.objects.exclude(lead__score_band__decile=1).filter(p_sale__gt=worst_in_top).exists()
    assert "ON CONFLICT" in BAND_SQL


def test_a_lead_that_closes_keeps_its_band(trained):
    band = ScoreBand.objects.filter(decile=1).select_related("lead").first()
    LeadScore.objects.filter(lead=band.lead).delete()  # the next night: the lead was won, it has no score
    write_bands()
    assert ScoreBand.objects.get(lead=band.lead).decile == 1


def test_kpis_by_score_band_show_the_top_band_converting_best(trained, client, admin_user):
    client.force_login(admin_user)
    response = client.get("/kpis/segments/", {"segment": "score_band", **PERIOD})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<option value="score_band" selected>Score band</option>' in page
    rows = kpi_rows(page)
    assert list(rows) == ["1 · top 10 %", "2 · 10–30 %", "3 · the rest"]
    dialled = {label: int(cells[1].replace(",", "")) for label, cells in rows.items()}
    sold = {label: int(cells[4].replace(",", "")) for label, cells in rows.items()}
    assert 0.07 < dialled["1 · top 10 %"] / sum(dialled.values()) < 0.13
    top, rest = (sold[k] / dialled[k] for k in ("1 · top 10 %", "3 · the rest"))
    assert top > 1.5 * rest, (top, rest)


def test_an_unknown_segment_is_a_400_naming_it_and_the_bands(trained, client, admin_user, api):
    client.force_login(admin_user)
    response = client.get("/kpis/segments/", {"segment": "score_bands", **PERIOD})
    assert response.status_code == 400
    assert "score_bands" in response.content.decode() and ", score_band" in response.content.decode()
    answer = api.as_user(admin_user).get("/api/v1/funnel/", {"segment": "score_bnd"})
    assert answer.status_code == 400 and "score_bnd" in str(answer.json())


def test_the_kpi_api_cuts_by_score_band_and_rows_add_up(trained, api, admin_user):
    body = api.as_user(admin_user).get("/api/v1/kpis/", {"segment": "score_band", **PERIOD}).json()
    assert [row["value"] for row in body["results"]] == ["top_10", "10_30", "rest"]
    dialled = [row["counts"]["customers_dialled"] for row in body["results"]]
    assert sum(dialled) == body["totals"]["counts"]["customers_dialled"] > 0


def test_the_funnel_by_score_band_counts_only_leads_the_viewer_may_see(trained, api, manager, rep, other_manager):
    top = list(ScoreBand.objects.filter(decile=1).values_list("lead_id", flat=True)[:30])
    rest = list(ScoreBand.objects.filter(decile__gte=4).values_list("lead_id", flat=True)[:60])
    Lead.objects.filter(pk__in=top + rest).update(owner=rep, status=LeadStatus.ACTIVE, grade="E")
    unscored = Lead.objects.create(name="新客户", phone="+8613912345678", owner=rep)
    body = api.as_user(manager).get("/api/v1/funnel/", {"segment": "score_band"}).json()
    counts = {row["value"]: row["counts"]["E"] for row in body["by_segment"]}
    assert counts == {"top_10": 30, "rest": 60, None: 1}
    assert {row["label"] for row in body["by_segment"]} == {"1 · top 10 %", "3 · the rest", "Not scored"}
    theirs = api.as_user(other_manager).get("/api/v1/funnel/", {"segment": "score_band"}).json()
    assert theirs["by_segment"] == []  # another team's manager sees none of these leads
    assert unscored.pk
