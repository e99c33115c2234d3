"""Celery: nightly training and scoring (safe to run twice: each run adds its own cards and
rewrites the scores)."""

from scoring import scores, services
from telesales.celery import job


@job("scoring.tasks.train_and_score", idempotent=True, long=True)
def train_and_score() -> int:
    services.train_all()
    return scores.score_open_leads()
