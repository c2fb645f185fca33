"""Seed the main contract types of the Ministry's Comunicazioni Obbligatorie table.

Only codes whose meaning is certain; the full table (with its retired codes) can be loaded on
top later, keyed by the same codes.
"""

from django.db import migrations

CONTRACT_TYPES = [
    ("A.01.00", "Lavoro a tempo indeterminato"),
    ("A.02.00", "Lavoro a tempo determinato"),
    ("A.02.01", "Lavoro a tempo determinato per sostituzione"),
    (
        "A.03.08",
        "Apprendistato per la qualifica e per il diploma professionale, il diploma di istruzione "
        "secondaria superiore e il certificato di specializzazione tecnica superiore",
    ),
    ("A.03.09", "Apprendistato professionalizzante o contratto di mestiere"),
    ("A.03.10", "Apprendistato di alta formazione e ricerca"),
    ("A.04.02", "Lavoro domestico"),
    ("A.05.02", "Lavoro intermittente"),
    ("A.06.00", "Lavoro in somministrazione a tempo indeterminato"),
    ("A.06.01", "Lavoro in somministrazione a tempo determinato"),
    ("A.08.02", "Lavoro a domicilio"),
    ("B.03.00", "Collaborazione coordinata e continuativa"),
    ("C.01.00", "Tirocinio"),
    ("M.02.00", "Contratto di agenzia"),
]


def seed(apps, schema_editor):
    ContractType = apps.get_model("classifications", "ContractType")
    for code, name in CONTRACT_TYPES:
        ContractType.objects.update_or_create(code=code, defaults={"name": name})


def unseed(apps, schema_editor):
    apps.get_model("classifications", "ContractType").objects.filter(
        code__in=[code for code, _ in CONTRACT_TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("classifications", "0002_cefr_levels")]

    operations = [migrations.RunPython(seed, unseed)]
