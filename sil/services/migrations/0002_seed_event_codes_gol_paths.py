"""Seed the SAP policy-event codes (Flusso SAP) and the five GOL pathways.

The event date must equal the policy's proposal date (01), start date (02) or end date (05, 07,
08, 09, 10, 12, 14, 15); the other events carry no date rule.
"""

from django.db import migrations

EVENT_CODES = [
    ("01", "Proposta", "proposal"),
    ("02", "Iniziata", "start"),
    ("03", "Respinta", "any"),
    ("04", "Rifiuto", "any"),
    ("05", "Abbandono", "end"),
    ("06", "Annullamento prima dell'avvio", "any"),
    ("07", "Annullamento dopo l'avvio", "end"),
    ("08", "Cancellazione", "end"),
    ("09", "Sospesa", "end"),
    ("10", "Terminata", "end"),
    ("11", "Rendicontata", "any"),
    ("12", "Decaduta", "end"),
    ("13", "Esonerata", "any"),
    ("14", "Trasformata", "end"),
    ("15", "Esclusione", "end"),
]

GOL_PATHS = [
    (1, "Reinserimento lavorativo", "Persone vicine al mercato: orientamento e intermediazione"),
    (2, "Aggiornamento (upskilling)", "Formazione professionale breve"),
    (3, "Riqualificazione (reskilling)", "Formazione più lunga"),
    (4, "Lavoro e inclusione", "Bisogni complessi: rete dei servizi sociali e sanitari"),
    (5, "Ricollocazione collettiva", "Crisi aziendali, gestite per gruppi"),
]


def seed(apps, schema_editor):
    PolicyEventCode = apps.get_model("services", "PolicyEventCode")
    GolPath = apps.get_model("services", "GolPath")
    for code, name, rule in EVENT_CODES:
        PolicyEventCode.objects.update_or_create(
            code=code, defaults={"name": name, "date_rule": rule}
        )
    for number, name, description in GOL_PATHS:
        GolPath.objects.update_or_create(
            number=number, defaults={"name": name, "description": description}
        )


def unseed(apps, schema_editor):
    apps.get_model("services", "PolicyEventCode").objects.filter(
        code__in=[code for code, _, _ in EVENT_CODES]
    ).delete()
    apps.get_model("services", "GolPath").objects.filter(
        number__in=[number for number, _, _ in GOL_PATHS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
