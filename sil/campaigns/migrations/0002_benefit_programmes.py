"""The benefit programmes in force (SPEC sections 0 and 4), as data: edit them, not the code."""

from django.db import migrations

NASPI_LADDER = {
    "missed_convocation": [
        "riduzione di 1/4 di una mensilità",
        "riduzione di una mensilità",
        "decadenza dalla prestazione e dallo stato di disoccupazione",
    ],
    "missed_activity": ["riduzione di una mensilità", "decadenza dalla prestazione"],
    "refused_offer": ["decadenza dalla prestazione"],
}
ADI_LADDER = {
    "missed_convocation": ["decadenza del nucleo dal beneficio"],
    "pact_not_signed": ["decadenza del nucleo dal beneficio"],
    "missed_activity": ["decadenza del nucleo dal beneficio"],
    "refused_offer": ["decadenza del nucleo dal beneficio"],
}
SFL_LADDER = {
    "missed_convocation": ["decadenza dal beneficio"],
    "pact_not_signed": ["decadenza dal beneficio"],
    "missed_activity": ["sospensione del pagamento per il mese senza partecipazione"],
}

PROGRAMMES = [
    {
        "code": "ADI",
        "name": "Assegno di inclusione",
        "legal_basis": "D.L. 48/2023, artt. 1-13; D.M. 13 dicembre 2023",
        "description": (
            "Componenti del nucleo attivabili al lavoro: Patto di servizio personalizzato presso "
            "il CPI. La mancata presentazione senza giustificato motivo fa decadere l'intero "
            "nucleo (art. 8 c. 6)."
        ),
        "contact_days": 60,
        "pact_days": 60,
        "sanction_rules": ADI_LADDER,
        "sanctions_household": True,
        "is_active": True,
    },
    {
        "code": "SFL",
        "name": "Supporto per la formazione e il lavoro",
        "legal_basis": "D.L. 48/2023, art. 12",
        "description": (
            "Dopo il PAD (con almeno tre agenzie per il lavoro indicate) il CPI convoca la "
            "persona per il Patto di servizio; il pagamento dipende dalla partecipazione."
        ),
        "contact_days": None,
        "pact_days": None,
        "sanction_rules": SFL_LADDER,
        "sanctions_household": False,
        "is_active": True,
    },
    {
        "code": "NASPI",
        "name": "NASpI",
        "legal_basis": "D.Lgs. 22/2015; D.Lgs. 150/2015, art. 21; D.L. 60/2024, art. 25",
        "description": "Contatto con il CPI entro 15 giorni; Patto di servizio entro 45 giorni.",
        "contact_days": 15,
        "pact_days": 45,
        "sanction_rules": NASPI_LADDER,
        "sanctions_household": False,
        "is_active": True,
    },
    {
        "code": "DIS-COLL",
        "name": "DIS-COLL",
        "legal_basis": "D.Lgs. 22/2015, art. 15; D.Lgs. 150/2015, art. 21",
        "description": "Contatto con il CPI entro 15 giorni; Patto di servizio entro 45 giorni.",
        "contact_days": 15,
        "pact_days": 45,
        "sanction_rules": NASPI_LADDER,
        "sanctions_household": False,
        "is_active": True,
    },
    {
        "code": "GOL",
        "name": "Garanzia di occupabilità dei lavoratori (GOL)",
        "legal_basis": "PNRR M5C1; D.I. 5 novembre 2021",
        "description": "Assessment, percorso GOL e Patto di servizio.",
        "contact_days": 30,
        "pact_days": None,
        "sanction_rules": {},
        "sanctions_household": False,
        "is_active": True,
    },
    {
        "code": "RDC",
        "name": "Reddito di cittadinanza",
        "legal_basis": "D.L. 4/2019; abrogato dalla L. 197/2022 dal 1° gennaio 2024",
        "description": "Misura cessata il 31 dicembre 2023: resta per lo storico.",
        "contact_days": 30,
        "pact_days": None,
        "sanction_rules": {},
        "sanctions_household": True,
        "is_active": False,
    },
]


def add_programmes(apps, schema_editor):
    programme = apps.get_model("campaigns", "BenefitProgramme")
    for values in PROGRAMMES:
        code = values["code"]
        programme.objects.update_or_create(
            code=code, defaults={k: v for k, v in values.items() if k != "code"}
        )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_campaigns")]

    operations = [migrations.RunPython(add_programmes, migrations.RunPython.noop)]
