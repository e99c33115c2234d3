"""Reads of the KPI facts, always aggregated in the database and scoped through accounts.access.

Roll-ups (rep / team / company × day / week / month / quarter / total, rolling 12 months) are sums
of DailyRepKpi rows for calls, money and talk time, and unions of lead sets (kpis/leadsets.py) for
distinct customers, never scans of raw calls. Rates are computed from these afterwards
(kpis.domain / kpis.reports), never averaged.

Today's live numbers (live_today) are the one exception: they are computed on the fly from the
calls of the current local day with the KPI job's own SQL (kpis/sql.py), so a wallboard shows
exactly what the job will write for that day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth, TruncQuarter, TruncWeek
from django.utils.translation import gettext

from accounts.access import (
    is_rep,
    managed_team_ids,
    scope_by_user,
    scope_teams,
    sees_everything,
    visible_users,
)
from accounts.models import Role, Team, User
from kpis.domain import Counts, Diagnosis, diagnose, team_benchmarks
from kpis.leadsets import COUNT_OF, Stages, next_month, span_owners, stages_from_items
from kpis.models import DailyRepKpi, KpiRun, KpiRunKind, LeadSet, TeamDayKpi
from telesales.errors import DomainError, NotFound

COUNT_FIELDS = ("calls_made", "calls_reached", "policies_sold", "customers_dialled", "customers_reached", "customers_quoted", "customers_sold",
                "premium", "margin_amount", "talk_seconds")
DISTINCT_FIELDS = tuple(COUNT_OF.values())  # distinct over the whole period: from lead sets
SUM_FIELDS = tuple(f for f in COUNT_FIELDS if f not in DISTINCT_FIELDS)  # add up over days
GRAINS = ("day", "week", "month", "quarter", "total")
SCOPES = ("rep", "team", "company")
MAX_DAYS = 800  # a page's period (its charts draw every day); the API pages by grain instead
MAX_PERIODS = 366  # periods of the grain in one API answer


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
    rep_ids: Iterable[int] | None = None, team_ids: Iterable[int] | None = None, complete: bool = False,
) -> list[dict]:
    """Rows of {period, key, counts…} for by in rep/team/company: one GROUP BY over the facts for
    the sums, and the exact distinct customers of each row's period (distinct_customers).
    `complete` says `facts` holds every fact of each team (by=team) or of the company. Sums of
    every fact per team or for the company come from the job's team-day sums (TeamDayKpi): the
    same numbers from teams × days rows instead of reps × days."""
    qs = facts.filter(day__gte=start, day__lte=end)
    if rep_ids is not None:
        qs = qs.filter(rep_id__in=list(rep_ids))
    if team_ids is not None:
        qs = qs.filter(team_id__in=list(team_ids))
    if by != "rep" and rep_ids is None and not facts.query.has_filters():  # every fact
        sums = TeamDayKpi.objects.filter(day__gte=start, day__lte=end)
        if team_ids is not None:
            sums = sums.filter(team_key__in=list(team_ids))
        rows = _summed(sums, grain, ["team_key"] if by == "team" else [])
        if by == "team":  # no team is 0 there, NULL in the facts
            for row in rows:
                row["team_id"] = row["key"] = row.pop("team_key") or None
            rows.sort(key=lambda r: (r["period"] is None, r["period"] or 0, r["key"] is None, r["key"] or 0))
    else:
        rows = _summed(qs, grain, {"rep": ["rep_id"], "team": ["team_id"], "company": []}[by])
    whole = complete and rep_ids is None and (by == "team" or (by == "company" and team_ids is None))
    counts = distinct_customers(qs, rows, start=start, end=end, grain=grain, by=by, whole=whole)
    for row in rows:
        row.update(counts.get((row["period"], row["key"])) or dict.fromkeys(DISTINCT_FIELDS, 0))
    return rows


def _summed(qs: QuerySet, grain: str, keys: list[str]) -> list[dict]:
    """Rows {period, *keys, key, SUM_FIELDS} of one GROUP BY over fact rows."""
    grouped = qs.annotate(period=_period_expression(grain)).values("period", *keys)
    rows = list(grouped.annotate(**{f: Sum(f) for f in SUM_FIELDS}).order_by("period", *keys))
    for row in rows:
        row["key"] = row.get(keys[0]) if keys else None
        for f in SUM_FIELDS:
            row[f] = row[f] or 0
    return rows


def period_span(period: dt.date | None, grain: str, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The days of a row's period (its first day at `grain`; None for the total) inside [start, end]."""
    if period is None:
        return start, end
    last = {
        "day": lambda p: p,
        "week": lambda p: p + dt.timedelta(days=6),
        "month": lambda p: next_month(p) - dt.timedelta(days=1),
        "quarter": lambda p: next_month(next_month(next_month(p))) - dt.timedelta(days=1),
    }[grain](period)
    return max(period, start), min(last, end)


