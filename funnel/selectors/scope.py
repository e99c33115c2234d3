"""Whose funnel a request asks for (a rep, a team, the manager's teams, the company), checked
against what the actor may see through accounts.access."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.access import managed_team_ids, sees_everything
from accounts.models import Team, User
from accounts.selectors import user_for
from telesales.errors import NotFound, PermissionDenied


@dataclass
class Scope:
    kind: str  # "rep", "team", "teams", "company"
    label: str
    owner_ids: list[int] | None  # None: every owner (company)
    rep: User | None = None
    team: Team | None = None
    reps: list[User] = field(default_factory=list)


def resolve_scope(*, actor: User, rep_id: int | None = None, team_id: int | None = None) -> Scope:
    """Whose funnel the actor asked for, checked against what they may see.

    A rep sees only their own funnel; a manager any rep or team they manage (default: their
    teams); an admin anyone (default: the whole company)."""
    if rep_id is not None:
        rep = user_for(actor=actor, user_id=rep_id)
        return Scope(kind="rep", label=rep.display_name, owner_ids=[rep.pk], rep=rep, reps=[rep])
    if team_id is not None:
        team = Team.objects.filter(pk=team_id).first()
        if team is None:
            raise NotFound("No such team.")
        if team.pk not in managed_team_ids(actor):
            raise PermissionDenied("Only the team's managers and admins can see a team's funnel.")
        reps = list(User.objects.filter(team=team, is_active=True).order_by("username"))
        return Scope(kind="team", label=team.name, owner_ids=[u.pk for u in reps], team=team, reps=reps)
    if sees_everything(actor):
        reps = list(User.objects.filter(role="rep", is_active=True).order_by("team__name", "username"))
        return Scope(kind="company", label="Company", owner_ids=None, reps=reps)
    team_ids = managed_team_ids(actor)
    if team_ids:
        if len(team_ids) == 1:
            return resolve_scope(actor=actor, team_id=team_ids[0])
        reps = list(User.objects.filter(team_id__in=team_ids, is_active=True).order_by("team__name", "username"))
        return Scope(kind="teams", label="My teams", owner_ids=[u.pk for u in reps] + [actor.pk], reps=reps)
    return Scope(kind="rep", label=actor.display_name, owner_ids=[actor.pk], rep=actor, reps=[actor])
