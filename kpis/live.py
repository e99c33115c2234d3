"""Today, live: a team's or a rep's numbers since local midnight, computed on the fly from the
calls with the KPI job's own statement (kpis.sql.rep_day_facts): one definition, two schedules."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import scope_wallboards
from accounts.models import Role, Team, User
from accounts.selectors import user_for
from kpis.domain import Counts
from kpis.leadsets import Stages, stages_from_items
from kpis.selectors import rank_rows
from kpis.sql import FACT_COLUMNS, MONEY, money, rep_day_facts, team_calls_sql
from telesales.days import local_day
from telesales.errors import DomainError, first_or_not_found


@dataclasses.dataclass(frozen=True)
class LiveRow:
    """One person's numbers today and their place in the one ranking (rank_rows)."""

    rep: User
    rank: int
    counts: Counts


@dataclasses.dataclass(frozen=True)
class LiveToday:
    """Today's numbers of a team (every active rep, with zeros if they have not called yet) or
    of one rep, and their total, in which a customer two reps called counts once."""

    day: dt.date
    as_of: dt.datetime
    team: Team | None
    rows: list[LiveRow]
    total: Counts


def wallboard_teams(user: User) -> QuerySet[Team]:
    """Teams whose live wallboard the user may watch (accounts.access.scope_wallboards)."""
    return scope_wallboards(Team.objects.all(), user).order_by("name")


def wallboard_team_for(user: User, team_id: int) -> Team:
    teams = wallboard_teams(user).filter(id=team_id)
    return first_or_not_found(teams, _("No such team, or not one whose wallboard you may see."))


def _live_facts(day: dt.date, where: str, params: list) -> tuple[dict[int, Counts], Stages]:
    """The KPI job's facts of `day` per rep and the union of the reps' lead sets (its own
    statement, kpis.sql.rep_day_facts), for the calls `where` selects."""
    with connection.cursor() as cursor:
        rows = rep_day_facts(cursor, day, day, where, params)
    facts: dict[int, Counts] = {}
    for row in rows:
        mapping = dict(zip(FACT_COLUMNS, row, strict=True))
        for name in MONEY:  # as the facts' decimal columns keep them
            mapping[name] = money(mapping[name])
        facts[mapping["rep_id"]] = Counts.from_mapping(mapping)
    at = FACT_COLUMNS.index("lead_stages")
    return facts, Stages.union(stages_from_items(row[at]) for row in rows)


def live_today(user: User, *, team_id: int | None = None, rep_id: int | None = None,
               now: dt.datetime | None = None) -> LiveToday:
    """Today's numbers (the local day of `now`, from its midnight) for a team's wallboard or for
    one rep, computed from the calls on the fly with the KPI job's own SQL: each rep's counts
    are the facts the job will write for the day, and the total counts distinct customers over
    the team (the union of the reps' lead sets). A team counts the calls of the people on it now,
    as the job does. Not found for a team or rep the user may not see."""
    if (team_id is None) == (rep_id is None):
        raise DomainError(_("Give either a team or a rep."))
    now = now or timezone.now()
    day = local_day(now)
    if team_id is not None:
        team = wallboard_team_for(user, team_id)
        people = {u.id: u for u in User.objects.filter(team=team, role=Role.REP, is_active=True)}
        where, params = team_calls_sql(), [team.id]
    else:
        rep = user_for(actor=user, user_id=rep_id)
        team, people = None, {rep.id: rep}
        where, params = "AND c.rep_id = %s", [rep.id]
    facts, stages = _live_facts(day, where, params)
    # Someone no longer active (or not a rep) who called today still counts in the team's total.
    people.update(User.objects.in_bulk(set(facts) - set(people)))
    ranked = rank_rows([{"key": pk, **dataclasses.asdict(facts.get(pk, Counts()))} for pk in people])
    rows = [LiveRow(rep=people[r["key"]], rank=r["rank"], counts=facts.get(r["key"], Counts())) for r in ranked]
    total = sum(facts.values(), Counts())
    total = dataclasses.replace(total, **stages.counts())
    return LiveToday(day=day, as_of=now, team=team, rows=rows, total=total)
