"""Reads of the KPI facts, always aggregated in the database and scoped through accounts.access.

Roll-ups (rep / team / company × day / week / month / quarter / total, rolling 12 months) are sums
of DailyRepKpi rows, never scans of raw calls. Rates are computed from the sums afterwards
(kpis.domain / kpis.reports), never averaged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from django.db.models import F, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth, TruncQuarter, TruncWeek

from accounts.access import scope_by_user, scope_teams
from accounts.models import Role, Team, User
from kpis.domain import Counts
from kpis.models import DailyRepKpi, KpiRun
from telesales.errors import NotFound

COUNT_FIELDS = ("calls_made", "customers_dialled", "customers_reached", "customers_quoted", "customers_sold",
                "premium", "margin_amount", "talk_seconds")
GRAINS = ("day", "week", "month", "quarter", "total")
SCOPES = ("rep", "team", "company")
MAX_DAYS = 800


def rolling_12_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """The 12 months ending today: from the same day a year ago (+1 day) to today."""
    try:
        start = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28)
    return start + dt.timedelta(days=1), today


def facts_visible_to(user: User) -> QuerySet[DailyRepKpi]:
    """Facts the user may see: own (rep), own teams' reps (manager), all (admin/integration)."""
    return scope_by_user(DailyRepKpi.objects.all(), user, "rep")


def _period_expression(grain: str):
    return {
        "day": F("day"),
        "week": TruncWeek("day"),
        "month": TruncMonth("day"),
        "quarter": TruncQuarter("day"),
        "total": Value(None, output_field=DailyRepKpi._meta.get_field("day")),
    }[grain]


def aggregate_facts(
    facts: QuerySet[DailyRepKpi], *, start: dt.date, end: dt.date, grain: str = "total", by: str = "rep",
    rep_ids: Iterable[int] | None = None, team_ids: Iterable[int] | None = None,
) -> list[dict]:
    """One GROUP BY over the facts: rows of {period, key, counts…} for by in rep/team/company."""
    qs = facts.filter(day__gte=start, day__lte=end)
    if rep_ids is not None:
        qs = qs.filter(rep_id__in=list(rep_ids))
    if team_ids is not None:
        qs = qs.filter(team_id__in=list(team_ids))
    keys = {"rep": ["rep_id"], "team": ["team_id"], "company": []}[by]
    qs = qs.annotate(period=_period_expression(grain)).values("period", *keys)
    rows = list(qs.annotate(**{f: Sum(f) for f in COUNT_FIELDS}).order_by("period", *keys))
    for row in rows:
        row["key"] = row.get(keys[0]) if keys else None
        for f in COUNT_FIELDS:
            row[f] = row[f] or 0
    return rows


def kpi_frame(user: User, *, start: dt.date, end: dt.date, grain: str = "total", by: str = "rep",
              rep_ids: Iterable[int] | None = None, team_ids: Iterable[int] | None = None,
              facts: QuerySet[DailyRepKpi] | None = None) -> pd.DataFrame:
    """Scoped, aggregated facts as a DataFrame with a readable `label` for each key. `facts`
    replaces the user's scope when the caller already checked access (see team_facts)."""
    rows = aggregate_facts(facts_visible_to(user) if facts is None else facts, start=start, end=end, grain=grain,
                           by=by, rep_ids=rep_ids, team_ids=team_ids)
    return frame_with_labels(rows, by=by)


def frame_with_labels(rows: list[dict], *, by: str) -> pd.DataFrame:
    columns = ["period", "key", "label", *COUNT_FIELDS]
    df = pd.DataFrame.from_records(rows) if rows else pd.DataFrame(columns=columns)
    if by == "rep":
        names = {u.id: u.display_name for u in User.objects.filter(id__in=set(df["key"]))}
    elif by == "team":
        names = {t.id: t.name for t in Team.objects.filter(id__in={k for k in df["key"] if k is not None})}
    else:
        names = {}
    df["label"] = [names.get(k, "—" if by != "company" else "Company") for k in df["key"]]
    for f in COUNT_FIELDS:
        df[f] = df[f].astype(float if f in ("premium", "margin_amount") else "int64") if len(df) else df[f]
    return df[columns]


def counts_for(facts: QuerySet[DailyRepKpi], *, start: dt.date, end: dt.date) -> Counts:
    """Summed counts of a fact queryset over a period (one aggregate query)."""
    sums = facts.filter(day__gte=start, day__lte=end).aggregate(**{f: Sum(f) for f in COUNT_FIELDS})
    return Counts.from_mapping(sums)


def team_member_counts(team: Team, *, start: dt.date, end: dt.date) -> dict[User, Counts]:
    """Every active rep of the team (with zero counts if they logged nothing), for benchmarks."""
    reps = list(User.objects.filter(team=team, role=Role.REP, is_active=True).order_by("full_name", "username"))
    rows = aggregate_facts(DailyRepKpi.objects.all(), start=start, end=end, by="rep", rep_ids=[r.id for r in reps])
    by_rep = {row["key"]: Counts.from_mapping(row) for row in rows}
    return {rep: by_rep.get(rep.id, Counts()) for rep in reps}


def team_for(user: User, team_id: int) -> Team:
    """A team the user may see (their own for a rep), else not found."""
    team = scope_teams(Team.objects.all(), user).filter(id=team_id).first()
    if team is None:
        raise NotFound("No such team, or it is not one of yours.")
    return team


def team_facts(user: User, team_id: int) -> QuerySet[DailyRepKpi]:
    """Facts recorded for a team the user may see (checked here; not found otherwise). A plain
    team filter uses the (team, day) index instead of the per-user scope joins."""
    team = team_for(user, team_id)
    return DailyRepKpi.objects.filter(team=team)


def rep_ranking(team_ids: Iterable[int], start: dt.date, end: dt.date) -> list[dict]:
    """Reps of the given teams ranked by margin result over [start, end] (for other apps, e.g.
    coaching picks top performers). Unscoped: callers decide who may see it. Rows: rep_id,
    team_id, margin_amount, premium, customers_sold, customers_dialled, rank (1 = best)."""
    team_ids = list(team_ids)
    rows = list(
        DailyRepKpi.objects.filter(day__gte=start, day__lte=end, rep__team_id__in=team_ids)
        .values("rep_id", team_id_=F("rep__team_id"))
        .annotate(margin_amount=Sum("margin_amount"), premium=Sum("premium"), customers_sold=Sum("customers_sold"),
                  customers_dialled=Sum("customers_dialled"))
        .order_by("-margin_amount", "-premium", "rep_id")
    )
    for i, row in enumerate(rows, start=1):
        row["team_id"] = row.pop("team_id_")
        row["rank"] = i
    return rows


def latest_fact_day(facts: QuerySet[DailyRepKpi], *, on_or_before: dt.date) -> dt.date | None:
    return facts.filter(day__lte=on_or_before).order_by("-day").values_list("day", flat=True).first()


def recent_runs(limit: int = 50) -> QuerySet[KpiRun]:
    return KpiRun.objects.all()[:limit]


def scope_teams_for(user: User) -> QuerySet[Team]:
    """Teams whose dashboards the user may open."""
    return scope_teams(Team.objects.all(), user).order_by("name")
