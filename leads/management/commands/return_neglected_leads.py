from django.core.management.base import BaseCommand

from leads.services import auto_return_neglected


class Command(BaseCommand):
    help = "Return neglected leads to their public pool per the pool rules (safe to run any time)."

    def handle(self, *args, **options):
        n = auto_return_neglected()
        self.stdout.write(f"Returned {n} neglected lead(s) to the public pool.")
