"""Seed the six CEFR levels (Common European Framework of Reference for Languages)."""

from django.db import migrations

LEVELS = [
    ("A1", "Base – livello di contatto"),
    ("A2", "Base – livello di sopravvivenza"),
    ("B1", "Autonomo – livello soglia"),
    ("B2", "Autonomo – livello progresso"),
    ("C1", "Padronanza – livello dell'efficacia"),
    ("C2", "Padronanza – livello della padronanza"),
]


def seed(apps, schema_editor):
    LanguageLevel = apps.get_model("classifications", "LanguageLevel")
    for position, (code, name) in enumerate(LEVELS, start=1):
        LanguageLevel.objects.update_or_create(
            code=code, defaults={"name": name, "position": position}
        )


def unseed(apps, schema_editor):
    apps.get_model("classifications", "LanguageLevel").objects.filter(
        code__in=[code for code, _ in LEVELS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("classifications", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
