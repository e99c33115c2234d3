"""factory_boy factories and data helpers shared by every app's tests, one section per app.

Test files import helpers from here (or take fixtures from conftest.py), never from each other."""

import datetime as dt
import math
import zoneinfo
from decimal import Decimal

import factory
import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from hypothesis import strategies as st

from accounts.models import Role, Team, User
from calls.models import Call, Channel, Disposition
from coaching import services as coaching_services
from coaching.models import SampledCall, SamplingPlan
from kpis import services as kpi_services
from kpis.models import DailyRepKpi
from leads.models import AttributeDefinition, GradeChange, Lead, LostReason, OwnershipEvent, Pool
from targets.models import AlertRule, Target
from telesales.bulk import insert_rows, update_rows

PASSWORD = "s3cret-pass"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    founded_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))


class UserFactory(factory.django.DjangoModelFactory):
    """A rep by default; use ManagerFactory / AdminFactory for the other roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"员工{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.REP
    team = factory.SubFactory(TeamFactory)
    hired_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ManagerFactory(UserFactory):
    """A manager who manages the team they are given (or a new one)."""

    role = Role.MANAGER

    @factory.post_generation
    def manages(obj, create, extracted, **kwargs):
        if create:
            teams = extracted if extracted is not None else [obj.team]
            for team in teams:
                if team is not None:
                    team.managers.add(obj)


class AdminFactory(UserFactory):
    role = Role.ADMIN
    team = None
    is_staff = True
    is_superuser = True


class PoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pool

    name = factory.Sequence(lambda n: f"Pool {n}")


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    name = factory.Sequence(lambda n: f"客户{n}")
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")
    company = factory.Sequence(lambda n: f"公司{n}")
    pool = factory.SubFactory(PoolFactory)
    owner = None
    claimed_at = factory.LazyAttribute(lambda o: timezone.now() if o.owner else None)


class AttributeDefinitionFactory(factory.django.DjangoModelFactory):
    """A text attribute by default; pass kind= and choices= for the others."""

    class Meta:
        model = AttributeDefinition

    key = factory.Sequence(lambda n: f"attribute_{n}")
    label = factory.Sequence(lambda n: f"Attribute {n}")
    kind = "text"
    position = factory.Sequence(lambda n: n)


class DispositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disposition
        django_get_or_create = ["code"]

    code = "reached"
    name = factory.LazyAttribute(lambda o: o.code.replace("_", " "))


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    lead = factory.SubFactory(LeadFactory)
    rep = factory.LazyAttribute(lambda o: o.lead.owner or UserFactory())
    channel = Channel.PHONE
    started_at = factory.LazyFunction(timezone.now)
    duration_seconds = 60
    disposition = factory.SubFactory(DispositionFactory)
    premium = None
    margin_rate = None

    class Params:
        sold = factory.Trait(premium=Decimal("1000.00"), margin_rate=Decimal("0.2000"))


class IntegrationFactory(UserFactory):
    """An API integration account (dialer, lead source, BI tool); it acts through a token."""

    role = Role.INTEGRATION
    team = None


def api_token_for(user: User, *, actor: User | None = None, name: str | None = None, scopes=None) -> str:
    """A real API token for `user` (created by an admin through the service, default scopes unless
    given); returns the key."""
    from accounts.services import create_api_token

    _, key = create_api_token(actor=actor or AdminFactory(), name=name or f"token for {user.username}", user=user,
                              scopes=scopes)
    return key


# ---- kpis ------------------------------------------------------------------------------------
FACT_FIELDS = ["rep_id", "team_id", "day", "calls_made", "calls_reached", "policies_sold", "customers_dialled", "customers_reached", "customers_quoted",
               "customers_sold", "premium", "margin_amount", "talk_seconds"]


def local(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """`day` at hour:minute in the company's time zone."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def facts_table() -> list[tuple]:
    """The whole KPI fact table as sorted tuples, to compare two ways of building it."""
    return sorted(tuple(row) for row in DailyRepKpi.objects.values_list(*FACT_FIELDS))


def random_calls(log_call, reps, days, n, rng, *, mark=True) -> None:
    """`n` calls with random outcomes, times and amounts by `reps` on `days` (the kpis `log_call` fixture)."""
    leads = LeadFactory.create_batch(12)
    outcomes = ["no_answer", "wrong_person", "reached", "quoted", "sold", "note"]
    for _ in range(n):
        outcome = rng.choice(outcomes)
        sold = outcome == "sold"
        log_call(
            rng.choice(reps), rng.choice(leads), outcome,
            local(rng.choice(days), rng.randrange(24), rng.randrange(60)),
            duration=rng.randrange(600),
            premium=f"{rng.randrange(100, 5000)}.{rng.randrange(100):02d}" if sold else None,
            margin_rate=f"0.{rng.randrange(10000):04d}" if sold else None, mark=mark,
        )


# ---- funnel: leads created at a chosen moment and moved through grades with history ----------
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))  # a Monday, local time


def day(n: int, hour: int = 9) -> dt.datetime:
    """T0 plus n days (at `hour` local time)."""
    return T0 + dt.timedelta(days=n, hours=hour - 9)


