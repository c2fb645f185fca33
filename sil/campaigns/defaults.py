"""Default message texts of a new campaign, in Italian and English.

Written for recipients with little digital confidence: short sentences, what to do, where and
when, the number to call and the personal link. SMS texts stay within one or two GSM-7
segments once the placeholders are filled (no accented capitals, no curly quotes).

Placeholders: {nome} {cognome} {data} {ora} {sede} {indirizzo} {link} {telefono}. (The code that
signs a service pact is not a campaign message: services.pacts writes it.)
"""

from __future__ import annotations

from sil.campaigns.models import TemplateStep

PLACEHOLDERS = ("nome", "cognome", "data", "ora", "sede", "indirizzo", "link", "telefono")

# Example values used to preview texts and count SMS segments before sending.
SAMPLE = {
    "nome": "Maria",
    "cognome": "Esposito",
    "data": "12/01/2027",
    "ora": "09:30",
    "sede": "CPI di Napoli Centro",
    "indirizzo": "Via Roma 1, Napoli",
    "link": "https://sil.example.it/a/3f9k2x",
    "telefono": "081 000 0000",
}

# (step, channel, language) -> (subject, body)
TEXTS: dict[tuple[str, str, str], tuple[str, str]] = {
    # -- invitation
    (TemplateStep.INVITATION, "sms", "it"): (
        "",
        "Centro per l'Impiego: {nome}, ha un appuntamento il {data} alle {ora} in {sede}, "
        "{indirizzo}. Porti un documento. Conferma o cambia: {link} Info {telefono}",
    ),
    (TemplateStep.INVITATION, "sms", "en"): (
        "",
        "Job Centre: {nome}, you have an appointment on {data} at {ora} at {sede}, "
        "{indirizzo}. Bring an ID. Confirm or change: {link} Info {telefono}",
    ),
    (TemplateStep.INVITATION, "email", "it"): (
        "Appuntamento al Centro per l'Impiego il {data}",
        "Gentile {nome} {cognome},\n\n"
        "la aspettiamo al Centro per l'Impiego per firmare il Patto di servizio.\n\n"
        "Quando: {data} alle {ora}\n"
        "Dove: {sede}, {indirizzo}\n\n"
        "Porti un documento di identità e la tessera sanitaria.\n\n"
        "Per confermare, cambiare giorno o dirci che non può venire usi questo link:\n"
        "{link}\n\n"
        "Se non si presenta senza un giustificato motivo, il beneficio può essere ridotto o "
        "revocato.\n\n"
        "Per informazioni chiami il {telefono}.\n\n"
        "Centro per l'Impiego",
    ),
    (TemplateStep.INVITATION, "email", "en"): (
        "Appointment at the Job Centre on {data}",
        "Dear {nome} {cognome},\n\n"
        "please come to the Job Centre (Centro per l'Impiego) to sign your service agreement "
        "(Patto di servizio).\n\n"
        "When: {data} at {ora}\n"
        "Where: {sede}, {indirizzo}\n\n"
        "Bring an identity document and your health card.\n\n"
        "To confirm, change the day or tell us you cannot come, use this link:\n"
        "{link}\n\n"
        "If you do not come without a valid reason, your benefit may be reduced or withdrawn.\n\n"
        "For information call {telefono}.\n\n"
        "Job Centre",
    ),
    (TemplateStep.INVITATION, "appio", "it"): (
        "Appuntamento al Centro per l'Impiego il {data}",
        "Gentile {nome}, la aspettiamo il **{data} alle {ora}** presso {sede}, {indirizzo}, "
        "per firmare il Patto di servizio. Porti un documento di identità.\n\n"
        "Per confermare o cambiare giorno: {link}\n\nInformazioni: {telefono}.",
    ),
    (TemplateStep.INVITATION, "appio", "en"): (
        "Appointment at the Job Centre on {data}",
        "Dear {nome}, please come on **{data} at {ora}** to {sede}, {indirizzo}, to sign "
        "your service agreement. Bring an identity document.\n\n"
        "To confirm or change the day: {link}\n\nInformation: {telefono}.",
    ),
    # -- reminder
    (TemplateStep.REMINDER, "sms", "it"): (
        "",
        "Promemoria: {nome}, la aspettiamo il {data} alle {ora} in {sede}, {indirizzo}. "
        "Non puo venire? {link} Info {telefono}",
    ),
    (TemplateStep.REMINDER, "sms", "en"): (
        "",
        "Reminder: {nome}, see you on {data} at {ora} at {sede}, {indirizzo}. "
        "Cannot come? {link} Info {telefono}",
    ),
    (TemplateStep.REMINDER, "email", "it"): (
        "Promemoria: appuntamento il {data} alle {ora}",
        "Gentile {nome} {cognome},\n\n"
        "le ricordiamo l'appuntamento al Centro per l'Impiego:\n\n"
        "Quando: {data} alle {ora}\nDove: {sede}, {indirizzo}\n\n"
        "Se non può venire, ce lo dica da questo link: {link}\n\n"
        "Per informazioni chiami il {telefono}.",
    ),
    (TemplateStep.REMINDER, "email", "en"): (
        "Reminder: appointment on {data} at {ora}",
        "Dear {nome} {cognome},\n\n"
        "this is a reminder of your appointment at the Job Centre:\n\n"
        "When: {data} at {ora}\nWhere: {sede}, {indirizzo}\n\n"
        "If you cannot come, tell us with this link: {link}\n\n"
        "For information call {telefono}.",
    ),
    (TemplateStep.REMINDER, "appio", "it"): (
        "Promemoria: appuntamento il {data}",
        "Gentile {nome}, le ricordiamo l'appuntamento del **{data} alle {ora}** presso {sede}, "
        "{indirizzo}.\n\nSe non può venire: {link}\n\nInformazioni: {telefono}.",
    ),
    (TemplateStep.REMINDER, "appio", "en"): (
        "Reminder: appointment on {data}",
        "Dear {nome}, this is a reminder of your appointment on **{data} at {ora}** at "
        "{sede}, {indirizzo}.\n\nIf you cannot come: {link}\n\nInformation: {telefono}.",
    ),
    # -- moved
    (TemplateStep.MOVED, "sms", "it"): (
        "",
        "Centro per l'Impiego: {nome}, il suo appuntamento ora e il {data} alle {ora} in "
        "{sede}. Dettagli: {link} Info {telefono}",
    ),
    (TemplateStep.MOVED, "sms", "en"): (
        "",
        "Job Centre: {nome}, your appointment is now on {data} at {ora} at {sede}. "
        "Details: {link} Info {telefono}",
    ),
    (TemplateStep.MOVED, "email", "it"): (
        "Nuovo appuntamento il {data} alle {ora}",
        "Gentile {nome} {cognome},\n\nil suo appuntamento è stato spostato.\n\n"
        "Nuova data: {data} alle {ora}\nDove: {sede}, {indirizzo}\n\n"
        "Dettagli: {link}\n\nPer informazioni chiami il {telefono}.",
    ),
    (TemplateStep.MOVED, "email", "en"): (
        "New appointment on {data} at {ora}",
        "Dear {nome} {cognome},\n\nyour appointment has been moved.\n\n"
        "New date: {data} at {ora}\nWhere: {sede}, {indirizzo}\n\n"
        "Details: {link}\n\nFor information call {telefono}.",
    ),
    (TemplateStep.MOVED, "appio", "it"): (
        "Appuntamento spostato al {data}",
        "Gentile {nome}, il suo appuntamento ora è il **{data} alle {ora}** presso {sede}, "
        "{indirizzo}.\n\nDettagli: {link}\n\nInformazioni: {telefono}.",
    ),
    (TemplateStep.MOVED, "appio", "en"): (
        "Appointment moved to {data}",
        "Dear {nome}, your appointment is now on **{data} at {ora}** at {sede}, "
        "{indirizzo}.\n\nDetails: {link}\n\nInformation: {telefono}.",
    ),
    # -- cancelled
    (TemplateStep.CANCELLED, "sms", "it"): (
        "",
        "Centro per l'Impiego: {nome}, l'appuntamento del {data} alle {ora} e annullato. "
        "La ricontatteremo. Info {telefono}",
    ),
    (TemplateStep.CANCELLED, "sms", "en"): (
        "",
        "Job Centre: {nome}, the appointment on {data} at {ora} is cancelled. "
        "We will contact you again. Info {telefono}",
    ),
    (TemplateStep.CANCELLED, "email", "it"): (
        "Appuntamento del {data} annullato",
        "Gentile {nome} {cognome},\n\nl'appuntamento del {data} alle {ora} presso {sede} è "
        "annullato. La ricontatteremo con una nuova data.\n\n"
        "Per informazioni chiami il {telefono}.",
    ),
    (TemplateStep.CANCELLED, "email", "en"): (
        "Appointment on {data} cancelled",
        "Dear {nome} {cognome},\n\nthe appointment on {data} at {ora} at {sede} is "
        "cancelled. We will contact you again with a new date.\n\n"
        "For information call {telefono}.",
    ),
    (TemplateStep.CANCELLED, "appio", "it"): (
        "Appuntamento del {data} annullato",
        "Gentile {nome}, l'appuntamento del {data} alle {ora} è annullato. La ricontatteremo "
        "con una nuova data.\n\nInformazioni: {telefono}.",
    ),
    (TemplateStep.CANCELLED, "appio", "en"): (
        "Appointment on {data} cancelled",
        "Dear {nome}, the appointment on {data} at {ora} is cancelled. We will contact you "
        "again with a new date.\n\nInformation: {telefono}.",
    ),
}

LANGUAGES = ("it", "en")


def default_text(step: str, channel: str, language: str = "it") -> tuple[str, str]:
    """(subject, body) of the default text; the Italian one when the language has none."""
    return TEXTS.get((step, channel, language)) or TEXTS.get((step, channel, "it"), ("", ""))
