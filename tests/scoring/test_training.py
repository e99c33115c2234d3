"""The models learn the known answer of a synthetic history, without leakage, and are replaced
only by a model at least as good."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from scoring import features as f
from scoring import scores, services, training
from scoring.models import LeadScore, ModelKind, ModelStatus, ScoringModel
from tests.factories import SCORING_BEST_HOURS as BEST_HOURS
from tests.factories import SCORING_NOW as NOW
from tests.factories import scoring_true_p as true_p

# The synthetic history and the trained models are built once per module (tests/scoring/conftest.py):
# one xdist worker runs the whole module, or each worker that gets some of its tests builds them
# again (and again whenever it returns to the module after another one).
pytestmark = pytest.mark.xdist_group("scoring-history")


def holdout_rows(record):
    leads, calls, grades = f.lead_frame(), f.call_frame(), f.grade_frame()
    return f.conversion_rows(leads, calls, grades, [record.holdout_from], 30)


def test_conversion_model_is_as_good_as_the_true_formula_and_beats_naive_bayes(trained):
    conversion, contact, _ = trained
    assert conversion.status == ModelStatus.ACTIVE and contact.status == ModelStatus.ACTIVE
    rows = holdout_rows(conversion)
    truth = roc_auc_score(rows["label"], [true_p(s, r) for s, r in zip(rows["source"], rows["region"], strict=True)])
    model, baseline = conversion.metrics["model"], conversion.metrics["baseline"]
    assert model["rows"] == len(rows) and conversion.holdout_rows == len(rows)
    assert abs(model["auc"] - truth) <= 0.02, (model["auc"], truth)
    assert model["auc"] > baseline["auc"] + 0.01, (model["auc"], baseline["auc"])
    assert model["sales_share"]["top_30"] > 0.3  # better than calling at random
    assert conversion.train_rows > 0 and "source" in conversion.features


def test_contact_model_finds_the_hours_customers_answer_and_scores_name_them(trained):
    assert trained[2] == LeadScore.objects.count() > 1000
    best = [tuple(sorted(s.best_hours[:2])) for s in LeadScore.objects.all()]
    assert sum(b == BEST_HOURS for b in best) / len(best) > 0.9


def test_scores_rank_leads_by_expected_value_with_reasons(trained):
    ranked = list(LeadScore.objects.select_related("lead").order_by("-expected_value")[:50])
    assert np.mean([true_p(s.lead.source, s.lead.region) for s in ranked]) > 0.2  # the formula's best
    assert all(s.reasons and s.reasons[0][2] > 1 for s in ranked[:10])


def test_a_feature_from_after_the_prediction_time_fails_the_check(history):
    leads, calls, grades = f.lead_frame(), f.call_frame(), f.grade_frame()
    cutoff = NOW - np.timedelta64(60, "D")
    f.check_point_in_time(f.conversion_rows(leads, calls, grades, [cutoff], 30))  # clean
    leaky = f.as_of(leads, calls, grades, NOW)  # features from every call up to now …
    leaky["cutoff"] = cutoff  # … used to predict from 60 days ago
    with pytest.raises(ValueError, match="leakage"):
        f.check_point_in_time(leaky)


def test_below_the_minimum_no_model_and_no_scores(history, settings):
    ScoringModel.objects.all().delete()
    settings.SCORING_MIN_SALES = 10**6
    conversion, _ = services.train_all(now=NOW)
    assert conversion.status == ModelStatus.INSUFFICIENT and conversion.metrics["need"] == 10**6
    assert scores.score_open_leads(now=NOW) == 0 and not LeadScore.objects.exists()


class Coin:
    """A model that guesses."""

    def predict_proba(self, x):
        return np.column_stack([np.full(len(x), 0.5), np.random.default_rng(1).random(len(x))])


def test_a_worse_model_is_rejected_and_a_failed_run_keeps_the_model_in_use(trained, monkeypatch):
    first = trained[0]
    monkeypatch.setattr(training, "fit", lambda x, y, seed=0, later=None: Coin())
    second, _ = services.train_all(now=NOW)
    assert second.status == ModelStatus.REJECTED and second.metrics["previous"]["auc"] > second.metrics["model"]["auc"]

    def broken(x, y, seed=0, later=None):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(training, "fit", broken)
    third, _ = services.train_all(now=NOW)
    assert third.status == ModelStatus.FAILED and "out of memory" in third.message
    assert services.active(ModelKind.CONVERSION) == first
    assert ScoringModel.objects.filter(kind=ModelKind.CONVERSION, status=ModelStatus.ACTIVE).count() == 1


def test_next_lead_hands_out_by_expected_value_except_the_exploration_share(trained, history, settings, rep):
    from leads.selectors import _random, hand_out_order
    from leads.services import next_lead

    pool = history[0].pool
    settings.SCORING_EXPLORATION = 0.1
    _random.seed(3)
    exploring = sum(hand_out_order()[1] for _ in range(1000))
    assert 60 <= exploring <= 140  # 10 % of 1,000 hand-outs, give or take three standard deviations
    settings.SCORING_EXPLORATION = 0.0
    best = LeadScore.objects.order_by("-expected_value", "lead__grade", "lead_id").first()
    assert next_lead(actor=rep, pool_id=pool.pk).pk == best.lead_id
    settings.SCORING_EXPLORATION = 1.0  # by the rules alone: the oldest-called lead of the best grade
    rule_first = next_lead(actor=rep, pool_id=pool.pk)
    assert rule_first.pk != best.lead_id


def test_model_card_and_lead_page_show_the_model_and_the_score(trained, client, manager, admin_user):
    conversion = trained[0]
    client.force_login(admin_user)
    page = client.get("/scoring/").content.decode()
    assert f"{conversion.metrics['model']['auc']:.3f}" in page and f"{conversion.metrics['baseline']['auc']:.3f}" in page
    assert 'id="calibration-conversion"' in page and 'id="gains-contact"' in page
    best = LeadScore.objects.order_by("-expected_value").first()
    page = client.get(f"/leads/{best.lead_id}/").content.decode()
    assert 'id="lead-score"' in page and "18:00" in page or "19:00" in page
    assert "converts" in page  # the reasons, in words


def test_lead_lists_and_the_pool_sort_and_filter_by_score(trained, client, api, rep):
    client.force_login(rep)
    by_score = list(LeadScore.objects.order_by("-expected_value", "lead_id").values_list("lead_id", flat=True)[:3])
    page = client.get("/leads/pool/", {"sort": "score"}).content.decode()
    positions = [page.index(f'data-lead="{pk}"') for pk in by_score]
    assert positions == sorted(positions)  # best expected value first
    cut = 30
    listed = api.as_user(rep).get("/api/v1/leads/public/", {"min_score": cut, "sort": "score", "page_size": 500}).json()
    expected = set(LeadScore.objects.filter(p_sale__gte=cut / 100).values_list("lead_id", flat=True))
    assert expected and {row["id"] for row in listed["results"]} <= expected
    assert listed["results"][0]["id"] == by_score[0]
    assert client.get("/leads/pool/", {"min_score": 101}).status_code == 400
    assert api.as_user(rep).get("/api/v1/leads/public/", {"sort": "bogus"}).status_code == 400