def lead_at(owner, *, created: dt.datetime = T0, path: list[tuple[str, dt.datetime]] = (), actor=None) -> Lead:
    """A lead owned by `owner`, created at `created`, then graded along `path`:
    [("D", when), ("C", when), ("won", when), ("lost", when) …]."""
    lead = LeadFactory(owner=owner)
    grade, status, reason = "E", "active", None
    changes = []
    for step, when in path:
        if step in ("won", "lost"):
            new_grade, new_status = grade, step
            if step == "lost":
                reason, _ = LostReason.objects.get_or_create(name="Too expensive")
        else:
            new_grade, new_status = step, "active"
        changes.append(
            GradeChange(
                lead=lead, from_grade=grade, to_grade=new_grade, to_status=new_status,
                changed_by=actor or owner, owner=owner, changed_at=when,
            )
        )
        grade, status = new_grade, new_status
    # The same rows the grade service writes, without its row lock (history is set up, not lived).
    GradeChange.objects.bulk_create(changes)
    Lead.objects.filter(pk=lead.pk).update(
        created_at=created, grade=grade, status=status, lost_reason=reason,
        grade_changed_at=changes[-1].changed_at if changes else None,
    )
    lead.refresh_from_db()
    return lead


# ---- targets: KPI fact rows, targets and alert rules ------------------------------------------
_synthetic_leads = iter(range(1_000_000_000, 4_000_000_000, 100_000))


def lead_sets_for(facts: list[DailyRepKpi]) -> list[DailyRepKpi]:
    """Give fact rows written directly (not by the KPI job) lead sets that agree with their
    customer counts, each fact with customers of its own, then roll them up as the job would:
    so a test of targets or pages can state a day's counts without logging every call."""
    for fact in facts:
        first = next(_synthetic_leads)
        bounds = [fact.customers_dialled, fact.customers_reached, fact.customers_quoted, fact.customers_sold]
        # lead × 8 + its stage (1 dialled … 4 sold), as the job's statement writes a rep-day's set
        fact.lead_stages = ",".join(str((first + i) * 8 + 1 + sum(i < b for b in bounds[1:])) for i in range(bounds[0]))
    DailyRepKpi.objects.bulk_update(facts, ["lead_stages"])
    kpi_services.refresh_roll_ups(days={fact.day for fact in facts})
    return facts


class DailyRepKpiFactory(factory.django.DjangoModelFactory):
    """A day's facts for a rep, with matching lead sets (lead_sets_for)."""

    class Meta:
        model = DailyRepKpi
        skip_postgeneration_save = True

    rep = None
    team = factory.LazyAttribute(lambda o: o.rep.team)
    day = dt.date(2026, 6, 1)
    calls_made = 60
    customers_dialled = 40
    customers_reached = 20
    customers_quoted = 8
    customers_sold = 2
    policies_sold = factory.SelfAttribute("customers_sold")
    premium = Decimal("10000.00")
    margin_amount = Decimal("1500.00")
    talk_seconds = 7200

    @factory.post_generation
    def lead_sets(obj, create, extracted, **kwargs):
        if create:
            lead_sets_for([obj])


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    metric = "premium"
    value = Decimal("300000.00")
    owner_kind = "team"
    period_kind = "month"
    start = dt.date(2026, 6, 1)
    end = dt.date(2026, 6, 30)


class AlertRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertRule

    name = "3 working days below 80% of pace"
    metric = "premium"
    threshold_percent = Decimal("80")
    consecutive_days = 3


# ---- coaching: a standard six-criterion QA scorecard, sampling plans, samples -----------------
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
    """A QA scorecard with the standard criteria, created through the coaching service."""
    return coaching_services.create_scorecard(actor=actor, name=kwargs.pop("name", "Call QA"), team=team,
                                              criteria=kwargs.pop("criteria", STANDARD_CRITERIA), **kwargs)


def plan(actor, team, card=None, reviewers=(), **settings) -> SamplingPlan:
    """A sampling plan for `team` (with a new standard scorecard unless `card` is given)."""
    card = card or scorecard(actor, team)
    return coaching_services.create_sampling_plan(actor=actor, team=team, scorecard=card, reviewers=reviewers,
                                                  **settings)


def sample(actor, call, card=None) -> SampledCall:
    """`call` sampled for review by hand."""
    card = card or scorecard(actor, call.rep.team)
    return coaching_services.sample_call(actor=actor, call_id=call.pk, scorecard_id=card.pk)


def scores(**overrides) -> dict:
    """Top marks on every standard criterion, except the ones given."""
    return {**ALL_FIVES, **overrides}


# ---- random grade and ownership histories (funnel twins and snapshots) -------------------------
STEPS = ["E", "D", "C", "B", "A", "won", "lost"]

MOVES = ["to 0", "to 1", "to 2", "release"]
# (created on day, owner at creation, creation recorded, [(grade step or move, hours after the previous step)])
owned_histories = st.lists(
    st.tuples(
        st.integers(0, 6),
        st.sampled_from([0, 1, 2, None]),
        st.booleans(),
        st.lists(st.tuples(st.sampled_from(STEPS + MOVES), st.integers(0, 60)), max_size=6),
    ),
    max_size=12,
)


