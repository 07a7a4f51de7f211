"""Loads Almene mål 2026–2028 (texts verbatim from BL's publication, with an English
translation) from the project's data file and publishes it."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "framework-2026-2028.json"


def load(apps, schema_editor):
    Framework = apps.get_model("goals", "Framework")
    Section = apps.get_model("goals", "FrameworkSection")
    Cornerstone = apps.get_model("goals", "Cornerstone")
    Commitment = apps.get_model("goals", "Commitment")
    Prerequisite = apps.get_model("goals", "Prerequisite")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    framework, _ = Framework.objects.update_or_create(
        slug=data["slug"],
        defaults={
            "title_da": data["title"]["da"],
            "title_en": data["title"]["en"],
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "status": "published",
            "publisher": data["publisher"],
            "credit_da": data["credit"]["da"],
            "credit_en": data["credit"]["en"],
            "prerequisites_intro_da": data["prerequisites"]["intro"]["da"],
            "prerequisites_intro_en": data["prerequisites"]["intro"]["en"],
            "prerequisites_closing_da": data["prerequisites"]["closing"]["da"],
            "prerequisites_closing_en": data["prerequisites"]["closing"]["en"],
        },
    )
    for order, section in enumerate(data["introduction"], start=1):
        Section.objects.update_or_create(
            framework=framework,
            key=section["key"],
            defaults={
                "order": order,
                "heading_da": section["heading"]["da"],
                "heading_en": section["heading"]["en"],
                "body_da": section["body"]["da"],
                "body_en": section["body"]["en"],
            },
        )
    for item in data["cornerstones"]:
        cornerstone, _ = Cornerstone.objects.update_or_create(
            framework=framework,
            number=item["number"],
            defaults={
                "title_da": item["title"]["da"],
                "title_en": item["title"]["en"],
                "body_da": item["body"]["da"],
                "body_en": item["body"]["en"],
                "closing_da": item["closing"]["da"],
                "closing_en": item["closing"]["en"],
            },
        )
        for number, text in enumerate(item["commitments"], start=1):
            Commitment.objects.update_or_create(
                cornerstone=cornerstone,
                number=number,
                defaults={
                    "code": f"{item['number']}.{number}",
                    "text_da": text["da"],
                    "text_en": text["en"],
                },
            )
    for number, text in enumerate(data["prerequisites"]["items"], start=1):
        Prerequisite.objects.update_or_create(
            framework=framework,
            number=number,
            defaults={"code": f"F{number}", "text_da": text["da"], "text_en": text["en"]},
        )


def unload(apps, schema_editor):
    apps.get_model("goals", "Framework").objects.filter(slug="2026-2028").delete()


class Migration(migrations.Migration):
    dependencies = [("goals", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
