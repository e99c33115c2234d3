"""Demo calls: several weeks of realistic dialling for every demo rep on their own leads.

Rates follow a telesales floor: most calls go unanswered, about a quarter reach the customer,
fewer end in a quote and fewer still in a sale (with premium and margin)."""

import datetime as dt
import random
from decimal import Decimal
from itertools import accumulate

from django.utils import timezone

from calls.dispositions import ensure_standard
from calls.models import Call, FollowUp, FollowUpScope
from calls.services import mark_rep_days, refresh_lead_call_facts
from leads.models import GRADE_ORDER, GradeChange, Lead, LeadStatus
from telesales.bulk import insert_rows, update_rows

# disposition code → weight (reach ≈ 25%)
OUTCOMES = {"no_answer": 46, "busy": 13, "invalid_number": 3, "wrong_person": 13, "reached": 12, "callback": 5,
            "quoted": 4.5, "refused": 2.3, "sold": 1, "dnc": 0.2}
NOTES = {"reached": ["介绍了产品", "客户有兴趣，需要资料", "确认了需求"], "callback": ["客户在开会，约下午回电", "明天再联系"],
         "quoted": ["已报价，等待回复", "发了对比方案"], "refused": ["已有保险", "预算不够"], "sold": ["签单成功"],
         "wrong_person": ["家人接听"], "dnc": ["要求不要再打"]}


def _ensure_leads(rng: random.Random, reps, per_rep: int) -> None:
    """Only when the leads demo has not run: give each rep a few leads to call."""
    if Lead.objects.filter(owner__in=reps).exists():
        return
    now = timezone.now()
    Lead.objects.bulk_create([
        Lead(name=f"客户{r.pk}-{i}", phone=f"+86139{r.pk:04d}{i:04d}", company=f"公司{i}", owner=r, claimed_at=now,
             grade=rng.choice("EEEDDC"))
        for r in reps for i in range(per_rep)
    ])


def seed(rng: random.Random, ctx: dict) -> None:
    dispo = ensure_standard()
    reps = ctx.get("reps") or []
    if not reps:
        return
    small = ctx.get("small")
    weeks, calls_per_day = (1, 6) if small else (6, 45)
    _ensure_leads(rng, reps, 8 if small else 60)
    today = timezone.localdate()
    now = timezone.now()
    days = [today - dt.timedelta(days=d) for d in range(weeks * 7, 0, -1)]
    days = [d for d in days if d.weekday() < 6]
    leads_by_rep: dict[int, list[Lead]] = {}
    for lead in Lead.objects.filter(owner__in=reps, status=LeadStatus.ACTIVE).order_by("pk"):
        leads_by_rep.setdefault(lead.owner_id, []).append(lead)
    floor = _Floor(rng, dispo)
    for rep in reps:
        leads = leads_by_rep.get(rep.pk, [])
        if not leads:
            continue
        skill = rng.uniform(0.7, 1.3)
        for day in days:
            floor.dial_day(rep, leads, day, calls_per_day * skill, calls_per_day * 0.15)
    floor.save(now, reps)
    ctx["calls_days"] = days


