"""manage.py recompute_kpis [--full | --since YYYY-MM-DD]: rebuild the daily KPI facts."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from kpis import services


class Command(BaseCommand):
    help = "Recompute DailyRepKpi facts: incremental by default, --full or --since DATE to rebuild."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--full", action="store_true", help="rebuild every day from all calls")
        group.add_argument("--since", metavar="DATE", help="rebuild local days from DATE (YYYY-MM-DD) on")

    def handle(self, *args, full=False, since=None, **options):
        since_day = None
        if since:
            try:
                since_day = dt.date.fromisoformat(since)
            except ValueError as exc:
                raise CommandError(f"--since must be a date like 2025-01-31, not {since!r}") from exc
        if full or since_day:
            run = services.recompute_full(since=since_day)
        else:
            run = services.recompute_incremental()
        self.stdout.write(
            f"{run.get_kind_display()}: {run.rows} fact rows written"
            + (f" for {run.rep_days} (rep, day) pairs" if run.kind == "incremental" else "")
            + f" in {run.duration_ms / 1000:.2f} s"
        )
