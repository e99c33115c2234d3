import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coaching import services
from coaching.models import SampledCall
from tests import factories as f
from tests.factories import CallFactory


def _samples(manager, reviewer, rep, card, n):
    for _ in range(n):
        s = f.sample(manager, CallFactory(rep=rep), card)
        a = services.assign_reviewer(actor=manager, sample_id=s.pk, reviewer=manager)
        services.assign_reviewer(actor=manager, sample_id=s.pk, reviewer=reviewer)
        services.submit_review(actor=manager, assignment_id=a.pk, scores=f.scores())


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_lists_make_the_same_number_of_queries_for_few_and_many_rows(client, api, password, manager, reviewer, rep,
                                                                     team):
    card = f.scorecard(manager, team)
    _samples(manager, reviewer, rep, card, 2)
    client.login(username=manager.username, password=password)
    api_client = api.as_user(manager)
    urls = ["/coaching/", "/coaching/samples/", "/coaching/scorecards/"]
    few = [_count(client, u) for u in urls] + [_count(api_client, "/api/v1/coaching/samples/"),
                                                _count(api_client, "/api/v1/coaching/reviews/")]
    _samples(manager, reviewer, rep, card, 8)
    many = [_count(client, u) for u in urls] + [_count(api_client, "/api/v1/coaching/samples/"),
                                                 _count(api_client, "/api/v1/coaching/reviews/")]
    assert few == many


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent sessions need PostgreSQL")
def test_two_last_reviewers_submitting_at_once_complete_the_call_exactly_once(run_concurrently, manager, reviewer,
                                                                              rep, team):
    sample = f.sample(manager, CallFactory(rep=rep), f.scorecard(manager, team))
    assignments = [services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=u) for u in (manager, reviewer)]
    people = [manager, reviewer]

    results = run_concurrently(
        lambda i: services.submit_review(actor=people[i], assignment_id=assignments[i].pk,
                                         scores=f.scores(closing=i * 5)), 2)

    assert not [r for r in results if isinstance(r, Exception)]
    sample = SampledCall.objects.get(pk=sample.pk)
    assert sample.is_complete and str(sample.result_total) == "90.0"
