"""Pure coaching rules (no Django): weighted QA scoring with critical criteria, multi-reviewer
aggregation with a calibration flag, seeded weekly call sampling per cohort, team stage from age,
and the Pareto of lost points. Scores are on a 0–100 scale, Decimal, one decimal place."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
ONE_DP = Decimal("0.1")


def q1(value: Decimal) -> Decimal:
    """Round to one decimal place, half up (how scores are shown and stored)."""
    return value.quantize(ONE_DP, rounding=ROUND_HALF_UP)


# ---- scoring ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CriterionSpec:
    """One scorecard criterion: scored 0..scale_max; a critical one fails below pass_score."""

    key: str
    weight: Decimal
    scale_max: int
    critical: bool = False
    pass_score: int = 1


@dataclass(frozen=True)
class ScoreResult:
    total: Decimal  # 0–100 after the critical cap
    uncapped_total: Decimal
    critical_failed: tuple[str, ...]
    lost_points: dict[str, Decimal]  # per criterion, points of 100 lost


class ScoringError(ValueError):
    """Scores that do not fit the scorecard (missing, unknown or out of scale)."""


def validate_scores(criteria: Sequence[CriterionSpec], scores: Mapping[str, int]) -> None:
    """Every criterion scored once, each score an integer within 0..scale_max."""
    keys = {c.key for c in criteria}
    unknown = set(scores) - keys
    if unknown:
        raise ScoringError(f"Unknown criteria: {', '.join(sorted(unknown))}.")
    missing = [c.key for c in criteria if c.key not in scores]
    if missing:
        raise ScoringError(f"Score every criterion; missing: {', '.join(missing)}.")
    for c in criteria:
        value = scores[c.key]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= c.scale_max:
            raise ScoringError(f"“{c.key}” must be a whole number from 0 to {c.scale_max}.")


def score_call(criteria: Sequence[CriterionSpec], scores: Mapping[str, int], *, critical_cap: Decimal = Decimal(0)) -> ScoreResult:
    """Weighted score out of 100: Σ weight·score/scale ÷ Σ weight. A failed critical criterion caps
    the total at `critical_cap` (0 by default: a compliance breach zeroes the call)."""
    if not criteria:
        raise ScoringError("The scorecard has no criteria.")
    validate_scores(criteria, scores)
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    if total_weight <= 0:
        raise ScoringError("Criterion weights must add up to more than zero.")
    earned = Decimal(0)
    lost: dict[str, Decimal] = {}
    for c in criteria:
        share = c.weight / total_weight * HUNDRED
        got = share * Decimal(scores[c.key]) / Decimal(c.scale_max)
        earned += got
        lost[c.key] = share - got
    uncapped = q1(earned)
    failed = tuple(c.key for c in criteria if c.critical and scores[c.key] < c.pass_score)
    total = min(uncapped, q1(critical_cap)) if failed else uncapped
    return ScoreResult(total=total, uncapped_total=uncapped, critical_failed=failed,
                       lost_points={k: q1(v) for k, v in lost.items()})


@dataclass(frozen=True)
class Consensus:
    mean: Decimal
    spread: Decimal  # highest minus lowest total
    needs_calibration: bool
    reviewers: int


def consensus(totals: Sequence[Decimal], *, calibration_threshold: Decimal) -> Consensus:
    """The call's result from several blind reviews: the mean, the spread, and a calibration flag
    when reviewers disagree by more than the threshold (points of 100)."""
    if not totals:
        raise ValueError("No reviews to combine.")
    mean = q1(sum(totals, Decimal(0)) / len(totals))
    spread = q1(max(totals) - min(totals))
    return Consensus(mean=mean, spread=spread, needs_calibration=spread > calibration_threshold, reviewers=len(totals))


@dataclass(frozen=True)
class ParetoRow:
    key: str
    lost: Decimal
    share: Decimal  # % of all lost points
    cumulative: Decimal


def pareto(lost_points: Iterable[Mapping[str, Decimal]]) -> list[ParetoRow]:
    """Sum lost points per criterion over many reviews, biggest first, with cumulative share:
    the few criteria that cost most points are where coaching pays."""
    totals: dict[str, Decimal] = {}
    for row in lost_points:
        for key, value in row.items():
            totals[key] = totals.get(key, Decimal(0)) + Decimal(value)
    grand = sum(totals.values(), Decimal(0))
    rows, running = [], Decimal(0)
    for key, value in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
        share = value / grand * HUNDRED if grand else Decimal(0)
        running += share
        rows.append(ParetoRow(key=key, lost=q1(value), share=q1(share), cumulative=q1(min(running, HUNDRED))))
    return rows


# ---- sampling -----------------------------------------------------------------------------------
NEW_HIRE, TOP, REGULAR = "new_hire", "top", "regular"
COHORTS = (NEW_HIRE, TOP, REGULAR)


@dataclass(frozen=True)
class CandidateCall:
    call_id: int
    rep_id: int
    duration_seconds: int
    has_recording: bool


@dataclass(frozen=True)
class SamplingRules:
    rates: Mapping[str, Decimal]  # cohort -> share of the rep's eligible calls, 0–1
    min_per_rep: int = 1
    prefer_recording: bool = True
    min_duration_seconds: int = 60
    seed: int = 0

    def rate_for(self, cohort: str) -> Decimal:
        return Decimal(self.rates.get(cohort, 0))


def cohort_for(*, tenure_days: int | None, is_top: bool, new_hire_days: int) -> str:
    """New hire (tenure under the threshold) wins over top performer; everyone else is regular."""
    if tenure_days is not None and tenure_days < new_hire_days:
        return NEW_HIRE
    return TOP if is_top else REGULAR


def top_performers(sellers: Sequence[int], *, team_size: int, share: Decimal) -> set[int]:
    """The best `share` (0–1) of a team of `team_size` reps: the first of `sellers`, the reps who
    sold something in the KPI ranking's order (kpis.selectors.rep_ranking), best first. At least
    one rep when anyone sold anything."""
    if not sellers or share <= 0:
        return set()
    n = max(1, math.ceil(Decimal(team_size) * share))
    return set(sellers[:n])


def _quota(rng: random.Random, eligible: int, rate: Decimal, minimum: int) -> int:
    # Stochastic rounding keeps the expected share exact even when a rep has few calls.
    exact = Decimal(eligible) * rate
    whole = int(exact)
    if rng.random() < float(exact - whole):
        whole += 1
    return min(eligible, max(minimum, whole))


def select_sample(
    calls: Iterable[CandidateCall],
    cohorts: Mapping[int, str],
    rules: SamplingRules,
    *,
    week: dt.date,
    already_sampled: Iterable[int] = (),
) -> list[CandidateCall]:
    """Pick the week's calls for review: per rep, the cohort's rate of their eligible calls (at
    least `min_per_rep`), preferring calls with a recording or long enough to judge, never a
    call sampled before. Same inputs and seed give the same picks."""
    seen = set(already_sampled)
    by_rep: dict[int, list[CandidateCall]] = {}
    for call in calls:
        if call.call_id not in seen:
            by_rep.setdefault(call.rep_id, []).append(call)
    picked: list[CandidateCall] = []
    for rep_id in sorted(by_rep):
        eligible = sorted(by_rep[rep_id], key=lambda c: c.call_id)
        rng = random.Random(f"{rules.seed}:{week.isoformat()}:{rep_id}")
        n = _quota(rng, len(eligible), rules.rate_for(cohorts.get(rep_id, REGULAR)), rules.min_per_rep)
        preferred, rest = [], []
        for call in eligible:
            good = (rules.prefer_recording and call.has_recording) or call.duration_seconds >= rules.min_duration_seconds
            (preferred if good else rest).append(call)
        rng.shuffle(preferred)
        rng.shuffle(rest)
        picked.extend((preferred + rest)[:n])
    return picked


def week_start(day: dt.date) -> dt.date:
    """Monday of the day's ISO week: samples are drawn per week."""
    return day - dt.timedelta(days=day.weekday())


