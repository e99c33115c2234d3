"""Coaching factories: a standard six-criterion QA scorecard, sampling plans, samples."""

from decimal import Decimal

from coaching import services
from coaching.models import SampledCall, SamplingPlan
from coaching.services import current_version

STANDARD_CRITERIA = [
    {"key": "script", "name": "Script compliance", "weight": Decimal(15)},
    {"key": "attitude", "name": "Service attitude", "weight": Decimal(15)},
    {"key": "needs", "name": "Needs discovery", "weight": Decimal(20)},
    {"key": "objections", "name": "Objection handling", "weight": Decimal(20)},
    {"key": "closing", "name": "Closing", "weight": Decimal(20)},
    {"key": "compliance", "name": "Compliance", "weight": Decimal(10), "scale_max": 1, "critical": True},
]
ALL_FIVES = {"script": 5, "attitude": 5, "needs": 5, "objections": 5, "closing": 5, "compliance": 1}


def scorecard(actor, team=None, **kwargs):
    return services.create_scorecard(actor=actor, name=kwargs.pop("name", "Call QA"), team=team,
                                     criteria=kwargs.pop("criteria", STANDARD_CRITERIA), **kwargs)


def plan(actor, team, card=None, reviewers=(), **settings) -> SamplingPlan:
    card = card or scorecard(actor, team)
    return services.create_sampling_plan(actor=actor, team=team, scorecard=card, reviewers=reviewers, **settings)


def sample(actor, call, card=None) -> SampledCall:
    card = card or scorecard(actor, call.rep.team)
    return services.sample_call(actor=actor, call_id=call.pk, scorecard_id=card.pk)


def scores(**overrides) -> dict:
    return {**ALL_FIVES, **overrides}


__all__ = ["ALL_FIVES", "STANDARD_CRITERIA", "current_version", "plan", "sample", "scorecard", "scores"]
