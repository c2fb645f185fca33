"""`sil demo_setup`: the demo region, idempotently.

1. reference data: from SIL_REFDATA_DIR when set, else the files that ship with OpenSIL;
2. the Campania-like region: 46 CPIs over the real comuni of AV, BN, CE, NA, SA, a few job
   desks and the regional office (through the same code path as `sil offices import`);
3. the demo people, their dossiers (DID, curriculum, policies), the operators, employers,
   vacancies, citizens with CVs and applications, shortlists, and the matching profiles, when the
   apps providing them are installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sil.core.commands import InputErrors
from sil.territory.demo import do_setup_demo_offices

# In order: each step may use what the previous ones made. The matching profiles are built in
# bulk once the dossiers exist (rather than one by one by the worker), before the shortlists.
FOLLOW_UPS: list[tuple[str, ...]] = [
    ("demo_people",),
    ("demo_dossier",),
    ("matching", "rebuild", "--all"),
    ("demo_operators",),
    ("demo_employers",),
    ("demo_vacancies",),
    ("demo_citizens",),
    ("demo_shortlists",),
    ("demo_campaigns",),
]


def refdata_directory() -> Path | None:
    """SIL_REFDATA_DIR, or None for the reference files that ship with OpenSIL."""
    configured = getattr(settings, "SIL_REFDATA_DIR", "")
    return Path(configured) if configured else None


class Command(BaseCommand):
    help = "Prepara la regione dimostrativa (dati di riferimento, CPI, sportelli, persone)."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        directory = refdata_directory()
        source = str(directory) if directory else _("dati forniti con OpenSIL")
        if verbosity:
            self.stdout.write(_("Dati di riferimento da: %s") % source)
        load_args = ["load", str(directory)] if directory else ["load"]
        call_command(
            "refdata", *load_args, verbosity=verbosity, stdout=self.stdout, stderr=self.stderr
        )
        try:
            result = do_setup_demo_offices()
        except InputErrors as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        if verbosity:
            self.stdout.write(
                _("Uffici dimostrativi: %(c)d creati, %(u)d aggiornati, %(s)d invariati.")
                % {
                    "c": result.offices.created,
                    "u": result.offices.updated,
                    "s": result.offices.unchanged,
                }
            )
        available = get_commands()
        for name, *args in FOLLOW_UPS:
            if name in available:
                call_command(
                    name, *args, verbosity=verbosity, stdout=self.stdout, stderr=self.stderr
                )