# ---- team stage ---------------------------------------------------------------------------------
FORMING, STORMING, NORMING, PERFORMING = "forming", "storming", "norming", "performing"


@dataclass(frozen=True)
class StageInfo:
    stage: str
    months: str
    signs: str
    focus: tuple[str, ...] = field(default_factory=tuple)


def gettext_noop(text: str) -> str:
    """Marks a text for the catalogues (makemessages); coaching pages translate it where shown."""
    return text


# From the training deck (how teams develop: the signs of each stage and what to do).
STAGES: dict[str, StageInfo] = {
    FORMING: StageInfo(
        FORMING, "1–2",
        gettext_noop("Excited and nervous, unsure of their role, new to the product and the selling skills."),
        (
            gettext_noop("Manage the process: control daily working behaviour closely."),
            gettext_noop("Give clear direction and targets; state what you expect of the team and of each rep."),
            gettext_noop("Help the team get to know each other quickly."),
            gettext_noop("Train product knowledge, phone scripts, selling skills and the workflow; set the rules."),
            gettext_noop("Build your authority and spot the promising reps."),
        ),
    ),
    STORMING: StageInfo(
        STORMING, "2–4",
        gettext_noop("Hidden problems surface: reps stop prospecting, results swing, doubts about the target."),
        (
            gettext_noop("Talk with reps a lot; let them voice disagreements and take part in decisions."),
            gettext_noop("Pick core members, delegate step by step with clearer responsibilities."),
            gettext_noop("Set role models and form groups for internal competition."),
            gettext_noop("Build cooperation, e.g. swap undecided prospects so reps feel the benefit of helping each other."),
            gettext_noop("Training, role-play drills and sharing of sales stories are essential now."),
        ),
    ),
    NORMING: StageInfo(
        NORMING, "4–6",
        gettext_noop("Open atmosphere, targets agreed together, skills up, pipeline growing, results steadier."),
        (
            gettext_noop("Build the team culture and let it shape the members."),
            gettext_noop("Strengthen team spirit, cohesion and cooperation (team activities, outdoor training)."),
            gettext_noop("Care more for your reps; help with problems at work and in life."),
            gettext_noop("Be the team's coordinator and servant: happy work, happy life."),
        ),
    ),
    PERFORMING: StageInfo(
        PERFORMING, "6+",
        gettext_noop("Stable results, strong belonging, skilled and confident reps who solve problems together."),
        (
            gettext_noop("Pace change and refresh your methods; run the team on a shared vision and commitment, not control."),
            gettext_noop("Adjust targets and guide reps to set challenging goals of their own."),
            gettext_noop("Monitor progress and coach rather than direct."),
            gettext_noop("Develop outstanding reps into the next leaders."),
        ),
    ),
}


def stage_for_age(*, founded_on: dt.date, today: dt.date, override: str = "") -> StageInfo:
    """Forming for months 0–2, storming 2–4, norming 4–6, performing after 6; an override wins."""
    if override in STAGES:
        return STAGES[override]
    months = (today.year - founded_on.year) * 12 + (today.month - founded_on.month)
    if today.day < founded_on.day:
        months -= 1
    if months < 2:
        return STAGES[FORMING]
    if months < 4:
        return STAGES[STORMING]
    if months < 6:
        return STAGES[NORMING]
    return STAGES[PERFORMING]


# ---- improvement plans --------------------------------------------------------------------------
def next_check_in_due(*, start: dt.date, last_check_in: dt.date | None, every_days: int) -> dt.date:
    """A check-in is due `every_days` after the last one (or after the plan started)."""
    return (last_check_in or start) + dt.timedelta(days=every_days)


def check_in_overdue(*, start: dt.date, last_check_in: dt.date | None, every_days: int, today: dt.date) -> bool:
    return today > next_check_in_due(start=start, last_check_in=last_check_in, every_days=every_days)
