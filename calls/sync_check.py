"""A dry run of the dialer sync (`POST /api/v1/calls/sync?dry_run=true`): every row goes through
the very checks and statements of the real sync, inside a transaction that is rolled back, so the
answer is exactly what the batch would do and nothing is written (nor any task sent: on-commit
work of a rolled-back transaction never runs)."""

from django.db import transaction

from accounts.models import User
from calls.sync import sync_calls


def dry_run(*, actor: User, rows: list, source_default: str | None = None) -> list[dict]:
    """One result per row as `sync_calls` would answer; rows it would create carry no id."""
    with transaction.atomic():
        results = sync_calls(actor=actor, rows=rows, source_default=source_default)
        transaction.set_rollback(True)
    for result in results:
        if result["status"] == "created":
            result["id"] = None
    return results
