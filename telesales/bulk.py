"""Set-based writes for many rows at once where the ORM's `bulk_update` is slow (it builds one
CASE WHEN per field and row): on PostgreSQL one UPDATE from a VALUES list per page of rows, on
SQLite one prepared UPDATE run for every row (executemany)."""

from collections.abc import Sequence

from django.db import connection
from django.db.models import Field, JSONField


def update_rows(objs: Sequence, fields: Sequence[str], *, portable: bool = False) -> int:
    """Write `fields` of saved model instances `objs` (all of one model) by primary key, values
    prepared by each field as the ORM prepares them. Returns the row count.

    PostgreSQL: one `UPDATE … FROM (VALUES …)` per thousand rows. Elsewhere (or `portable`): one
    prepared UPDATE per row (executemany), which SQLite runs in-process at the same speed."""
    if not objs:
        return 0
    meta = type(objs[0])._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    params = [[*(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns), obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not portable:
            from psycopg2.extras import execute_values

            # Typed VALUES: a NULL or a text literal in the first row must not decide a column's type.
            types = [f.db_type(connection) for f in columns] + [meta.pk.rel_db_type(connection)]
            names = [f"c{i}" for i in range(len(columns))]
            sets = ", ".join(f"{quote(f.column)} = v.{name}" for f, name in zip(columns, names, strict=True))
            sql = (f"UPDATE {table} SET {sets} FROM (VALUES %s) AS v({', '.join(names)}, pk) "
                   f"WHERE {table}.{pk} = v.pk")
            template = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
            execute_values(cursor.cursor, sql, params, template=template, page_size=1000)
        else:
            sets = ", ".join(f"{quote(f.column)} = %s" for f in columns)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", params)
    return len(params)


def _insert_spec(field: Field) -> tuple:
    """How `insert_rows` reads and prepares one field: its attribute, its `pre_save` only where
    the field has its own (auto_now and the like: the base one just reads the attribute), its
    `get_db_prep_save`, and whether None is simply NULL (Django's own fields other than JSON,
    where None may be the JSON value null)."""
    own_pre_save = type(field).pre_save is not Field.pre_save
    core = type(field).__module__.startswith("django.db.models.fields") and not isinstance(field, JSONField)
    return field.attname, field.pre_save if own_pre_save else None, field.get_db_prep_save, core


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
        specs = [_insert_spec(f) for f in fields]
        params = []
        for i, obj in enumerate(objs):
            obj.pk = first + i
            row = [obj.pk]
            for attname, pre_save, prep, none_is_null in specs:
                value = pre_save(obj, True) if pre_save else getattr(obj, attname)
                row.append(None if value is None and none_is_null else prep(value, connection))
            params.append(row)
            obj._state.adding, obj._state.db = False, connection.alias
        if postgres:
            from psycopg2.extras import execute_values

            execute_values(cursor.cursor, f"INSERT INTO {quote(table)} ({columns}) VALUES %s", params, page_size=batch)
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, pk.column, first + len(objs) - 1])
        else:
            marks = ", ".join(["%s"] * (len(fields) + 1))
            cursor.executemany(f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})", params)


def upsert_rows(model, fields: Sequence[str], rows, *, portable: bool = False, page: int = 1000) -> int:
    """INSERT `rows` (tuples of the `fields` values, the primary key first) into `model`'s table,
    replacing the other fields where the primary key exists (`INSERT … ON CONFLICT (pk) DO UPDATE`),
    values prepared by each field as the ORM prepares them, without building model instances.
    PostgreSQL: multi-row VALUES pages; elsewhere (or `portable`) one prepared statement per row."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in columns)
    sets = ", ".join(f"{quote(f.column)} = EXCLUDED.{quote(f.column)}" for f in columns[1:])
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES %s ON CONFLICT ({quote(columns[0].column)}) DO UPDATE SET {sets}"
    preps = [f.get_db_prep_save for f in columns]
    params = [[prep(value, connection) for prep, value in zip(preps, row, strict=True)] for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not portable:
            from psycopg2.extras import execute_values

            execute_values(cursor.cursor, sql, params, page_size=page)
        elif params:
            cursor.executemany(sql.replace("VALUES %s", "VALUES (" + ", ".join(["%s"] * len(columns)) + ")"), params)
    return len(params)