def build_owned(histories, reps):
    """Leads as the services leave them: each grade change records the owner of the moment,
    each take-over or release (also after the last grade change) is an ownership event, and the
    lead's owner is the last one. The creation is recorded only sometimes (leads older than the
    ownership history, or with none at all)."""
    for created_day, owner, recorded, steps in histories:
        lead = LeadFactory(owner=None)
        when, grade, status = day(created_day), "E", "active"
        holder = reps[owner] if owner is not None else None
        changes, events = [], []
        if recorded:
            events.append(OwnershipEvent(lead=lead, to_owner=holder, reason="create", at=when))
        for step, hours in steps:
            when += dt.timedelta(hours=hours)
            if step in MOVES:
                to = None if step == "release" else reps[int(step[-1])]
                events.append(OwnershipEvent(lead=lead, from_owner=holder, to_owner=to, reason="reassign", at=when))
                holder = to
            elif status == "active":
                new_grade, status = (grade, step) if step in ("won", "lost") else (step, "active")
                changes.append(GradeChange(lead=lead, from_grade=grade, to_grade=new_grade, to_status=status,
                                           owner=holder, changed_at=when))
                grade = new_grade
        GradeChange.objects.bulk_create(changes)
        ats = [e.at for e in events]
        OwnershipEvent.objects.bulk_create(events)  # `at` is set on insert: put the history's times back
        for event, at in zip(events, ats, strict=True):
            event.at = at
        OwnershipEvent.objects.bulk_update(events, ["at"])
        Lead.objects.filter(pk=lead.pk).update(created_at=day(created_day), grade=grade, status=status, owner=holder)



# ---- a synthetic history with a known answer, for lead scoring --------------------------------
# Each lead's chance of a sale in any 30 days and each hour's chance of reaching a customer come
# from the formulas below (tests/scoring).
SCORING_NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
SCORING_SOURCES = {"web": 0.9, "referral": 0.5, "fair": 0.0, "list": -0.6, "cold": -1.1}
SCORING_REGIONS = {"north": 0.4, "south": 0.0, "east": -0.4, "west": 0.2}
# Interactions a naive-Bayes model (one factor per field) cannot represent; a booster can.
SCORING_PAIRS = {("referral", "west"): 1.4, ("web", "east"): -1.4, ("cold", "north"): 1.0}
SCORING_BASE = -2.3
SCORING_BEST_HOURS = (18, 19)


def scoring_true_p(source: str, region: str) -> float:
    """P(sale within 30 days | not sold yet): constant over time (an exponential time to sale)."""
    z = SCORING_BASE + SCORING_SOURCES[source] + SCORING_REGIONS[region] + SCORING_PAIRS.get((source, region), 0.0)
    return 1 / (1 + math.exp(-z))


def scoring_reach_p(hour: int) -> float:
    return 0.55 if hour in SCORING_BEST_HOURS else 0.12




def scoring_history():
    """~5,000 leads created over 8 months, called every 5–20 days until they buy or today."""
    rng = np.random.default_rng(7)
    pool, rep = PoolFactory(name="scoring history"), UserFactory(username="scoring-history-rep")
    d = {"no_answer": DispositionFactory(code="sc-no-answer"), "reached": DispositionFactory(code="sc-reached", reached=True),
         "sold": DispositionFactory(code="sc-sold", reached=True, quoted=True, sold=True, final=True)}
    n = 5000
    sources = rng.choice(list(SCORING_SOURCES), n)
    regions = rng.choice(list(SCORING_REGIONS), n)
    created = [SCORING_NOW - dt.timedelta(days=float(x)) for x in rng.uniform(35, 240, n)]
    leads = Lead.objects.bulk_create([Lead(name=f"客户{i}", phone=f"+8613900{i:06d}", source=str(sources[i]),
                                           region=str(regions[i]), pool=pool) for i in range(n)])
    for lead, at in zip(leads, created, strict=True):
        lead.created_at = at
    update_rows(leads, ["created_at"])
    calls = []
    for lead, at in zip(leads, created, strict=True):
        hazard = -math.log(1 - scoring_true_p(lead.source, lead.region)) / 30
        sale = at + dt.timedelta(days=float(rng.exponential(1 / hazard)))
        t = at + dt.timedelta(days=1)
        while t < min(sale, SCORING_NOW):
            hour = int(rng.integers(9, 21))
            when = timezone.localtime(t).replace(hour=hour, minute=int(rng.integers(0, 60)))
            outcome = "reached" if rng.random() < scoring_reach_p(hour) else "no_answer"
            calls.append(Call(lead=lead, rep=rep, started_at=when, disposition=d[outcome]))
            t += dt.timedelta(days=float(rng.uniform(5, 20)))
        if sale < SCORING_NOW:
            calls.append(Call(lead=lead, rep=rep, started_at=sale, disposition=d["sold"], premium=1000, margin_rate=0.2))
    with transaction.atomic():  # ~50,000 calls, the only writer of this worker's database
        insert_rows(calls)
    return leads
