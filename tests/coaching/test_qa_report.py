"""selectors.qa_report: the one QA report the results page and the API both show."""

import datetime as dt

import pytest

from coaching import selectors, services
from coaching.models import SampledCall
from tests import factories as f
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def _scored(manager, reviewer, rep, card, **scores):
    sample = f.sample(manager, CallFactory(rep=rep), card)
    assignments = [services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=who) for who in (manager, reviewer)]
    for assignment in assignments:
        services.submit_review(actor=assignment.reviewer, assignment_id=assignment.pk, scores=f.scores(**scores))
    return sample


def test_report_averages_teams_reps_and_lost_points(manager, reviewer, rep, teammate, team):
    card = f.scorecard(manager, team)
    _scored(manager, reviewer, rep, card, closing=0)
    _scored(manager, reviewer, teammate, card)
    report = selectors.qa_report(manager, weeks=12)
    assert report.count == 2 and report.average == 90.0
    assert report.teams.to_dict("records") == [{"team": team.name, "average": 90.0, "calls": 2}]
    assert [r["average"] for r in report.reps.to_dict("records")] == [80.0, 100.0]
    assert report.pareto[0].key == "Closing"


def test_report_is_scoped_filtered_and_looks_back_whole_weeks(manager, reviewer, rep, teammate, team):
    card = f.scorecard(manager, team)
    old = _scored(manager, reviewer, rep, card)
    _scored(manager, reviewer, teammate, card)
    SampledCall.objects.filter(pk=old.pk).update(week=old.week - dt.timedelta(weeks=20))
    assert selectors.qa_report(manager, weeks=12).count == 1
    assert selectors.qa_report(manager, weeks=30).count == 2
    assert selectors.qa_report(manager, weeks=30, rep_id=rep.pk).count == 1
    assert selectors.qa_report(rep, weeks=30).count == 1  # a rep sees only their own calls
    empty = selectors.qa_report(teammate, weeks=30, rep_id=rep.pk)
    assert empty.count == 0 and empty.average is None and empty.pareto == []
