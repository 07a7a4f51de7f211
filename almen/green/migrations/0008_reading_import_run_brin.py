"""Two costs of every reading written, made smaller on PostgreSQL (decision 0039):

- ``import_run_id`` is indexed with BRIN instead of a B-tree. The index exists for one
  statement, the ORM's ``SET NULL`` when an import run is deleted (with its
  organisation). An import's readings are written together, so they lie together in
  the table, and a BRIN index (a few pages) finds them. A B-tree had one entry per
  reading, all with the same key for an import: ~7 % of a 10-million-row ``COPY``.
- The ``id`` identity caches 1,000 values per connection instead of fetching each from
  the sequence. Readings are never ordered by id.

Django's migration state still records the default B-tree index of the foreign key
(SQLite keeps it). A later migration that alters the field rebuilds a B-tree, and
``test_imports_write_pg.py::test_the_readings_keep_the_cheap_write_schema`` then
fails.
"""

from django.db import migrations

OLD_INDEX = "green_reading_import_run_id_76a9d55e"
BRIN = "green_reading_import_run_brin"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {BRIN} ON green_reading USING brin (import_run_id)")
    schema_editor.execute("ALTER TABLE green_reading ALTER COLUMN id SET CACHE 1000")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE green_reading ALTER COLUMN id SET CACHE 1")
    schema_editor.execute(f"DROP INDEX IF EXISTS {BRIN}")
    schema_editor.execute(f"CREATE INDEX {OLD_INDEX} ON green_reading (import_run_id)")


class Migration(migrations.Migration):
    dependencies = [("green", "0007_reading_meter_checked_per_statement")]

    operations = [migrations.RunPython(forward, backward)]
