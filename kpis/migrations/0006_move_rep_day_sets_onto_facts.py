"""Existing data for 0005: each rep-day lead set moves from a LeadSet row onto its fact row
(DailyRepKpi.lead_stages, "lead id × 8 + highest stage" per lead), and the team-day sums are
added up from the facts, as the KPI job now writes them."""

import numpy as np
from django.db import migrations
from pyroaring import BitMap

SUMMED = ("calls_made", "calls_reached", "policies_sold", "premium", "margin_amount", "talk_seconds")


def _lead_stages(blobs) -> str:
    dialled, *higher = (np.asarray(BitMap.deserialize(bytes(blob)).to_array(), dtype=np.int64) for blob in blobs)
    stage = 1 + sum(np.isin(dialled, ids) for ids in higher)
    return ",".join(map(str, (dialled * 8 + stage).tolist()))


def forwards(apps, schema_editor):
    LeadSet = apps.get_model("kpis", "LeadSet")
    DailyRepKpi = apps.get_model("kpis", "DailyRepKpi")
    TeamDayKpi = apps.get_model("kpis", "TeamDayKpi")
    connection = schema_editor.connection
    adapt = connection.ops.adapt_datefield_value
    rep_days = LeadSet.objects.filter(level="rep", grain="day")
    facts, batch = DailyRepKpi._meta.db_table, []
    with connection.cursor() as cursor:
        def flush():
            cursor.executemany(f"UPDATE {facts} SET lead_stages = %s WHERE rep_id = %s AND day = %s", batch)
            batch.clear()

        for rep, day, *blobs in rep_days.values_list("key", "start", "dialled", "reached", "quoted", "sold").iterator(
                chunk_size=5000):
            batch.append((_lead_stages(blobs), rep, adapt(day)))
            if len(batch) == 5000:
                flush()
        flush()
        rep_days.delete()
        sums = ", ".join(SUMMED)
        cursor.execute(f"INSERT INTO {TeamDayKpi._meta.db_table} (team_key, day, {sums}) "
                       f"SELECT COALESCE(team_id, 0), day, {', '.join(f'SUM({name})' for name in SUMMED)} "
                       f"FROM {facts} GROUP BY 1, 2")


class Migration(migrations.Migration):

    dependencies = [
        ("kpis", "0005_team_day_sums_and_rep_day_sets"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
