"""Synthetic company history with a known answer: each lead's chance of a sale in any 30 days and
each hour's chance of reaching a customer come from the formulas below."""

import datetime as dt
import math
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.utils import timezone

from accounts.models import Team, User
from calls.models import Call, Disposition
from leads.models import Lead
from tests.factories import DispositionFactory, PoolFactory, UserFactory

NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SOURCES = {"web": 0.9, "referral": 0.5, "fair": 0.0, "list": -0.6, "cold": -1.1}
REGIONS = {"north": 0.4, "south": 0.0, "east": -0.4, "west": 0.2}
# Interactions a naive-Bayes model (one factor per field) cannot represent; a booster can.
PAIRS = {("referral", "west"): 1.4, ("web", "east"): -1.4, ("cold", "north"): 1.0}
BASE = -2.3
BEST_HOURS = (18, 19)


def true_p(source: str, region: str) -> float:
    """P(sale within 30 days | not sold yet): constant over time (an exponential time to sale)."""
    z = BASE + SOURCES[source] + REGIONS[region] + PAIRS.get((source, region), 0.0)
    return 1 / (1 + math.exp(-z))


def reach_p(hour: int) -> float:
    return 0.55 if hour in BEST_HOURS else 0.12


@pytest.fixture
def history(_history, db, settings):
    settings.SCORING_MIN_SALES, settings.SCORING_MIN_ATTEMPTS = 100, 1000
    return _history


@pytest.fixture(scope="module")
def _trained(_history, django_db_blocker):
    """Both models trained on the history and every open lead scored, once per module."""
    from django.test import override_settings

    from scoring import scores, services
    from scoring.models import LeadScore, ScoringModel

    with django_db_blocker.unblock(), override_settings(SCORING_MIN_SALES=100, SCORING_MIN_ATTEMPTS=1000):
        conversion, contact = services.train_all(now=NOW)
        scored = scores.score_open_leads(now=NOW)
    yield conversion, contact, scored
    with django_db_blocker.unblock():
        LeadScore.objects.all().delete()
        ScoringModel.objects.all().delete()


@pytest.fixture
def trained(_trained, history):
    return _trained


@pytest.fixture(scope="module")
def _history(django_db_setup, django_db_blocker):
    """~5,000 leads created over 8 months, called every 5–20 days until they buy or today: built
    once per module (committed) and removed after it; each test's own writes roll back."""
    with django_db_blocker.unblock():
        leads = _generate()
    yield leads
    with django_db_blocker.unblock():
        Call.objects.filter(lead__in=leads).delete()
        Lead.objects.filter(pk__in=[lead.pk for lead in leads]).delete()
        leads[0].pool.delete()
        Disposition.objects.filter(code__startswith="sc-").delete()
        rep = User.objects.get(pk=_generate.rep_id)
        rep.delete()
        if rep.team_id:
            Team.objects.filter(pk=rep.team_id).delete()


def _generate():
    rng = np.random.default_rng(7)
    pool, rep = PoolFactory(name="scoring history"), UserFactory(username="scoring-history-rep")
    _generate.rep_id = rep.pk
    d = {"no_answer": DispositionFactory(code="sc-no-answer"), "reached": DispositionFactory(code="sc-reached", reached=True),
         "sold": DispositionFactory(code="sc-sold", reached=True, quoted=True, sold=True, final=True)}
    n = 5000
    sources = rng.choice(list(SOURCES), n)
    regions = rng.choice(list(REGIONS), n)
    created = [NOW - dt.timedelta(days=float(x)) for x in rng.uniform(35, 240, n)]
    leads = Lead.objects.bulk_create([Lead(name=f"客户{i}", phone=f"+8613900{i:06d}", source=str(sources[i]),
                                           region=str(regions[i]), pool=pool) for i in range(n)])
    for lead, at in zip(leads, created, strict=True):
        lead.created_at = at
    Lead.objects.bulk_update(leads, ["created_at"], batch_size=1000)
    calls = []
    for lead, at in zip(leads, created, strict=True):
        hazard = -math.log(1 - true_p(lead.source, lead.region)) / 30
        sale = at + dt.timedelta(days=float(rng.exponential(1 / hazard)))
        t = at + dt.timedelta(days=1)
        while t < min(sale, NOW):
            hour = int(rng.integers(9, 21))
            when = timezone.localtime(t).replace(hour=hour, minute=int(rng.integers(0, 60)))
            outcome = "reached" if rng.random() < reach_p(hour) else "no_answer"
            calls.append(Call(lead=lead, rep=rep, started_at=when, disposition=d[outcome]))
            t += dt.timedelta(days=float(rng.uniform(5, 20)))
        if sale < NOW:
            calls.append(Call(lead=lead, rep=rep, started_at=sale, disposition=d["sold"], premium=1000, margin_rate=0.2))
    Call.objects.bulk_create(calls, batch_size=5000)
    return leads
