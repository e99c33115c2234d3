"""Demo coaching data: a company QA scorecard, a weekly sampling plan per team run over the last
four weeks, calls scored by two blind reviewers (a few still pending), one open improvement plan
and a one-to-one note with a follow-up task. Skips quietly when there are no calls."""

import datetime as dt
import random

from django.utils import timezone

from calls.models import Call
from coaching import domain, services
from coaching.models import Review, ReviewAssignment, ReviewScore, SampledCall
from telesales.bulk import insert_rows, update_rows


def _names(hans: str, hant: str) -> dict:
    return {"zh-hans": hans, "zh-hant": hant}


# Shipped with a name per language (telesales.i18n): the default name, then Simplified and Traditional.
CRITERIA = [
    {"key": "script", "name": "Script compliance", "name_i18n": _names("话术规范", "話術規範"), "weight": 15},
    {"key": "attitude", "name": "Service attitude", "name_i18n": _names("服务态度", "服務態度"), "weight": 15},
    {"key": "needs", "name": "Needs discovery", "name_i18n": _names("需求挖掘", "需求挖掘"), "weight": 20},
    {"key": "objections", "name": "Objection handling", "name_i18n": _names("异议处理", "異議處理"), "weight": 20},
    {"key": "closing", "name": "Closing", "name_i18n": _names("促成", "促成"), "weight": 20},
    {"key": "compliance", "name": "Compliance", "name_i18n": _names("合规", "合規"), "weight": 10, "scale_max": 1,
     "critical": True},
]
# Typical weak spots: objections and closing cost most points (so the Pareto has a story).
SKILL = {"script": 4.3, "attitude": 4.5, "needs": 3.6, "objections": 2.8, "closing": 3.0}


def _scores(rng: random.Random, bias: float) -> dict:
    out = {k: max(0, min(5, round(rng.gauss(mu + bias, 0.8)))) for k, mu in SKILL.items()}
    out["compliance"] = 0 if rng.random() < 0.03 else 1
    return out


def seed(rng: random.Random, ctx: dict) -> None:
    admin, teams, managers = ctx.get("admin"), ctx.get("teams") or [], ctx.get("managers") or []
    if not admin or not teams or not Call.objects.exists():
        return
    card = services.create_scorecard(actor=admin, name="Call QA", name_i18n=_names("通话质检", "通話質檢"),
                                     criteria=CRITERIA)
    today = timezone.localdate()
    weeks = [domain.week_start(today) - dt.timedelta(days=7 * n) for n in (4, 3, 2, 1)]
    for team, manager in zip(teams, managers, strict=False):
        plan = services.create_sampling_plan(
            actor=admin, team=team, scorecard=card, reviewers=[manager, admin], seed=rng.randrange(10_000),
            new_hire_rate="0.05", top_rate="0.01", regular_rate="0.02", min_per_rep=1,
            reviewers_per_call=2,
        )
        for week in weeks:
            services.run_sampling(plan_id=plan.pk, week=week, actor=admin)
    rep_bias: dict[int, float] = {}
    last_week = weeks[-1]
    assignments = ReviewAssignment.objects.select_related("sampled_call__version", "reviewer").order_by("sampled_call_id", "id")
    scored = []
    for a in assignments:
        sample = a.sampled_call
        # Leave part of last week's queue for the reviewers to do in the demo.
        if sample.week == last_week and sample.pk % 3 == 0:
            continue
        bias = rep_bias.setdefault(sample.rep_id, rng.uniform(-0.8, 0.6))
        reviewer_bias = 0.3 if a.reviewer_id == admin.pk else 0.0
        scored.append((a, _scores(rng, bias + reviewer_bias)))
    _submit_reviews(scored)
    # An open improvement plan for the weakest reviewed rep of the first team, started from QA.
    first_team_samples = SampledCall.objects.filter(rep__team=teams[0], completed_at__isnull=False)
    weakest = first_team_samples.order_by("result_total", "id").first()
    if weakest is not None and managers:
        start = today - dt.timedelta(days=12)
        plan = services.start_plan_from_qa(
            actor=managers[0], sample=weakest, title="提升异议处理与促成",
            support=["training", "side_by_side", "mentor"], start_date=start,
            items=[
                {"what": "每天练习3个价格异议应对", "measure": "质检异议处理得分",
                 "target": "≥ 4/5", "due": start + dt.timedelta(days=21)},
                {"what": "每通有效通话至少一次试探成交", "measure": "报价成功率",
                 "target": "≥ 30%", "due": start + dt.timedelta(days=28)},
                {"what": "每周跟听优秀录音2条", "measure": "跟听录音条数",
                 "target": "8", "due": start + dt.timedelta(days=30)},
            ],
        )
        services.record_check_in(actor=managers[0], plan_id=plan.pk, date=start + dt.timedelta(days=4),
                                 progress_note="跟听两条录音，异议应对有进步")
        note = services.write_note(
            actor=managers[0], rep=weakest.rep, held_on=today - dt.timedelta(days=5),
            situation="周二下午与客户的报价电话",
            behaviour="客户提出价格太高时直接降价",
            impact="利润率下降且客户仍未决定",
            agreed_actions="先确认需求价值再谈价格",
        )
        services.add_action_item(actor=managers[0], note_id=note.pk, due_on=today + dt.timedelta(days=5),
                                 description="整理3条价值陈述话术")
    ctx["coaching_scorecard"] = card


def _submit_reviews(scored: list) -> None:
    """What `services.submit_review` writes for each (assignment, scores), in bulk: the review
    and its scores (scored by coaching.domain like the service), and the consensus of every
    sample whose reviewers have all submitted."""
    now = timezone.now()
    versions: dict[int, tuple] = {}
    reviews, rows = [], []
    for a, scores in scored:
        version = a.sampled_call.version
        if version.pk not in versions:
            criteria = list(version.criteria.all())
            versions[version.pk] = (version, criteria, [
                domain.CriterionSpec(c.key, c.weight, c.scale_max, c.critical, c.pass_score) for c in criteria])
        version, criteria, specs = versions[version.pk]
        result = domain.score_call(specs, scores, critical_cap=version.critical_cap)
        reviews.append(Review(assignment=a, version=version, total=result.total, uncapped_total=result.uncapped_total,
                              critical_failed=bool(result.critical_failed), submitted_at=now))
        rows.append([(c, scores[c.key], result.lost_points[c.key]) for c in criteria])
    insert_rows(reviews)
    insert_rows([ReviewScore(review=review, criterion=c, score=score, lost_points=lost)
                 for review, row in zip(reviews, rows, strict=True) for c, score, lost in row])
    assigned: dict[int, int] = {}
    for sample_id in ReviewAssignment.objects.values_list("sampled_call_id", flat=True):
        assigned[sample_id] = assigned.get(sample_id, 0) + 1
    totals: dict[int, list] = {}
    samples = {}
    for review in reviews:
        sample = review.assignment.sampled_call
        samples[sample.pk] = sample
        totals.setdefault(sample.pk, []).append(review.total)
    done = []
    for sample_id, sample_totals in totals.items():
        if len(sample_totals) != assigned[sample_id]:
            continue
        sample = samples[sample_id]
        agreed = domain.consensus(sample_totals, calibration_threshold=versions[sample.version_id][0].calibration_threshold)
        sample.result_total, sample.spread = agreed.mean, agreed.spread
        sample.needs_calibration, sample.completed_at = agreed.needs_calibration, now
        done.append(sample)
    update_rows(done, ["result_total", "spread", "needs_calibration", "completed_at"])
