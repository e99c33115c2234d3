from django.db import migrations

# The two marks the incremental lead-facts update reads (calls.lead_facts), from the stored calls.
BACKFILL = """
UPDATE leads_lead SET
  last_reached_at = (SELECT MAX(c.started_at) FROM calls_call c JOIN calls_disposition d ON d.id = c.disposition_id
                     WHERE c.lead_id = leads_lead.id AND d.reached),
  last_quote_event_at = (SELECT MAX(c.started_at) FROM calls_call c JOIN calls_disposition d ON d.id = c.disposition_id
                         WHERE c.lead_id = leads_lead.id AND (d.quoted OR d.sold OR d.refused))
WHERE EXISTS (SELECT 1 FROM calls_call c WHERE c.lead_id = leads_lead.id)
"""


class Migration(migrations.Migration):

    dependencies = [
        ("calls", "0005_rep_started_covering_index"),
        ("leads", "0007_lead_call_fact_marks"),
    ]

    operations = [migrations.RunSQL(BACKFILL, migrations.RunSQL.noop)]
