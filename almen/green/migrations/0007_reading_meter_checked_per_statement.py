"""A reading's meter is checked once per statement, not once per row (decision 0037).

The foreign key from ``green_reading.meter_id`` to ``green_meter`` is replaced by
triggers that guard the same two things:

- every reading names a meter that exists: on PostgreSQL one statement-level trigger
  per ``INSERT`` or ``UPDATE`` (a ``COPY`` included) reads the meters of the rows it
  wrote from the transition table, takes ``FOR KEY SHARE`` on them — the lock a foreign
  key's check takes, so a meter cannot be deleted until the writer has committed — and
  refuses the statement with ``foreign_key_violation`` when one is missing; on SQLite
  (one writer at a time) a row trigger does what the foreign key did;
- deleting a meter deletes its readings: a statement-level trigger on ``green_meter``
  (a row trigger on SQLite) is the database's ``ON DELETE CASCADE``. Django's collector
  still deletes the readings first (``on_delete=CASCADE``); the trigger deletes what a
  writer committed in between, after the meter's lock was released to the delete.

A test on each backend writes a reading of a missing meter and deletes a meter by raw
SQL (``test_reading_meter_guard.py``); on SQLite a later migration that rebuilds either
table drops these triggers, and that test then fails.
"""

import django.db.models.deletion
from django.db import migrations, models

PG_FORWARD = r"""
CREATE FUNCTION green_reading_meter_exists() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wanted bigint[];
    kept integer;
BEGIN
    SELECT array_agg(DISTINCT meter_id) INTO wanted FROM written;
    IF wanted IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT count(*) INTO kept
      FROM (SELECT id FROM green_meter WHERE id = ANY (wanted) FOR KEY SHARE) AS locked;
    IF kept <> cardinality(wanted) THEN
        RAISE EXCEPTION 'insert or update on table "green_reading" names a meter that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER green_reading_meter_insert AFTER INSERT ON green_reading
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION green_reading_meter_exists();
CREATE TRIGGER green_reading_meter_update AFTER UPDATE ON green_reading
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION green_reading_meter_exists();
CREATE FUNCTION green_meter_readings_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM green_reading WHERE meter_id IN (SELECT id FROM gone);
    RETURN NULL;
END
$$;
CREATE TRIGGER green_meter_readings_cascade AFTER DELETE ON green_meter
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION green_meter_readings_delete();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS green_meter_readings_cascade ON green_meter;
DROP FUNCTION IF EXISTS green_meter_readings_delete();
DROP TRIGGER IF EXISTS green_reading_meter_update ON green_reading;
DROP TRIGGER IF EXISTS green_reading_meter_insert ON green_reading;
DROP FUNCTION IF EXISTS green_reading_meter_exists();
"""

SQLITE_FORWARD = [
    "CREATE TRIGGER green_reading_meter_insert BEFORE INSERT ON green_reading "
    "WHEN NOT EXISTS (SELECT 1 FROM green_meter WHERE id = NEW.meter_id) "
    "BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: green_reading.meter_id'); END",
    "CREATE TRIGGER green_reading_meter_update BEFORE UPDATE OF meter_id ON green_reading "
    "WHEN NOT EXISTS (SELECT 1 FROM green_meter WHERE id = NEW.meter_id) "
    "BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: green_reading.meter_id'); END",
    "CREATE TRIGGER green_meter_readings_cascade AFTER DELETE ON green_meter "
    "BEGIN DELETE FROM green_reading WHERE meter_id = OLD.id; END",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS green_meter_readings_cascade",
    "DROP TRIGGER IF EXISTS green_reading_meter_update",
    "DROP TRIGGER IF EXISTS green_reading_meter_insert",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)
    else:  # pragma: no cover - Almen runs on PostgreSQL and SQLite only
        raise NotImplementedError(f"no reading meter guard for {vendor}")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("green", "0006_reading_import_run_no_constraint"),
    ]

    operations = [
        # Back: the triggers go before the foreign key returns (SQLite rebuilds the
        # table for it, which drops them anyway).
        migrations.RunPython(migrations.RunPython.noop, backward, elidable=False),
        migrations.AlterField(
            model_name="reading",
            name="meter",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="readings",
                to="green.meter",
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop, elidable=False),
    ]
