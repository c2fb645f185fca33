"""`sil demo_employers`: about forty firms across Campania, with sites and two employer users.

Idempotent: firms already registered (by codice fiscale) are left as they are. Goes through the
actions, like every other write. The employer users have TOTP already enrolled: `sil demo_totp
EMAIL` prints their current code.
"""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sil.accounts.actions import do_enrol_totp
from sil.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD, totp_secret
from sil.accounts.models import User
from sil.employers.actions import do_add_employer_user, do_add_site, do_register_employer
from sil.employers.models import Employer, EmployerMembership, EmployerRole
from sil.employers.synthetic import activities_by_code, as_action_data, campania_places, firm_data

DEFAULT_SEED = 20261122
DEFAULT_COUNT = 40

# (local part, first name, last name, role): both act for the first demo firm.
DEMO_EMPLOYER_USERS = (
    ("impresa", "Roberta", "De Luca", EmployerRole.ADMIN),
    ("selezione", "Antonio", "Marino", EmployerRole.RECRUITER),
)


def demo_employer_emails() -> list[str]:
    return [f"{local}@{DEMO_DOMAIN}" for local, *_rest in DEMO_EMPLOYER_USERS]


class Command(BaseCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "Crea imprese dimostrative in Campania con sedi e due utenti dell'area imprese. "
        "Solo in modalità demo. Idempotente."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help=_("quante imprese"))
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=_("seme casuale"))
        parser.add_argument(
            "--force", action="store_true", help=_("esegui anche fuori dalla modalità demo")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO or options["force"]):
            raise CommandError(
                _("Dati dimostrativi solo in modalità demo (SIL_DEMO=1) o con --force.")
            )
        try:
            places = campania_places()
        except ValueError:
            raise CommandError(
                _("Nessun comune della Campania: caricare prima i dati territoriali.")
            ) from None
        activities = activities_by_code()
        created = 0
        first: Employer | None = None
        try:
            with transaction.atomic():
                for index in range(options["count"]):
                    data = firm_data(index, seed=options["seed"], places=places)
                    employer = Employer.objects.filter(fiscal_code=data.fiscal_code).first()
                    if employer is None:
                        employer = do_register_employer(as_action_data(data, activities))
                        self._add_sites(employer, index, options["seed"], places)
                        created += 1
                    first = first or employer
                if first is not None:
                    self._add_users(first)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(
            _("Imprese dimostrative: %(created)d create, %(total)d richieste.")
            % {"created": created, "total": options["count"]}
        )
        if first is not None:
            self.stdout.write(
                _("Utenti dell'area imprese (%(firm)s): %(emails)s — password %(password)s")
                % {
                    "firm": first.name,
                    "emails": ", ".join(demo_employer_emails()),
                    "password": DEMO_PASSWORD,
                }
            )

    def _add_sites(self, employer: Employer, index: int, seed: int, places: list[Any]) -> None:
        rng = random.Random(f"employer-sites:{seed}:{index}")  # noqa: S311 - synthetic data
        do_add_site(
            employer,
            {
                "name": _("Sede principale"),
                "municipality": employer.municipality,
                "address": employer.address,
                "postcode": employer.postcode,
            },
        )
        for _site in range(rng.choice((0, 0, 1, 2))):
            place = places[rng.randrange(len(places))]
            do_add_site(
                employer,
                {
                    "name": _("Unità locale di %(place)s") % {"place": place.name},
                    "municipality": place,
                },
            )

    def _add_users(self, employer: Employer) -> None:
        for local, first_name, last_name, role in DEMO_EMPLOYER_USERS:
            email = f"{local}@{DEMO_DOMAIN}"
            user = User.objects.filter(email__iexact=email).first()
            if (
                user is None
                or not EmployerMembership.objects.filter(user=user, employer=employer).exists()
            ):
                membership = do_add_employer_user(
                    employer,
                    email=email,
                    first_name=first_name,
                    last_name=last_name,
                    role=role,
                    password=DEMO_PASSWORD,
                )
                user = membership.user
            elif not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            do_enrol_totp(user=user, secret=totp_secret(email))
