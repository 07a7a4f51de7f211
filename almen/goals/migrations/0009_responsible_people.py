"""A goal's responsible person; "ansvarlig" text kept only for external parties, and
existing text mapped to a person or body of the organisation when it matches exactly
one (``goals.responsible.map_free_text``, decision 0025)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def map_free_text(apps, schema_editor):
    from almen.goals.responsible import map_free_text as mapping

    mapping(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0008_bounds_and_request_keys"),
        ("register", "0006_resident_anonymised_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="goal",
            name="responsible_user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="responsible_goals",
                to=settings.AUTH_USER_MODEL,
                verbose_name="ansvarlig person",
            ),
        ),
        migrations.AlterField(
            model_name="action",
            name="responsible",
            field=models.CharField(
                blank=True,
                help_text="Kun hvis den ansvarlige ikke er en person eller et organ i "
                "organisationen, fx en entreprenør eller kommunen.",
                max_length=200,
                verbose_name="ekstern ansvarlig",
            ),
        ),
        migrations.AlterField(
            model_name="goal",
            name="responsible",
            field=models.CharField(
                blank=True,
                help_text="Kun hvis den ansvarlige ikke er en person eller et organ i "
                "organisationen, fx kommunen eller en samarbejdspartner.",
                max_length=200,
                verbose_name="ekstern ansvarlig",
            ),
        ),
        migrations.RunPython(map_free_text, migrations.RunPython.noop, elidable=True),
    ]
