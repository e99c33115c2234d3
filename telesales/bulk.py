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


def insert_rows(objs: Sequence, *, batch: int = 1000) -> None:
    """INSERT unsaved model instances `objs` (all of one model) with ids given here, in one
    prepared statement run for every row (SQLite) or multi-row VALUES pages (PostgreSQL), without
    the ORM's per-value expression handling. Each object gets its id, as after `bulk_create`.

    For bulk loads with no other writer of the table (the demo seed): the ids continue from the
    table's largest; on PostgreSQL the table is locked and its id sequence moved past them."""
    if not objs:
        return
    meta = type(objs[0])._meta
    table, pk = meta.db_table, meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [pk.column, *(f.column for f in fields)])
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(f"LOCK TABLE {quote(table)} IN EXCLUSIVE MODE")
        cursor.execute(f"SELECT COALESCE(MAX({quote(pk.column)}), 0) FROM {quote(table)}")
        first = cursor.fetchone()[0] + 1
        params = []
        for i, obj in enumerate(objs):
            obj.pk = first + i
            params.append((obj.pk, *(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)))
            obj._state.adding, obj._state.db = False, connection.alias
        if postgres:
            from psycopg2.extras import execute_values

            execute_values(cursor.cursor, f"INSERT INTO {quote(table)} ({columns}) VALUES %s", params, page_size=batch)
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, pk.column, first + len(objs) - 1])
        else:
            marks = ", ".join(["%s"] * (len(fields) + 1))
            cursor.executemany(f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})", params)
