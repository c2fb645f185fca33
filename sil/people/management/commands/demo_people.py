"""`sil demo_people`: a few hundred synthetic people resident in Campania, for the demo."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sil.people.actions import Lookups, do_bulk_register_people
from sil.people.synthetic import campania_residences, foreign_birth_countries, generate_people

DEFAULT_SEED = 20261122


class Command(BaseCommand):
    help = _(
        "Crea persone sintetiche residenti in Campania (solo in modalità demo). "
        "Idempotente: una seconda esecuzione non crea nulla di nuovo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=300, help=_("quante persone (300)"))
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=_("seme casuale"))
        parser.add_argument(
            "--force", action="store_true", help=_("esegui anche fuori dalla modalità demo")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO or options["force"]):
            raise CommandError(
                _("Dati sintetici solo in modalità demo (SIL_DEMO=1) o con --force.")
            )
        if options["count"] < 0:
            raise CommandError(_("--count non può essere negativo."))
        residences = campania_residences()
        if not residences:
            raise CommandError(
                _("Nessun comune della Campania: caricare prima i dati territoriali.")
            )
        people = generate_people(
            options["count"],
            seed=options["seed"],
            residences=residences,
            countries=foreign_birth_countries(),
        )
        lookups = Lookups()
        lookups.preload_cadastral_codes(
            (person["birth_municipality"] or person["birth_country"]).cadastral_code
            for person in people
        )
        lookups.preload_competences(
            place.pk
            for person in people
            for place in (person["residence_municipality"], person["domicile_municipality"])
            if place is not None
        )
        try:
            result = do_bulk_register_people(people, lookups=lookups)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        if result.warnings:
            self.stderr.write(
                _("%(count)d persone con avvisi sul codice fiscale.")
                % {"count": len(result.warnings)}
            )
        self.stdout.write(
            _("Persone sintetiche: %(created)d create, %(existing)d già presenti.")
            % {"created": result.created, "existing": result.existing}
        )