def period_page(start: dt.date, end: dt.date, grain: str) -> tuple[dt.date, dt.date | None]:
    """The last day of an answer that starts at `start` and holds at most MAX_PERIODS periods of
    the grain, and the first day of the rest (None when the answer reaches `end`)."""
    if grain == "total":
        return end, None
    period, count = start, 0
    while period <= end:
        count += 1
        last = period_span(_period_start(period, grain), grain, start, end)[1]
        if count == MAX_PERIODS and last < end:
            return last, last + dt.timedelta(days=1)
        period = last + dt.timedelta(days=1)
    return end, None


def _period_start(day: dt.date, grain: str) -> dt.date:
    return {
        "day": day,
        "week": day - dt.timedelta(days=day.weekday()),
        "month": day.replace(day=1),
        "quarter": day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1),
    }[grain]


def distinct_customers(facts: QuerySet[DailyRepKpi], rows: list[dict], *, start: dt.date, end: dt.date,
                       grain: str, by: str, whole: bool) -> dict[tuple, dict[str, int]]:
    """{(period, key): distinct customers dialled / reached / quoted / sold} for the rows of
    aggregate_facts: the sizes of stage_sets."""
    sets = stage_sets(facts, rows, start=start, end=end, grain=grain, by=by, whole=whole)
    return {subject: stages.counts() for subject, stages in sets.items()}


def stage_sets(facts: QuerySet[DailyRepKpi], rows: list[dict], *, start: dt.date, end: dt.date,
               grain: str, by: str, whole: bool) -> dict[tuple, Stages]:
    """{(period, key): the leads dialled / reached / quoted / sold} for the rows of
    aggregate_facts: unions of the stored lead sets (kpis/leadsets.py) of each row's period.
    With `whole`, a team's or the company's own sets; otherwise the sets of the (rep, team)
    pairs present in `facts` (already filtered to the period and the caller's scope: their day
    sets are on those fact rows), so a manager's or a rep's view counts exactly their reps'
    customers. The drill-down (kpis/drill.py) lists these very sets, so a list is as long as the
    number it opens."""
    if not rows:
        return {}
    owners = span_owners({(r["period"], *period_span(r["period"], grain, start, end)) for r in rows})
    months = [s for g, s in owners if g == "month"]
    days = [s for g, s in owners if g == "day"]
    spans = Q(grain=LeadSet.Grain.MONTH, start__in=months) | Q(grain=LeadSet.Grain.DAY, start__in=days)
    if whole:
        level = LeadSet.Level.TEAM if by == "team" else LeadSet.Level.COMPANY
        keys = {r["key"] or 0 for r in rows}
        group_of = {(k, 0): (None if k == 0 else k) for k in keys}
    else:
        level = LeadSet.Level.REP
        pairs = set(facts.order_by().values_list("rep_id", "team_id").distinct())
        group_of = {(rep, team or 0): {"rep": rep, "team": team, "company": None}[by] for rep, team in pairs}
        keys = {rep for rep, _ in pairs}
    sets: dict[tuple, list[Stages]] = {}
    if not whole:  # a rep's day sets are on its fact rows, already scoped
        spans = Q(grain=LeadSet.Grain.MONTH, start__in=months)
        for rep, team, day, items in facts.filter(day__in=days).values_list("rep_id", "team_id", "day", "lead_stages"):
            sets.setdefault((owners[("day", day)], group_of[(rep, team or 0)]), []).append(stages_from_items(items))
    stored = LeadSet.objects.filter(spans, level=level, key__in=sorted(keys))
    for key, team_key, grain_, span, *blobs in stored.values_list(
            "key", "team_key", "grain", "start", "dialled", "reached", "quoted", "sold").iterator():
        group = group_of.get((key, team_key), ...)
        if group is ...:
            continue
        sets.setdefault((owners[(grain_, span)], group), []).append(Stages.deserialize(blobs))
    return {subject: Stages.union(items) for subject, items in sets.items()}


