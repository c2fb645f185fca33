"""Seed the income thresholds of the unemployment status (SPEC §2), marked with their source."""

from decimal import Decimal

from django.db import migrations

SOURCE_EMPLOYEE = (
    "SPEC §2 [C·S7] agenzialavoro.emr.it, agenziapiemontelavoro (ANPAL circ. 1/2017); "
    "confermata per il 2024 [C·S8] INPS msg. 1414/2024. Data di inizio non verificata [M]."
)
SOURCE_SELF_EMPLOYED = (
    "SPEC §2 [C·S7] agenzialavoro.emr.it, agenziapiemontelavoro (ANPAL circ. 1/2017). "
    "Data di inizio non verificata [M]."
)

THRESHOLDS = [
    ("employee", Decimal("8500.00"), SOURCE_EMPLOYEE),
    ("self_employed", Decimal("5500.00"), SOURCE_SELF_EMPLOYED),
]


def seed(apps, schema_editor):
    IncomeThreshold = apps.get_model("did", "IncomeThreshold")
    for kind, amount, source in THRESHOLDS:
        IncomeThreshold.objects.get_or_create(
            kind=kind, valid_from=None, defaults={"amount": amount, "source": source}
        )


def unseed(apps, schema_editor):
    IncomeThreshold = apps.get_model("did", "IncomeThreshold")
    for kind, amount, _source in THRESHOLDS:
        IncomeThreshold.objects.filter(kind=kind, valid_from=None, amount=amount).delete()


class Migration(migrations.Migration):
    dependencies = [("did", "0001_did_events_suspensions_thresholds")]

    operations = [migrations.RunPython(seed, unseed)]
