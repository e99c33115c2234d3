"""Demo leads: public pools per team plus a regional one, and private pools for every rep.

Numbers are valid CN mobiles drawn from the seeded rng, so the same seed gives the same data."""

import datetime as dt
import random

from django.utils import timezone

from leads import services
from leads.models import Lead, LeadStatus, LostReason, OwnershipEvent, OwnershipReason, Pool
from leads.phones import InvalidPhone, normalize_phone
from telesales.bulk import insert_rows, update_rows

PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
            "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187", "188", "189"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
TITLES = ["先生", "女士", "总", "经理", "老师"]
COMPANIES = ["科技", "贸易", "物流", "餐饮", "建材", "服装", "电子", "医药", "教育", "咨询"]
CITIES = ["上海", "杭州", "南京", "苏州", "广州", "深圳", "佛山", "北京", "天津", "石家庄"]
TEAM_REGIONS = ["华东", "华南", "华北"]
PRODUCTS = ["车险", "寿险", "意外险", "健康险", "企业团险"]
SOURCES = ["展会", "官网", "转介绍", "外呼名单", "广告"]
GRADE_WEIGHTS = [("E", 40), ("D", 25), ("C", 18), ("B", 11), ("A", 6)]
AGE_BANDS = ["18-29", "30-39", "40-49", "50-59", "60+"]
# Lost reasons ship with a name per language (telesales.i18n): default, Simplified, Traditional.
# (The shipped defaults, funnel/migrations, add more: "No need", "Too expensive", "Unreachable".)
LOST_REASONS = [
    ("No need", "没有需求", "沒有需求"),
    ("Already has a supplier", "已有供应商", "已有供應商"),
    ("Too expensive", "价格太高", "價格太高"),
    ("Invalid or wrong number", "空号/错号", "空號/錯號"),
    ("Unreachable", "联系不上", "聯繫不上"),
]
# The demo's pool names (team name + 公海) in Traditional characters.
TRADITIONAL = str.maketrans("华东组国", "華東組國")
PREVIOUS_OUTCOMES = ["未接通", "有意向", "已有保单", "明确拒绝", "要求回电"]


def _phone(rng: random.Random, used: set) -> str:
    while True:
        raw = rng.choice(PREFIXES) + f"{rng.randrange(10**8):08d}"
        if raw in used:
            continue
        try:
            e164 = normalize_phone(raw, "CN")
        except InvalidPhone:  # pragma: no cover - all prefixes above are valid mobiles
            continue
        used.add(raw)
        return e164


def _grade(rng: random.Random) -> str:
    return rng.choices([g for g, _ in GRADE_WEIGHTS], weights=[w for _, w in GRADE_WEIGHTS])[0]


def _attributes(admin) -> random.Random:
    """Three attribute definitions; their values come from their own rng, so adding them left
    every other demo number as it was."""
    services.create_attribute_definition(actor=admin, key="age_band", label="年龄段", kind="choice",
                                         choices=AGE_BANDS)
    services.create_attribute_definition(actor=admin, key="previous_outcome", label="上次结果")
    services.create_attribute_definition(actor=admin, key="has_car", label="有车", kind="boolean")
    return random.Random(14)


def _attribute_values(arng: random.Random) -> dict:
    values = {}
    if arng.random() < 0.8:
        values["age_band"] = arng.choice(AGE_BANDS)
    if arng.random() < 0.5:
        values["previous_outcome"] = arng.choice(PREVIOUS_OUTCOMES)
    if arng.random() < 0.6:
        values["has_car"] = arng.random() < 0.55
    return values


def seed(rng: random.Random, ctx: dict) -> None:
    now = timezone.now()
    small = ctx.get("small")
    teams, reps, admin = ctx["teams"], ctx["reps"], ctx["admin"]
    for name, hans, hant in LOST_REASONS:
        LostReason.objects.get_or_create(name=name, defaults={"name_i18n": {"zh-hans": hans, "zh-hant": hant}})
    pools = _pools(teams)
    arng = _attributes(admin)
    used: set = set()
    per_rep = 8 if small else 70
    public_per_pool = 40 if small else 500
    leads: list[Lead] = []
    for rep in reps:
        team_index = teams.index(rep.team) if rep.team in teams else 0
        leads += [_lead(rng, used, now, pool=pools[team_index], owner=rep, region_index=team_index, admin=admin,
                       attributes=_attribute_values(arng))
                  for _ in range(per_rep)]
    for i, p in enumerate(pools):
        leads += [_lead(rng, used, now, pool=p, owner=None, region_index=i % len(TEAM_REGIONS), admin=admin,
                       attributes=_attribute_values(arng))
                  for _ in range(public_per_pool)]
    insert_rows(leads)
    _record_ownership(leads, admin)
    ctx["pools"] = pools
    ctx["public_pools"] = pools
    ctx["leads"] = leads


def _pools(teams) -> list[Pool]:
    """A public pool per team, plus a regional one open to all that reps may browse."""
    pools = []
    for i, team in enumerate(teams):
        name = f"{team.name}公海"
        p = Pool.objects.create(name=name, name_i18n={"zh-hant": name.translate(TRADITIONAL)}, team=team,
                                region=TEAM_REGIONS[i % len(TEAM_REGIONS)])
        p.member_teams.add(team)
        pools.append(p)
    pools.append(Pool.objects.create(name="全国公海", name_i18n={"zh-hant": "全國公海"}, region="全国",
                                     max_claims_per_day=20, browsing_enabled=True))
    return pools


def _lead(rng: random.Random, used: set, now: dt.datetime, *, pool, owner, region_index: int, admin,
          attributes: dict) -> Lead:
    """One unsaved lead in `pool`: held by `owner` (claimed in the last weeks, mostly contacted
    since), or public when there is no owner."""
    grade = _grade(rng)
    city = CITIES[(region_index * 3 + rng.randrange(3)) % len(CITIES)]
    claimed = now - dt.timedelta(days=rng.uniform(0.2, 25)) if owner else None
    real = None
    if owner and rng.random() < 0.7:
        real = claimed + dt.timedelta(days=rng.uniform(0, (now - claimed).days or 0.1))
    status = LeadStatus.ACTIVE
    if owner and grade == "A" and rng.random() < 0.3:
        status = LeadStatus.WON
    return Lead(
        name=rng.choice(SURNAMES) + rng.choice(TITLES), phone=_phone(rng, used),
        company=city + rng.choice(COMPANIES) + "有限公司", region=city, source=rng.choice(SOURCES),
        product_interest=rng.choice(PRODUCTS), grade=grade, status=status, owner=owner, pool=pool,
        claimed_at=claimed, last_real_contact_at=real, last_contacted_at=real,
        next_follow_up_at=(now + dt.timedelta(hours=rng.uniform(-48, 120))) if owner else None,
        attributes=attributes, created_by=admin,
    )


def _record_ownership(leads: list[Lead], admin) -> None:
    """The audit rows: every lead imported, the held ones claimed by their owner when claimed."""
    events = [OwnershipEvent(lead_id=lead.pk, to_owner=None, actor=admin, reason=OwnershipReason.IMPORT,
                             note="演示数据导入") for lead in leads]
    insert_rows(events)
    held = [lead for lead in leads if lead.owner]
    claims = [OwnershipEvent(lead_id=lead.pk, to_owner=lead.owner, actor=lead.owner, reason=OwnershipReason.CLAIM)
              for lead in held]
    insert_rows(claims)
    # `at` is auto_now_add: backdate the claim rows to the claim times.
    for event, lead in zip(claims, held, strict=True):
        event.at = lead.claimed_at
    update_rows(claims, ["at"])