class _Floor:
    """The simulated dialling floor: every call, follow-up and grade change is kept in memory
    with each lead's state, then saved in bulk."""

    def __init__(self, rng: random.Random, dispositions: dict):
        self.rng, self.dispositions = rng, dispositions
        # Cumulative weights once (what `choices` would sum on every call; the same draws).
        self.codes, self.cum_weights = list(OUTCOMES), list(accumulate(OUTCOMES.values()))
        # Calls are built from their column values in field order, Django's fast constructor
        # (no keyword matching, no related-object descriptors): 45,000 of them. The blank call's
        # defaults are constants (channel, 0 s, "web"), so every call may start from them.
        self.columns = [f.attname for f in Call._meta.concrete_fields]
        blank = Call()
        self.blank = {name: getattr(blank, name) for name in self.columns}
        self.tz = timezone.get_current_timezone()
        self.calls, self.follow_ups, self.grade_changes, self.dirty = [], [], [], set()
        self.state: dict[int, dict] = {}

    def dial_day(self, rep, leads: list[Lead], day: dt.date, mean_calls: float, spread: float) -> None:
        """A rep's day: calls a few minutes apart from about nine until half past seven."""
        rng = self.rng
        minute = 9 * 60 + rng.randint(0, 30)
        for _ in range(max(1, int(rng.gauss(mean_calls, spread)))):
            lead = rng.choice(leads)
            st = self.state.setdefault(lead.pk, {"grade": lead.grade, "status": LeadStatus.ACTIVE, "quoted": False})
            if st["status"] != LeadStatus.ACTIVE:
                continue
            code = rng.choices(self.codes, cum_weights=self.cum_weights)[0]
            if code == "sold" and not st["quoted"]:
                code = "quoted"
            minute += rng.randint(3, 12)
            if minute > 19 * 60 + 30:
                break
            started = dt.datetime.combine(day, dt.time(minute // 60, minute % 60, rng.randint(0, 59)), tzinfo=self.tz)
            self._call(rep, lead, st, code, started)
            self.dirty.add((rep.pk, day))

    def _call(self, rep, lead: Lead, st: dict, code: str, started: dt.datetime) -> None:
        """One call with outcome `code`, and what it does to the lead: a quote, a sale, a higher
        grade, do-not-call, a follow-up."""
        rng, d = self.rng, self.dispositions[code]
        duration = rng.randint(60, 900) if d.reached else rng.randint(0, 40)
        values = {**self.blank, "lead_id": lead.pk, "rep_id": rep.pk, "started_at": started,
                  "duration_seconds": duration, "disposition_id": d.pk, "notes": rng.choice(NOTES.get(code, [""])),
                  "source": "web"}
        call = Call(*(values[name] for name in self.columns))
        if code == "quoted":
            call.quote_amount = Decimal(rng.randrange(2000, 30000, 100))
            st["quoted"] = True
        if code == "sold":
            call.premium = Decimal(rng.randrange(3000, 50000, 100))
            call.margin_rate = Decimal(rng.randrange(8, 35)) / 100
            st["status"] = LeadStatus.WON
        if code == "dnc":
            st["status"] = LeadStatus.DNC
        self.calls.append(call)
        if d.reached and code not in ("refused", "dnc") and st["grade"] != "A" and rng.random() < 0.3:
            new = GRADE_ORDER[GRADE_ORDER.index(st["grade"]) + 1]
            self.grade_changes.append((call, st["grade"], new, LeadStatus.ACTIVE))
            st["grade"] = new
        if code == "sold":
            self.grade_changes.append((call, st["grade"], st["grade"], LeadStatus.WON))
        if code in ("callback", "quoted"):
            due = started + dt.timedelta(days=rng.randint(1, 4), hours=rng.randint(-2, 2))
            self.follow_ups.append((call, due, "回电确认" if code == "callback" else "跟进报价"))

    def save(self, now: dt.datetime, reps) -> None:
        calls, state = self.calls, self.state
        team_of = {rep.pk: rep.team_id for rep in reps}
        insert_rows(calls)  # 45,000 calls: the ORM's bulk_create spends most of the seed on them
        # Follow-ups: those whose lead was called again after the due time are done; the rest stay open.
        last_call = {}
        for c in calls:
            last_call[c.lead_id] = max(last_call.get(c.lead_id, c.started_at), c.started_at)
        insert_rows([
            FollowUp(lead_id=c.lead_id, assigned_to_id=c.rep_id, team_id=team_of[c.rep_id], scope=FollowUpScope.MINE,
                     due_at=due, purpose=purpose, call=c, created_by_id=c.rep_id,
                     done_at=due if (last_call[c.lead_id] > due or state[c.lead_id]["status"] != LeadStatus.ACTIVE)
                     and due < now else None)
            for c, due, purpose in self.follow_ups
        ])
        insert_rows([
            GradeChange(lead_id=c.lead_id, from_grade=g0, to_grade=g1, to_status=status, changed_by_id=c.rep_id,
                        owner_id=c.rep_id, call=c, changed_at=c.started_at)
            for c, g0, g1, status in self.grade_changes
        ])
        leads = Lead.objects.in_bulk(list(state))
        for lead_id, st in state.items():
            lead = leads[lead_id]
            lead.grade, lead.status = st["grade"], st["status"]
        update_rows(list(leads.values()), ["grade", "status"])
        refresh_lead_call_facts(list(state))
        mark_rep_days(self.dirty)
