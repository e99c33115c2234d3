"""Leads are rewritten on every call (their call facts, calls/sync_write.py and calls/lead_facts.py).
With free room on each page PostgreSQL can make those updates HOT (no index columns change): one
heap record instead of a new entry in each of the table's 15 indexes. 85 % fill leaves room for
about three new versions per page between prunes. New pages follow it at once; existing pages
when the table is rewritten (VACUUM FULL or pg_repack at a quiet hour, see the README)."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE leads_lead SET (fillfactor = 85)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE leads_lead RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ("leads", "0012_alter_claimcount_options_alter_heldcount_options"),
    ]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