def kpi_frame(user: User, *, start: dt.date, end: dt.date, grain: str = "total", by: str = "rep",
              rep_ids: Iterable[int] | None = None, team_ids: Iterable[int] | None = None,
              facts: QuerySet[DailyRepKpi] | None = None, ranked: bool = False,
              complete: bool | None = None) -> pd.DataFrame:
    """Scoped, aggregated facts as a DataFrame with a readable `label` for each key. `facts`
    replaces the user's scope when the caller already checked access (see team_facts; say
    `complete` if they are all of each team's facts); `ranked` orders the rows by the one
    ranking (rank_rows) and adds their `rank`."""
    if complete is None:
        complete = facts is None and sees_everything(user)
    rows = aggregate_facts(facts_visible_to(user) if facts is None else facts, start=start, end=end, grain=grain,
                           by=by, rep_ids=rep_ids, team_ids=team_ids, complete=complete)
    return frame_with_labels(rank_rows(rows) if ranked else rows, by=by, ranked=ranked)


def frame_with_labels(rows: list[dict], *, by: str, ranked: bool = False) -> pd.DataFrame:
    columns = ["period", "key", "label", *(["rank"] if ranked else []), *COUNT_FIELDS]
    df = pd.DataFrame.from_records(rows) if rows else pd.DataFrame(columns=columns)
    if by in ("rep", "team") and len(df) and df["key"].isna().any():
        # Facts recorded under no team: pandas would turn the ids into floats and None into NaN.
        df["key"] = pd.Series([None if pd.isna(k) else int(k) for k in df["key"]], dtype=object, index=df.index)
    if by == "rep":
        names = {u.id: u.display_name for u in User.objects.filter(id__in=set(df["key"]))}
    elif by == "team":
        names = {t.id: t.name for t in Team.objects.filter(id__in={k for k in df["key"] if k is not None})}
    else:
        names = {}
    if by != "segment":  # segment rows come labelled
        df["label"] = [names.get(k, "—" if by != "company" else "Company") for k in df["key"]]
    for f in COUNT_FIELDS:
        df[f] = df[f].astype(float if f in ("premium", "margin_amount") else "int64") if len(df) else df[f]
    return df[columns]


def counts_for(facts: QuerySet[DailyRepKpi], *, start: dt.date, end: dt.date, complete: bool = False) -> Counts:
    """The counts of a fact queryset over a period as one total (distinct customers exact;
    `complete` if `facts` are all the company's facts)."""
    rows = aggregate_facts(facts, start=start, end=end, by="company", complete=complete)
    return Counts.from_mapping(rows[0]) if rows else Counts()


def team_counts(team: Team, *, start: dt.date, end: dt.date) -> Counts:
    """A team's total over a period: its own lead sets, so a customer two members called is one."""
    rows = aggregate_facts(DailyRepKpi.objects.filter(team=team), start=start, end=end, by="team", complete=True)
    return Counts.from_mapping(rows[0]) if rows else Counts()


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
        raise NotFound(gettext("No such team, or it is not one of yours."))
    return team


def team_facts(user: User, team_id: int) -> QuerySet[DailyRepKpi]:
    """Facts recorded for a team the user may see (checked here; not found otherwise). A plain
    team filter uses the (team, day) index instead of the per-user scope joins."""
    team = team_for(user, team_id)
    return DailyRepKpi.objects.filter(team=team)


# ---- the one ranking ---------------------------------------------------------------------------
RANK_BY = ("margin_amount", "premium", "customers_sold")


def rank_rows(rows: list[dict]) -> list[dict]:
    """The one ranking, for the team leaderboards, a rep's rank, coaching's top performers and the
    company's teams: best margin first, then premium, then customers sold; an exact tie goes to the
    lower id (`key`), so every page and app shows the same order. Adds `rank` (1 = best)."""
    ranked = sorted(rows, key=lambda r: (*(-r[f] for f in RANK_BY), r["key"] is None, r["key"] or 0))
    for i, row in enumerate(ranked, start=1):
        row["rank"] = i
    return ranked


