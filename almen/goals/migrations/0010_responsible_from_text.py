"""Existing "ansvarlig" text becomes a person or a body of the organisation when exactly
one answers to it; anything else stays as an external party's name
(``goals.responsible.map_free_text``, decision 0025)."""

from django.db import migrations


def map_free_text(apps, schema_editor):
    from almen.goals.responsible import map_free_text as mapping

    mapping(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0009_responsible_people"),
        ("register", "0006_resident_anonymised_at"),
    ]

    operations = [
        migrations.RunPython(map_free_text, migrations.RunPython.noop, elidable=True),
    ]
