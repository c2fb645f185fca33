"""The registry of people, keyed by codice fiscale."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Collate, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sil.core import fiscal_code as cf
from sil.core.permissions import scope_to_offices
from sil.core.text import PlainCharField, PlainTextField
from sil.territory.models import Country, Municipality, Office

# The database holds the same rule as sil.core.fiscal_code: a well-shaped personal code or an
# 11-digit provisional one (the check character is verified by the actions, not the database).
FISCAL_CODE_DB_PATTERN = f"({cf.SHAPE.pattern})|({cf.PROVISIONAL.pattern})"


# SAP special values of the residence permit expiry (Flusso SAP, section 1).
PERMIT_EXPIRY_AWAITING = dt.date(1900, 1, 1)
PERMIT_EXPIRY_PERMANENT = dt.date(2099, 12, 31)


def plain_text(text: str) -> str:
    """Upper case without accents, as plain_upper() computes in the database."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).upper()


def plain_upper(field: str) -> Func:
    """UPPER(sil_unaccent(field)): the form names are compared and indexed in.

    sil_unaccent is unaccent() through an IMMUTABLE wrapper (migration 0002), so it can be
    indexed.
    """
    return Upper(Func(field, function="sil_unaccent", output_field=models.TextField()))


def plain_key(field: str) -> Collate:
    """plain_upper() in the C collation: the key names are indexed and searched by.

    Byte order makes `LIKE 'ESP%'` an index range and index order the same whatever the
    database's default collation.
    """
    return Collate(plain_upper(field), "C")


def fiscal_code_base(field: str) -> Func:
    """The first 15 characters of the base code, omocodic letters back to digits (migration 0005).

    Every omocodic variant of a code shares it; provisional (11-digit) codes are left as they are.
    """
    return Func(field, function="sil_fiscal_code_base", output_field=models.CharField())


# Adds the names of the rows just written to the dictionary (names no longer used stay: they
# only cost a probe that finds nobody).
_NAME_DICTIONARY_SQL = """
INSERT INTO people_personname (kind, name)
SELECT 'L', upper(sil_unaccent(last_name)) FROM new_people
UNION
SELECT 'F', word
  FROM new_people, unnest(string_to_array(upper(sil_unaccent(first_name)), ' ')) AS word
 WHERE word <> ''
ON CONFLICT DO NOTHING;
RETURN NULL;
"""


class Sex(models.TextChoices):
    MALE = "M", _("Maschio")
    FEMALE = "F", _("Femmina")


class PersonQuerySet(models.QuerySet["Person"]):
    def for_operator(self, user: Any) -> PersonQuerySet:
        """Only the people of the operator's offices (every office for region-wide roles).

        People merged into another one are left out: their records now live on the survivor.
        """
        scoped: PersonQuerySet = scope_to_offices(self, user, "competent_office")  # type: ignore[assignment]
        return scoped.not_merged()

    def not_merged(self) -> PersonQuerySet:
        """Without the people merged into another one (they stay in the database for undo)."""
        return self.filter(merged_into__isnull=True)

    def search(self, text: str) -> PersonQuerySet:
        """By codice fiscale, telephone, e-mail, or surname and name.

        A complete fiscal code finds every omocodic variant of it; a partial one is a prefix.
        Names are compared without accents and case, a misspelt word still finds the closest
        names, and a year narrows to people born in it. Name searches return the best
        `sil.people.search.SEARCH_LIMIT` people (see sil/people/search.py for the design).
        """
        text = " ".join((text or "").split())
        if not text:
            return self
        return self.not_merged()._search(text)

    def _search(self, text: str) -> PersonQuerySet:
        from sil.people.search import search_people

        return search_people(self, text)

    def with_places(self) -> PersonQuerySet:
        return self.select_related(
            "competent_office",
            "residence_municipality",
            "domicile_municipality",
            "birth_municipality",
            "birth_country",
        )


