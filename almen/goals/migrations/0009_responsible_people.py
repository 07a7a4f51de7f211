"""A goal's responsible person; "ansvarlig" text kept only for external parties
(decision 0025). The existing text is mapped in 0010: a data migration of its own, so
that on PostgreSQL the new foreign key's index is built before rows point at it
("cannot CREATE INDEX … because it has pending trigger events")."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0008_bounds_and_request_keys"),
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
    ]
