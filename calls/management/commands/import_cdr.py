from django.core.management.base import BaseCommand, CommandError

from accounts.access import sees_everything
from accounts.models import User
from calls.cdr import import_cdr


class Command(BaseCommand):
    help = "Import an Asterisk cdr-csv Master.csv as call records (idempotent: uniqueid is the external id)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--source", default="asterisk", help="Source name stored with each call.")
        parser.add_argument("--actor", help="Username of the admin recorded as importing (default: first admin).")
        parser.add_argument("--gmt", action="store_true", help="Times in the file are GMT (Asterisk usegmtime).")

    def handle(self, path, source, actor=None, gmt=False, **options):
        user = User.objects.filter(username=actor).first() if actor else \
            User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
        if user is None or not sees_everything(user):
            raise CommandError("Give --actor with an admin username.")
        try:
            with open(path, encoding="utf-8-sig", errors="replace", newline="") as stream:
                report = import_cdr(actor=user, stream=stream, source=source[:50], gmt=gmt)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        counts = report["counts"]
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
        for error in report["errors"][:20]:
            self.stdout.write(f"line {error['line']}: {error['reason']}")
