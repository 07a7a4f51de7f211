"""Loads the 98 municipalities (official codes and regions) from the project's data file."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"


def load(apps, schema_editor):
    Municipality = apps.get_model("register", "Municipality")
    with DATA.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Municipality.objects.update_or_create(
                code=row["code"], defaults={"name": row["name"], "region": row["region"]}
            )


def unload(apps, schema_editor):
    apps.get_model("register", "Municipality").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
