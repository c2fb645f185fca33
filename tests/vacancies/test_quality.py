"""The quality check: true positives by category, and no false positives on ordinary ads."""

import datetime as dt

import pytest

from sil.vacancies.quality import (
    ADVICE,
    DEFAULT_OPEN_DAYS,
    DISCRIMINATION,
    MAX_OPEN_DAYS,
    MISSING,
    Ad,
    Summary,
    check,
    from_dicts,
    needs_confirmation,
    needs_reason,
)

TODAY = dt.date(2025, 3, 1)
NEAR = TODAY + dt.timedelta(days=30)


def _codes(description, title="Addetto/a alle vendite", requirements=""):
    ad = Ad(title=title, description=description, requirements=requirements, expiry_date=NEAR)
    return [(w.code, w.matched.lower()) for w in check(ad, TODAY)]


@pytest.mark.parametrize(
    ("text", "code", "matched"),
    [
        ("Età massima 35 anni.", "age", "età"),
        ("Requisiti: max 30 anni, automunito.", "age", "max 30 anni"),
        ("Candidati tra i 25 e i 35 anni.", "age", "tra i 25 e i 35 anni"),
        ("Range 20-29 anni.", "age", "20-29 anni"),
        ("Cerchiamo under 30 motivati.", "age", "under 30"),
        ("Ambiente giovane e dinamico.", "age", "giovane"),
        ("Cercasi trentenne con esperienza.", "age", "trentenne"),
        ("Cercasi ragazza per il banco.", "sex", "ragazza"),
        ("Si cercano solo uomini per il turno di notte.", "sex", "uomini"),
        ("Candidato di sesso maschile.", "sex", "sesso"),
        ("Non in gravidanza.", "sex", "gravidanza"),
        ("Si richiede personale femminile.", "sex", "femminile"),
        ("Solo italiani.", "nationality", "solo italiani"),
        ("Cittadinanza italiana richiesta.", "nationality", "cittadinanza italiana"),
        ("No stranieri.", "nationality", "no stranieri"),
        ("Cerchiamo autista italiano.", "nationality", "autista italiano"),
        ("Astenersi extracomunitari.", "nationality", "extracomunitari"),
        ("Richiesta bella presenza.", "appearance", "bella presenza"),
        ("Persona di bell'aspetto.", "appearance", "bell'aspetto"),
        ("Altezza minima 1,75 m.", "appearance", "altezza"),
        ("Taglia 42 massimo.", "appearance", "taglia 42"),
        ("Preferibilmente nubile.", "family", "nubile"),
        ("Senza figli.", "family", "senza figli"),
        ("Candidati sposati.", "family", "sposati"),
        ("Persona cattolica praticante.", "religion", "cattolica"),
        ("Non iscritto al sindacato.", "beliefs", "iscritto al sindacato"),
    ],
)
def test_discriminatory_wording_is_flagged(text, code, matched):
    assert (code, matched) in _codes(text)


def test_flags_requirements_and_title_too():
    warnings = check(
        Ad(
            title="Cameriera bella presenza",
            description="Servizio ai tavoli.",
            requirements="Età 18-25 anni",
            expiry_date=NEAR,
        ),
        TODAY,
    )
    fields = {(w.code, w.field) for w in warnings}
    assert ("appearance", "title") in fields
    assert ("age", "requirements") in fields
    assert all(w.severity == DISCRIMINATION for w in warnings if w.code in {"age", "appearance"})


ORDINARY_ADS = [
    # Realistic ads with words near the rules that must not fire.
    "Richiesti almeno 5 anni di esperienza nella mansione; patente B, automunito/a.",
    "Magazziniere/a con 2 anni di esperienza, uso del muletto (patentino), turni 6-14 e 14-22.",
    "Madrelingua italiana e ottima conoscenza della lingua inglese (livello B2).",
    "Commesso/a per il reparto donna e il reparto uomo di un negozio di abbigliamento.",
    "Cuoco/a esperto/a in cucina italiana e mediterranea; prodotti italiani di qualità.",
    "Sostituzione maternità, contratto a tempo determinato di 12 mesi.",
    "Insegnante di religione cattolica per la scuola primaria.",
    "Maggiore età; disponibilità a trasferte sul territorio regionale.",
    "L'offerta è rivolta a candidati di entrambi i sessi (L. 903/77 e D.Lgs. 198/2006).",
    "Parrucchiere/a per uomo e donna, salone nel centro di Salerno.",
    "Operatore socio-sanitario (OSS) per RSA, attestato regionale, turni notturni.",
    "Sviluppatore/trice Python e Django, conoscenza di PostgreSQL, lavoro ibrido.",
    "Assistenza a persona anziana non autosufficiente, vitto e alloggio.",
    "Retribuzione secondo CCNL Turismo, livello 5, 14 mensilità.",
]


@pytest.mark.parametrize("text", ORDINARY_ADS)
def test_no_false_positives_on_ordinary_ads(text):
    assert _codes(text) == []


def test_ordinary_titles_with_both_forms_need_no_advice():
    for title in [
        "Cameriere/a",
        "Magazziniere (m/f)",
        "Barista",
        "Operaio/a specializzato/a",
        "Autista patente C M/F",
    ]:
        assert _codes("Lavoro in sala.", title=title) == [], title


def test_title_in_one_gender_gets_advice_only():
    warnings = check(Ad(title="Cameriere di sala", description="x", expiry_date=NEAR), TODAY)
    assert [(w.code, w.severity) for w in warnings] == [("gender_title", ADVICE)]
    assert not needs_confirmation(warnings)


def test_missing_information():
    ad = Ad(
        title="Impiegato/a",
        description="Contabilità.",
        has_contract_type=False,
        has_workplace=False,
        has_pay=False,
        expiry_date=None,
    )
    warnings = check(ad, TODAY)
    by_code = {w.code: w for w in warnings}
    assert set(by_code) == {
        "contract_missing",
        "workplace_missing",
        "pay_missing",
        "expiry_missing",
    }
    assert by_code["contract_missing"].field == "contract_type"
    assert by_code["pay_missing"].severity == MISSING
    assert by_code["expiry_missing"].severity == ADVICE
    assert str(DEFAULT_OPEN_DAYS) in by_code["expiry_missing"].message
    assert needs_confirmation(warnings) and not needs_reason(warnings)


def test_expiry_too_far_or_past():
    far = Ad(
        title="Impiegato/a",
        description="x",
        expiry_date=TODAY + dt.timedelta(days=MAX_OPEN_DAYS + 1),
    )
    assert [w.code for w in check(far, TODAY)] == ["expiry_too_far"]
    limit = Ad(
        title="Impiegato/a", description="x", expiry_date=TODAY + dt.timedelta(days=MAX_OPEN_DAYS)
    )
    assert check(limit, TODAY) == []
    past = Ad(title="Impiegato/a", description="x", expiry_date=TODAY - dt.timedelta(days=1))
    assert [w.code for w in check(past, TODAY)] == ["expiry_past"]


def test_severity_rules_and_round_trip():
    warnings = check(
        Ad(title="Impiegato/a", description="Solo uomini.", has_pay=False, expiry_date=NEAR), TODAY
    )
    assert needs_confirmation(warnings) and needs_reason(warnings)
    summary = Summary.of(warnings)
    assert [w.code for w in summary.discrimination] == ["sex"]
    assert [w.code for w in summary.missing] == ["pay_missing"]
    assert from_dicts([w.as_dict() for w in warnings]) == warnings


def test_the_same_wording_is_reported_once_per_field():
    assert _codes("Bella presenza. Ripeto: bella presenza.") == [("appearance", "bella presenza")]