@pghistory.track()
class Person(models.Model):
    """Anyone in the registry: job seekers, benefit recipients, students, workers."""

    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, unique=True)
    last_name = PlainCharField(_("cognome"), max_length=100)
    first_name = PlainCharField(_("nome"), max_length=100)
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("data di nascita"))
    birth_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people_born",
        verbose_name=_("comune di nascita"),
    )
    birth_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people_born",
        verbose_name=_("stato estero di nascita"),
    )
    citizenship = PlainCharField(
        _("cittadinanza"),
        max_length=3,
        blank=True,
        help_text=_("Codice ISO 3166-1 dello stato di cittadinanza, ad esempio IT."),
    )
    residence_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("comune di residenza"),
    )
    residence_address = PlainCharField(_("indirizzo di residenza"), max_length=200, blank=True)
    domicile_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="domiciled",
        verbose_name=_("comune di domicilio"),
    )
    domicile_address = PlainCharField(_("indirizzo di domicilio"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PlainCharField(_("telefono"), max_length=40, blank=True)
    permit_type = PlainCharField(
        _("tipo di titolo di soggiorno"),
        max_length=10,
        blank=True,
        help_text=_("Codice della tabella ministeriale dei titoli di soggiorno."),
    )
    permit_number = PlainCharField(_("numero del titolo di soggiorno"), max_length=40, blank=True)
    permit_reason = PlainCharField(
        _("motivo del titolo di soggiorno"),
        max_length=10,
        blank=True,
        help_text=_("Codice della tabella ministeriale dei motivi del permesso."),
    )
    permit_expiry = models.DateField(
        _("scadenza del titolo di soggiorno"),
        null=True,
        blank=True,
        help_text=_("01/01/1900 se in attesa di rinnovo, 31/12/2099 se a tempo indeterminato."),
    )
    competent_office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("CPI competente"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_people",
        verbose_name=_("unita in"),
        help_text=_("La persona in cui questa scheda duplicata è stata unita."),
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_code__regex=FISCAL_CODE_DB_PATTERN),
                name="person_fiscal_code_shape",
            ),
            models.CheckConstraint(
                condition=Q(birth_municipality__isnull=True) | Q(birth_country__isnull=True),
                name="person_one_birthplace",
            ),
            models.CheckConstraint(condition=Q(sex__in=["M", "F"]), name="person_sex_valid"),
        ]
        triggers = [
            # Every writer (ORM, COPY, INSERT ... SELECT, merges) keeps the name dictionary of
            # the search current; once per statement, so bulk loads pay one INSERT.
            pgtrigger.Trigger(
                name="person_names_insert",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                referencing=pgtrigger.Referencing(new="new_people"),
                func=pgtrigger.Func(_NAME_DICTIONARY_SQL),
            ),
            # Emptying the registry (a benchmark, a fresh start) empties the dictionary.
            pgtrigger.Trigger(
                name="person_names_truncate",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=pgtrigger.Truncate,
                func="DELETE FROM people_personname; RETURN NULL;",
            ),
            pgtrigger.Trigger(
                name="person_names_update",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                referencing=pgtrigger.Referencing(new="new_people"),
                func=pgtrigger.Func(_NAME_DICTIONARY_SQL),
            ),
        ]
        indexes = [
            # Name search: each reading of the query is a range of this index, read in order.
            models.Index(
                plain_key("last_name"),
                plain_key("first_name"),
                F("birth_date"),
                F("id"),
                name="person_name_key",
            ),
            # The same, for the operators of one CPI: their people of a surname, in order.
            models.Index(
                F("competent_office"),
                plain_key("last_name"),
                plain_key("first_name"),
                F("birth_date"),
                F("id"),
                name="person_office_name_key",
            ),
            models.Index(fiscal_code_base("fiscal_code"), name="person_fiscal_code_base"),
            models.Index(fields=["phone"], name="person_phone"),
            models.Index(Upper("email"), name="person_email_upper"),
            models.Index(
                fields=["competent_office", "last_name", "first_name", "id"],
                name="person_office_name",
            ),
            models.Index(fields=["last_name", "first_name", "id"], name="person_name"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name} ({self.fiscal_code})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def birthplace(self) -> Municipality | Country | None:
        return self.birth_municipality or self.birth_country

    @property
    def has_provisional_fiscal_code(self) -> bool:
        return cf.is_provisional(self.fiscal_code)

    @property
    def permit_awaiting_renewal(self) -> bool:
        return self.permit_expiry == PERMIT_EXPIRY_AWAITING

    @property
    def permit_permanent(self) -> bool:
        return self.permit_expiry == PERMIT_EXPIRY_PERMANENT


class PersonName(models.Model):
    """A distinct surname, or word of a first name, of the registry as searched (upper case,
    no accents).

    Small (tens of thousands of rows against millions of people): a misspelt name is matched
    here by trigram similarity, then people are fetched by the exact names found. Written only
    by the triggers on Person.
    """

    class Kind(models.TextChoices):
        LAST = "L", _("cognome")
        FIRST = "F", _("parola di un nome")

    kind = models.CharField(_("tipo"), max_length=1, choices=Kind.choices)
    name = models.TextField(_("nome"))

    class Meta:
        verbose_name = _("nome nel dizionario di ricerca")
        verbose_name_plural = _("nomi nel dizionario di ricerca")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="person_name_unique"),
        ]
        # One trigram index per kind: a surname is looked up among surnames only.
        indexes = [
            GinIndex(
                OpClass(F("name"), name="gin_trgm_ops"),
                condition=Q(kind="L"),
                name="person_name_last_trgm",
            ),
            GinIndex(
                OpClass(F("name"), name="gin_trgm_ops"),
                condition=Q(kind="F"),
                name="person_name_first_trgm",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FiscalCodeChangeReason(models.TextChoices):
    CORRECTION = "correction", _("Correzione")
    REISSUE = "reissue", _("Nuova attribuzione")


class FiscalCodeChangeQuerySet(models.QuerySet["FiscalCodeChange"]):
    def for_operator(self, user: Any) -> FiscalCodeChangeQuerySet:
        scoped: FiscalCodeChangeQuerySet = scope_to_offices(  # type: ignore[assignment]
            self, user, "person__competent_office"
        )
        return scoped


@pghistory.track()
class FiscalCodeChange(models.Model):
    """One change of a person's codice fiscale (append-only history)."""

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="fiscal_code_changes",
        verbose_name=_("persona"),
    )
    old_code = models.CharField(_("codice precedente"), max_length=16)
    new_code = models.CharField(_("nuovo codice"), max_length=16)
    reason = models.CharField(_("motivo"), max_length=20, choices=FiscalCodeChangeReason.choices)
    note = PlainCharField(_("nota"), max_length=300, blank=True)
    at = models.DateTimeField(_("data e ora"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operatore"),
    )

    objects = FiscalCodeChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("variazione del codice fiscale")
        verbose_name_plural = _("variazioni del codice fiscale")
        indexes = [
            models.Index(fields=["person", "at"], name="fiscal_code_change_person"),
            models.Index(fields=["old_code"], name="fiscal_code_change_old"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(old_code=models.F("new_code")), name="fiscal_code_change_differs"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_code} → {self.new_code}"


class ConsentKind(models.TextChoices):
    PRIVACY_NOTICE = "privacy_notice", _("Presa visione dell'informativa privacy")
    DIGITAL_CONTACT = "digital_contact", _("Contatti via e-mail, SMS e App IO")
    PROVIDERS = "providers", _("Comunicazione dei dati agli operatori accreditati")
    JOB_OFFERS = "job_offers", _("Diffusione del curriculum ai datori di lavoro")


class PrivacyConsentQuerySet(models.QuerySet["PrivacyConsent"]):
    def for_operator(self, user: Any) -> PrivacyConsentQuerySet:
        scoped: PrivacyConsentQuerySet = scope_to_offices(  # type: ignore[assignment]
            self, user, "person__competent_office"
        )
        return scoped

    def latest_per_kind(self) -> PrivacyConsentQuerySet:
        """The record in force for each person and kind (the most recent one)."""
        return self.order_by("person_id", "kind", "-at", "-id").distinct("person_id", "kind")


@pghistory.track()
class PrivacyConsent(models.Model):
    """A consent given or withdrawn on a date: append-only, the latest per kind is in force."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("persona")
    )
    kind = models.CharField(_("tipo"), max_length=30, choices=ConsentKind.choices)
    given = models.BooleanField(_("prestato"), help_text=_("Falso se il consenso è revocato."))
    at = models.DateTimeField(_("data e ora"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrato da"),
    )

    objects = PrivacyConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consenso privacy")
        verbose_name_plural = _("consensi privacy")
        indexes = [models.Index(fields=["person", "kind", "at"], name="consent_person_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.given}"


class PersonMergeQuerySet(models.QuerySet["PersonMerge"]):
    def for_operator(self, user: Any) -> PersonMergeQuerySet:
        scoped: PersonMergeQuerySet = scope_to_offices(  # type: ignore[assignment]
            self, user, "survivor__competent_office"
        )
        return scoped


@pghistory.track()
class PersonMerge(models.Model):
    """A duplicate person merged into a survivor: which rows moved, so the merge can be undone.

    `moved` lists, for each relation, the ids of the rows moved from the merged person to the
    survivor: ``[{"model": "did.did", "field": "person", "ids": [1, 2]}, ...]``.
    """

    survivor = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="merges_as_survivor",
        verbose_name=_("persona che resta"),
    )
    merged = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="merges_as_merged",
        verbose_name=_("persona unita"),
    )
    moved = models.JSONField(_("righe spostate"), default=list, blank=True)
    reason = PlainTextField(_("motivo"))
    merged_at = models.DateTimeField(_("unita il"), default=timezone.now)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unita da"),
    )
    undone_at = models.DateTimeField(_("annullata il"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("annullata da"),
    )

    objects = PersonMergeQuerySet.as_manager()

    class Meta:
        verbose_name = _("unione di persone")
        verbose_name_plural = _("unioni di persone")
        indexes = [
            models.Index(fields=["survivor", "merged_at"], name="person_merge_survivor"),
            models.Index(fields=["merged", "merged_at"], name="person_merge_merged"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor=models.F("merged")), name="person_merge_distinct"
            ),
            # One merge in force per merged person.
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(undone_at__isnull=True),
                name="person_merge_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None

    @property
    def moved_count(self) -> int:
        return sum(len(entry.get("ids", [])) for entry in self.moved)