def rep_ranking(team_ids: Iterable[int], start: dt.date, end: dt.date) -> list[dict]:
    """Reps ranked (rank_rows) on the facts recorded for the given teams over [start, end]; every
    active rep on those teams is in it, with zeros if they logged nothing. Unscoped: callers decide
    who may see it. Rows: key and rep_id (the rep), the COUNT_FIELDS, rank."""
    team_ids = list(team_ids)
    rows = {r["key"]: r for r in aggregate_facts(DailyRepKpi.objects.filter(team_id__in=team_ids), start=start,
                                                 end=end, by="rep")}
    for rep_id in User.objects.filter(team_id__in=team_ids, role=Role.REP, is_active=True).values_list("id", flat=True):
        rows.setdefault(rep_id, {"period": None, "rep_id": rep_id, "key": rep_id, **dict.fromkeys(COUNT_FIELDS, 0)})
    return rank_rows(list(rows.values()))


def team_ranking_frame(team: Team, *, start: dt.date, end: dt.date) -> pd.DataFrame:
    """rep_ranking of one team as a labelled DataFrame (for a team the caller got from team_for)."""
    return frame_with_labels(rep_ranking([team.id], start, end), by="rep", ranked=True)


# ---- diagnosis and what-if --------------------------------------------------------------------
def diagnosis_team(user: User, team_id: int | None) -> Team:
    """The team to diagnose: the one asked for (if the user may see it), else the user's own team
    (a rep, or a manager of no team) or the first team they manage."""
    if team_id:
        return team_for(user, team_id)
    if is_rep(user) or not managed_team_ids(user):
        if user.team_id:
            return team_for(user, user.team_id)
        raise DomainError(gettext("Give team=<id>: you are not on a team."))
    return Team.objects.get(id=sorted(managed_team_ids(user))[0])


def team_diagnosis(user: User, *, team: Team, start: dt.date, end: dt.date,
                   rep_id: int | None = None) -> list[tuple[User, Diagnosis]]:
    """Every rep of the team the user may see (only `rep_id` if given) against the whole team's
    median and top quartile; not found if `rep_id` is not one of them."""
    members = team_member_counts(team, start=start, end=end)
    bench = team_benchmarks(members.values())
    visible = set(visible_users(user).filter(id__in=[r.id for r in members]).values_list("id", flat=True))
    reps = [(rep, diagnose(counts, bench)) for rep, counts in members.items()
            if rep.id in visible and rep_id in (None, rep.id)]
    if rep_id and not reps:
        raise NotFound(gettext("No such rep in this team, or not one you may see."))
    return reps


def what_if_counts(user: User, *, start: dt.date, end: dt.date, rep_id: int | None = None,
                   team_id: int | None = None) -> tuple[str, Counts, list[Counts]]:
    """The subject of a what-if (a rep the user may see, by default the user if a rep; or a team),
    its counts and its peers' counts: the rep's teammates, or every team's total (one query for
    all teams: a team with no facts in the period is no peer)."""
    if rep_id is None and team_id is None:
        if not is_rep(user):
            raise DomainError(gettext("Give rep=<id> or team=<id> to simulate."))
        rep_id = user.id
    if rep_id is not None:
        rep = visible_users(user).filter(id=rep_id).select_related("team").first()
        if rep is None:
            raise NotFound(gettext("No such rep, or not one you may see."))
        peers = team_member_counts(rep.team, start=start, end=end) if rep.team else {}
        return rep.display_name, counts_for(DailyRepKpi.objects.filter(rep=rep), start=start, end=end), [*peers.values()]
    team = team_for(user, team_id)
    rows = aggregate_facts(DailyRepKpi.objects.filter(team__isnull=False), start=start, end=end, by="team",
                           complete=True)
    teams = {row["key"]: Counts.from_mapping(row) for row in rows}
    return team.name, teams.get(team.id, Counts()), [*teams.values()]


def latest_fact_day(facts: QuerySet[DailyRepKpi], *, on_or_before: dt.date) -> dt.date | None:
    return facts.filter(day__lte=on_or_before).order_by("-day").values_list("day", flat=True).first()


def recent_runs(limit: int = 50) -> QuerySet[KpiRun]:
    return KpiRun.objects.all()[:limit]


def scope_teams_for(user: User) -> QuerySet[Team]:
    """Teams whose dashboards the user may open."""
    return scope_teams(Team.objects.all(), user).order_by("name")


def figures_as_of() -> dt.datetime | None:
    """How fresh the KPI figures are: the start of the latest successful run that took every
    dirty mark (incremental or full). Calls logged after that instant wait for the next run."""
    runs = KpiRun.objects.filter(finished_at__isnull=False, error="",
                                 kind__in=[KpiRunKind.INCREMENTAL, KpiRunKind.FULL])
    return runs.order_by("-started_at").values_list("started_at", flat=True).first()
