"""The synthetic history of tests/factories.py (scoring_history), built once per module."""

import pytest

from accounts.models import Team, User
from calls.models import Call, Disposition
from leads.models import Lead
from tests.factories import SCORING_NOW, scoring_history


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
        conversion, contact = services.train_all(now=SCORING_NOW)
        scored = scores.score_open_leads(now=SCORING_NOW)
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
        leads = scoring_history()
    yield leads
    with django_db_blocker.unblock():
        Call.objects.filter(lead__in=leads).delete()
        Lead.objects.filter(pk__in=[lead.pk for lead in leads]).delete()
        leads[0].pool.delete()
        Disposition.objects.filter(code__startswith="sc-").delete()
        rep = User.objects.get(username="scoring-history-rep")
        rep.delete()
        if rep.team_id:
            Team.objects.filter(pk=rep.team_id).delete()


