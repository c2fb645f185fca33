"""`sil demo_setup`: the demo region, idempotently.

Runs every step of `registry.demo_steps` in order; each app registers its own from its
AppConfig.ready() (see docs/architecture.md). With the apps of OpenSIL: the reference data (from
SIL_REFDATA_DIR when set, else the files that ship with OpenSIL); the Campania-like region (46
CPIs over the real comuni of AV, BN, CE, NA, SA, a few job desks and the regional office); the
demo people, their dossiers (DID, curriculum, policies), the matching profiles, the operators,
employers, vacancies, citizens with CVs and applications, shortlists and campaigns.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sil.core.registry import registry


class Command(BaseCommand):
    help = "Prepara la regione dimostrativa (dati di riferimento, CPI, sportelli, persone)."

    def handle(self, *args: Any, **options: Any) -> None:
        for step in registry.demo_steps:
            step.run(verbosity=options["verbosity"], stdout=self.stdout, stderr=self.stderr)
