"""`sil demo_campaigns`: the demo ADI convocation campaign, under way (see sil.campaigns.demo).

Demo mode only; run by `sil demo_setup` after the people and the operators exist. A second run
adds nothing that is already there.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sil.accounts.demo import require_demo
from sil.campaigns import demo


class Command(BaseCommand):
    help = "Crea la campagna di convocazione dimostrativa (ADI) con appuntamenti ed esiti."

    def handle(self, *args: Any, **options: Any) -> None:
        require_demo()
        result = demo.run()
        for note in result.notes:
            self.stderr.write(f"demo_campaigns: {note}")
        self.stdout.write(
            f"demo_campaigns: campagna {'creata' if result.created else 'già presente'}, "
            f"{result.convocations} convocazioni, {result.outcomes} esiti aggiunti"
        )
