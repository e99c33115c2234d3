"""Build the deterministic demo company. Each app contributes `<app>/demo.py: seed(rng, ctx)`,
run in dependency order; the same seed always gives the same data."""

import importlib
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD
from accounts.models import User

APPS_IN_ORDER = ["accounts", "leads", "calls", "kpis", "funnel", "targets", "coaching"]


class Command(BaseCommand):
    help = "Create the demo company (idempotent: does nothing if demo users exist unless --reset)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20261125)
        parser.add_argument("--if-empty", action="store_true", help="Skip when the database already has users.")
        parser.add_argument("--small", action="store_true", help="Fewer leads and calls (for tests).")

    def handle(self, *args, seed, if_empty, small, **options):
        if not settings.DEBUG:
            # The demo accounts share one published password: never in a real deployment.
            raise CommandError(
                "seed_demo refuses to run with DEBUG off (production settings): the demo accounts "
                "share one published password. Use DEBUG=true on a development machine."
            )
        if User.objects.filter(username="admin").exists():
            if not if_empty:
                self.stdout.write("Demo data already present; nothing to do.")
            self.print_logins()
            return
        rng = random.Random(seed)
        ctx: dict = {"small": small}
        began = time.monotonic()
        for app in APPS_IN_ORDER:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError:
                continue
            started = time.monotonic()
            with transaction.atomic():
                module.seed(rng, ctx)
            self.stdout.write(f"  seeded {app} ({time.monotonic() - started:.1f} s)")
        importlib.import_module("notifications.demo").seed_notifications(rng)  # last: about the records above
        self.stdout.write(f"  demo company built in {time.monotonic() - began:.1f} s")
        self.print_logins()

    def print_logins(self):
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        self.stdout.write("  admin     admin")
        for u in User.objects.filter(role__in=["manager", "rep"]).order_by("role", "username")[:4]:
            self.stdout.write(f"  {u.role:<9} {u.username}  ({u.display_name}, {u.team})")
        self.stdout.write("  ... reps rep01–rep30, managers manager1–manager3")
