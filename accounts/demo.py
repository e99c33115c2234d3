"""Deterministic demo company: 3 teams, 1 admin, 3 managers, 30 reps with Chinese names."""

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Role, Team, User

DEMO_PASSWORD = "demo12345"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ["芳", "伟", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "婷", "浩", "宇", "欣怡", "子涵", "思远", "晓东", "佳琪"]
TEAMS = [("华东一组", 400), ("华南二组", 120), ("华北三组", 45)]  # name, age in days (team stages differ)


def seed(rng: random.Random, ctx: dict) -> None:
    today = timezone.localdate()
    # Every demo account has the one published password: hash it once (a hash costs about half a
    # second by design) and give each user the same hash.
    hashed = make_password(DEMO_PASSWORD)
    admin = User.objects.create(username="admin", email="admin@example.com", password=hashed, full_name="陈总",
                                role=Role.ADMIN, is_staff=True, is_superuser=True)
    teams, managers, reps = [], [], []
    used = set()
    for t, (name, age) in enumerate(TEAMS):
        team = Team.objects.create(name=name, founded_on=today - dt.timedelta(days=age))
        manager = User.objects.create(
            username=f"manager{t + 1}", email=f"manager{t + 1}@example.com", password=hashed,
            full_name=f"{SURNAMES[t]}经理", role=Role.MANAGER, team=team, hired_on=today - dt.timedelta(days=age + 100),
        )
        team.managers.add(manager)
        teams.append(team)
        managers.append(manager)
        for r in range(10):
            n = t * 10 + r + 1
            while True:
                full = rng.choice(SURNAMES) + rng.choice(GIVEN)
                if full not in used:
                    used.add(full)
                    break
            reps.append(
                User.objects.create(
                    username=f"rep{n:02d}", email=f"rep{n:02d}@example.com", password=hashed, full_name=full, role=Role.REP,
                    team=team, hired_on=today - dt.timedelta(days=rng.choice([20, 45, 90, 200, 400, 700])),
                )
            )
    ctx.update(admin=admin, teams=teams, managers=managers, reps=reps)
