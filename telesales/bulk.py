"""Set-based writes for many rows at once where the ORM's `bulk_update` is slow (it builds one
CASE WHEN per field and row): one prepared UPDATE run for every row (executemany)."""

from collections.abc import Sequence

from django.db import connection


def update_rows(objs: Sequence, fields: Sequence[str]) -> int:
    """Write `fields` of saved model instances `objs` (all of one model), one UPDATE per row by
    primary key, values prepared by each field as the ORM prepares them. Returns the row count."""
    if not objs:
        return 0
    meta = type(objs[0])._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"
    params = [[*(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns), obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)
