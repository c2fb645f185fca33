"""The quality check run before a vacancy is published. Pure: text and facts in, warnings out.

Italian law forbids job ads that select by age, sex, nationality or origin, appearance,
family status or religion (D.Lgs. 198/2006 art. 27, D.Lgs. 215 and 216/2003, D.Lgs.
276/2003 art. 10) except where a law allows it (e.g. the age limits of apprenticeship).
The check looks for the usual wording of such requirements and for missing BCNL information
(contract, workplace, pay, expiry). It cannot understand context: it flags, and an operator
decides. Three severities:

* ``discrimination``: publishing needs explicit confirmation *and* a reason;
* ``missing``: publishing needs explicit confirmation;
* ``advice``: shown, never blocks.

Matching is done on lower-cased text; accented and unaccented spellings are both accepted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

DISCRIMINATION: Final = "discrimination"
MISSING: Final = "missing"
ADVICE: Final = "advice"

# Past this many days from publication an expiry date is "too far": the ad goes stale.
MAX_OPEN_DAYS: Final = 180
# With no expiry date, publication sets one this many days ahead.
DEFAULT_OPEN_DAYS: Final = 60

TEXT_FIELDS: Final = ("title", "description", "requirements")


@dataclass(frozen=True)
class Ad:
    """What the check reads of a vacancy (see `ad_from_vacancy`)."""

    title: str
    description: str
    requirements: str = ""
    has_contract_type: bool = True
    has_workplace: bool = True
    has_pay: bool = True
    publication_date: dt.date | None = None
    expiry_date: dt.date | None = None


@dataclass(frozen=True)
class QualityWarning:
    code: str
    severity: str
    field: str
    message: str
    matched: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class _Rule:
    code: str
    pattern: re.Pattern[str]
    # Text around the match (up to 40 characters before, 20 after) that makes it harmless.
    unless: re.Pattern[str] | None = None
    fields: tuple[str, ...] = TEXT_FIELDS
    severity: str = DISCRIMINATION


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.UNICODE)


_A = "[aà]"
# "… anni di esperienza / di lavoro …": a duration of experience, not an age.
_NOT_EXPERIENCE = (
    r"(?!\s*(?:di|d['\u2019])\s*(?:esperienza|lavoro|servizio|attivit|anzianit|pratica))"
)
_NATIONALITIES = (
    r"(?:italian|stranier|comunitar|extracomunitar|extra-comunitar|europe|african|asiatic|"
    r"rumen|romen|cines|albanes|marocchin|ucrain|indian|filippin|senegales|nigerian)\w*"
)
_PERSON = (
    r"(?:candidat|person|personale|ragazz|uom|donn|signor|lavorator|dipendent|collaborator|"
    r"cittadin|operai|autist|addett|badant|colf)\w*"
)

RULES: Final[tuple[_Rule, ...]] = (
    # --- age -------------------------------------------------------------------------------
    _Rule(
        "age",
        _re(
            r"\b(?:max|massimo|massima|non oltre (?:i )?|non pi[uù] di|fino a(?:i)?|entro i|"
            r"sotto i|meno di|under|over|min|minimo|minima|almeno|oltre i|dai?)\s*\d{2}\s*anni\b"
            + _NOT_EXPERIENCE
        ),
    ),
    _Rule(
        "age",
        _re(
            r"\b(?:tra|fra|dai?)\s+(?:i\s+)?\d{2}\s+(?:e|ai?)\s+(?:i\s+)?\d{2}\s*anni\b"
            + _NOT_EXPERIENCE
        ),
    ),
    _Rule("age", _re(r"\b\d{2}\s*[-–/]\s*\d{2}\s*anni\b" + _NOT_EXPERIENCE)),
    _Rule("age", _re(r"\b(?:under|over)\s*-?\s*\d{2}\b")),
    _Rule("age", _re(rf"\bet{_A}\b"), unless=_re(rf"maggiore\s+et{_A}|et{_A}\s+lavorativa")),
    _Rule("age", _re(r"\b(?:giovan[ei]|giovanissim\w*)\b")),
    _Rule("age", _re(r"\b(?:\d{2}|vent|trent|quarant|cinquant|sessant)enn[ie]\b")),
    _Rule("age", _re(r"\b(?:anni|data)\s+di\s+nascita\b|\bnat[oaie]\s+(?:dal|dopo|prima)\b")),
    # --- sex and gender --------------------------------------------------------------------
    _Rule(
        "sex",
        _re(
            r"\b(?:uom[oi]|uomini|donn[ae]|maschi[oe]?|femmin[ae]|maschile|femminile|ragazz[aei]|"
            r"signor[aei]|signorin[ae]|sesso)\b"
        ),
        # Departments and goods for one sex ("reparto donna", "abbigliamento uomo"), and the
        # "m/f" marker itself, are not a requirement on the worker.
        unless=_re(
            r"(?:reparto|abbigliamento|moda|linea|collezione|calzature|intimo|parrucchier\w*|"
            r"barbier\w*|taglio|capi|articoli|settore)(?:/[ae])?\s+(?:per\s+)?(?:uom|donn|bambin)"
            r"|(?:uomo|donna)\s*(?:/|e)\s*(?:donna|uomo)|(?:uomini|donne)\s+e\s+(?:donne|uomini)"
            r"|ragazz[ie]\s+e\s+ragazz[ie]|pari opportunit|entrambi i sessi|ambosessi"
            r"|rivolt[oa]\s+a\s+(?:candidat[ie]\s+di\s+)?(?:entrambi|tutti|ogni)"
        ),
    ),
    _Rule("sex", _re(r"\b(?:gravidanz[ae]|incint[ae])\b")),
    # --- nationality and origin ------------------------------------------------------------
    _Rule(
        "nationality",
        _re(
            rf"\b(?:solo|soltanto|esclusivamente|preferibilmente|no|nazionalit{_A}|cittadinanza|"
            rf"origine|provenienza)\s+(?:cittadin[oiae]\s+)?{_NATIONALITIES}"
        ),
    ),
    _Rule("nationality", _re(rf"\b{_PERSON}\s+{_NATIONALITIES}")),
    _Rule(
        "nationality",
        _re(r"\b(?:extra-?comunitar\w*|razza|etnia|etnic[oaie]|colore della pelle)\b"),
    ),
    # --- appearance ------------------------------------------------------------------------
    _Rule(
        "appearance",
        _re(r"\bbell[ao]\s+presenza\b|\bbell['\u2019]\s*aspetto\b|\bbello\s+aspetto\b"),
    ),
    _Rule(
        "appearance",
        _re(
            r"\b(?:altezza|statura|alt[oa] almeno|peso\s+(?:massimo|minimo|max|min|non)|"
            r"taglia\s+\d{2}|fisico\s+\w+|corporatura|aspetto fisico|prestanza fisica)\b"
        ),
    ),
    _Rule(
        "appearance",
        _re(r"\b(?:snell[oaie]|attraent[ei]|avvenent[ei]|carin[oaie]|magr[oaie]|tatuaggi)\b"),
    ),
    # --- family status ---------------------------------------------------------------------
    _Rule(
        "family",
        _re(
            r"\b(?:nubil[ei]|celib[ei]|single|stato civile|senza figli|no figli|con figli|"
            r"sposat[oaie]|coniugat[oaie]|fidanzat[oaie]|divorziat[oaie]|figli a carico)\b"
        ),
    ),
    # --- religion and beliefs --------------------------------------------------------------
    _Rule(
        "religion",
        _re(
            r"\b(?:religion[ei]|religios[oaie]|cattolic[oaie]|musulman[oaie]|islamic[oaie]|"
            r"ebre[oaie]|ebrei|cristian[oaie]|ortodoss[oaie]|credent[ei]|praticant[ei]|"
            r"ate[oaie]|velo islamico)\b"
        ),
        # Teaching religion is a job, not a requirement on belief (art. 3 D.Lgs. 216/2003).
        unless=_re(r"insegn\w*|docent\w*|cattedra"),
    ),
    _Rule(
        "beliefs",
        _re(
            r"\b(?:iscritt[oi]\s+(?:al|a un|ad un)\s+(?:sindacat|partit)\w*|"
            r"orientamento sessuale|gay|lesbic\w*|omosessual\w*|opinioni politiche)\b"
        ),
    ),
)

_MESSAGES: Final[dict[str, str]] = {
    "age": gettext_noop(
        "Possibile requisito di età: i limiti di età sono ammessi solo se previsti dalla "
        "legge (ad esempio per l'apprendistato)."
    ),
    "sex": gettext_noop(
        "Possibile requisito di sesso: l'offerta deve rivolgersi a persone di entrambi i "
        "sessi (D.Lgs. 198/2006, art. 27)."
    ),
    "nationality": gettext_noop(
        "Possibile requisito di nazionalità o di origine: per il lavoro privato non è "
        "ammesso (la conoscenza di una lingua si indica tra le lingue richieste)."
    ),
    "appearance": gettext_noop(
        "Possibile requisito di aspetto fisico: non è ammesso, salvo requisiti essenziali "
        "della mansione previsti dalla legge."
    ),
    "family": gettext_noop("Possibile requisito di stato civile o di famiglia: non è ammesso."),
    "religion": gettext_noop("Possibile requisito di religione: non è ammesso."),
    "beliefs": gettext_noop(
        "Possibile requisito su convinzioni personali, orientamento sessuale o appartenenza "
        "sindacale: non è ammesso."
    ),
    "gender_title": gettext_noop(
        "Titolo al solo maschile o al solo femminile: aggiungere «(m/f)» o la doppia forma "
        "(ad esempio «cameriere/a»)."
    ),
    "contract_missing": gettext_noop("Manca la tipologia contrattuale."),
    "workplace_missing": gettext_noop("Manca il luogo di lavoro."),
    "pay_missing": gettext_noop(
        "Manca la retribuzione: indicare un importo lordo annuo o il livello di "
        "inquadramento del CCNL."
    ),
    "expiry_missing": gettext_noop(
        "Manca la data di scadenza: alla pubblicazione sarà fissata a %(default_days)d giorni."
    ),
    "expiry_too_far": gettext_noop(
        "La data di scadenza è oltre %(max_days)d giorni dalla pubblicazione: l'offerta "
        "rischia di restare pubblicata quando non è più attuale."
    ),
    "expiry_past": gettext_noop("La data di scadenza è già passata."),
}


def message(code: str) -> str:
    """The Italian (or translated) message of a warning code."""
    return _(_MESSAGES[code]) % {"default_days": DEFAULT_OPEN_DAYS, "max_days": MAX_OPEN_DAYS}


# Job nouns with a masculine and a feminine form: a title with only one of them and no
# "(m/f)" marker reads as addressed to one sex. Neutral nouns (barista, autista) are absent.
_GENDERED_JOBS = _re(
    r"\b(?:camerier[ea]|commess[oa]|segretari[oa]|magazzinier[ea]|cuoc[oa]|operai[oa]|"
    r"impiegat[oa]|addett[oa]|infermier[ea]|educat(?:ore|rice)|operat(?:ore|rice)|"
    r"programmat(?:ore|rice)|vendit(?:ore|rice)|parrucchier[ea]|pizzaiol[oa]|cassier[ea]|"
    r"pasticcier[ea]|panettier[ea]|saldat(?:ore|rice)|tecnic[oa]|ragionier[ea]|"
    r"collaborat(?:ore|rice)|animat(?:ore|rice)|dirett(?:ore|rice)|manutent(?:ore|rice)|"
    r"carpentier[ea]|muratore|idraulic[oa]|giardinier[ea]|portier[ea]|ingegner[ea])\b"
)
_BOTH_SEXES = _re(
    r"\(\s*[mf]\s*/\s*[fmx](?:\s*/\s*\w+)?\s*\)|\b[mf]\s*/\s*[fm]\b|\w+/[ae]\b|\w+/(?:essa|rice|trice)\b"
    r"|\buomo\s*/\s*donna\b|\bdonna\s*/\s*uomo\b|\b(?:m|f)\s*-\s*(?:f|m)\b"
)


def _window(text: str, match: re.Match[str]) -> str:
    return text[max(0, match.start() - 40) : match.end() + 20]


def _scan(field_name: str, text: str) -> list[QualityWarning]:
    found: list[QualityWarning] = []
    seen: set[tuple[str, str]] = set()
    for rule in RULES:
        if field_name not in rule.fields:
            continue
        for match in rule.pattern.finditer(text):
            if rule.unless is not None and rule.unless.search(_window(text, match)):
                continue
            matched = match.group(0).strip()
            key = (rule.code, matched.lower())
            if key in seen:
                continue
            seen.add(key)
            found.append(
                QualityWarning(rule.code, rule.severity, field_name, message(rule.code), matched)
            )
    return found


def _gender_title(title: str) -> QualityWarning | None:
    if _BOTH_SEXES.search(title):
        return None
    match = _GENDERED_JOBS.search(title)
    if match is None:
        return None
    return QualityWarning("gender_title", ADVICE, "title", message("gender_title"), match.group(0))


def check(ad: Ad, today: dt.date) -> list[QualityWarning]:
    """Every warning for `ad`, discriminatory wording first, in field order."""
    warnings: list[QualityWarning] = []
    texts = {"title": ad.title, "description": ad.description, "requirements": ad.requirements}
    for name in TEXT_FIELDS:
        warnings.extend(_scan(name, texts[name] or ""))
    title_warning = _gender_title(ad.title or "")
    if title_warning is not None:
        warnings.append(title_warning)
    if not ad.has_contract_type:
        warnings.append(
            QualityWarning(
                "contract_missing", MISSING, "contract_type", message("contract_missing")
            )
        )
    if not ad.has_workplace:
        warnings.append(
            QualityWarning(
                "workplace_missing", MISSING, "municipality", message("workplace_missing")
            )
        )
    if not ad.has_pay:
        warnings.append(QualityWarning("pay_missing", MISSING, "pay_min", message("pay_missing")))
    start = ad.publication_date or today
    if ad.expiry_date is None:
        warnings.append(
            QualityWarning("expiry_missing", ADVICE, "expiry_date", message("expiry_missing"))
        )
    elif ad.expiry_date < today:
        warnings.append(
            QualityWarning("expiry_past", MISSING, "expiry_date", message("expiry_past"))
        )
    elif (ad.expiry_date - start).days > MAX_OPEN_DAYS:
        warnings.append(
            QualityWarning("expiry_too_far", MISSING, "expiry_date", message("expiry_too_far"))
        )
    return warnings


def needs_confirmation(warnings: list[QualityWarning]) -> bool:
    return any(w.severity != ADVICE for w in warnings)


def needs_reason(warnings: list[QualityWarning]) -> bool:
    return any(w.severity == DISCRIMINATION for w in warnings)


@dataclass
class Summary:
    """Warnings grouped for display."""

    discrimination: list[QualityWarning] = field(default_factory=list)
    missing: list[QualityWarning] = field(default_factory=list)
    advice: list[QualityWarning] = field(default_factory=list)

    @classmethod
    def of(cls, warnings: list[QualityWarning]) -> Summary:
        summary = cls()
        for warning in warnings:
            getattr(summary, warning.severity).append(warning)
        return summary


def from_dicts(rows: list[dict[str, Any]]) -> list[QualityWarning]:
    """Warnings stored as JSON on the vacancy, back as objects (unknown keys dropped)."""
    keys = ("code", "severity", "field", "message", "matched")
    return [QualityWarning(**{k: str(row.get(k, "")) for k in keys}) for row in rows]
