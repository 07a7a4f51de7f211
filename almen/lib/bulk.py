"""Fast inserts for large writes (register imports): one ``executemany`` per batch with
ids reserved up front, instead of building a model instance and SQL per row.

``bulk_create`` spent ~70 % of a register import compiling SQL for each object; this
path prepares each value with the field's own ``get_db_prep_save`` (so dates, decimals
and JSON are stored exactly as the ORM would) and sends plain rows. Call it inside
``transaction.atomic``: on SQLite the IMMEDIATE transaction holds the write lock, so
``MAX(id) + 1`` cannot be taken by anyone else; on PostgreSQL ids come from the table's
own sequence, so concurrent writers are safe.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

# Values of these types go to the database as they are (str and int).
_AS_IS = {
    "CharField",
    "TextField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "ForeignKey",
    "BigAutoField",
    "AutoField",
}


def _preparer(field: models.Field[Any, Any], db: Any) -> Callable[[Any], Any]:
    if field.get_internal_type() in _AS_IS:
        return _identity
    return lambda value: field.get_db_prep_save(value, db)


def _identity(value: Any) -> Any:
    return value


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``'s table."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")  # noqa: S608 - a table name
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch_size: int = 5000,
    ignore_conflicts_on: Sequence[str] = (),
) -> int:
    """Insert ``rows`` (values in ``columns`` order, attnames such as ``unit_id``).
    Returns the number of rows sent. With ``ignore_conflicts_on`` (the columns of a
    unique constraint) a row that would break that constraint is skipped (``ON CONFLICT
    … DO NOTHING``, on SQLite and PostgreSQL alike): how the outbox queues once-only."""
    fields = [model._meta.get_field(name) for name in columns]
    concrete = [f for f in fields if isinstance(f, models.Field)]
    if len(concrete) != len(fields):
        raise ValueError("insert_rows takes concrete columns only")
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the thread-local proxy
    prepare = [_preparer(field, db) for field in concrete]
    quoted = ", ".join(connection.ops.quote_name(f.column or f.name) for f in concrete)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({quoted}) "  # noqa: S608
        f"VALUES ({placeholders})"
    )
    if ignore_conflicts_on:
        target = ", ".join(connection.ops.quote_name(c) for c in ignore_conflicts_on)
        sql += f" ON CONFLICT ({target}) DO NOTHING"
    written = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([prep(value) for prep, value in zip(prepare, row, strict=True)])
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def copy_rows(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch_size: int = 5000,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Insert ready-made database values the fastest way the database offers: ``COPY``
    on PostgreSQL, batched ``executemany`` on SQLite (for generated national data, whose
    values need no preparation). ``on_batch(n)`` reports progress."""
    tick = on_batch or (lambda n: None)
    count = 0
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {quoted} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
                    if count % batch_size == 0:
                        tick(batch_size)
            tick(count % batch_size)
            return count
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quoted} ({names}) VALUES ({marks})"  # noqa: S608 - identifiers
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                tick(len(batch))
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
            tick(len(batch))
    return count
