"""The kernel's demo step: the reference data, before every app's own demo steps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.utils.translation import gettext as _


def refdata_directory() -> Path | None:
    """SIL_REFDATA_DIR, or None for the reference files that ship with OpenSIL."""
    configured = getattr(settings, "SIL_REFDATA_DIR", "")
    return Path(configured) if configured else None


def load_reference_data(*, verbosity: int, stdout: Any, stderr: Any) -> None:
    """`sil refdata load`, of SIL_REFDATA_DIR when set, else of the shipped files."""
    directory = refdata_directory()
    if verbosity:
        source = str(directory) if directory else _("dati forniti con OpenSIL")
        stdout.write(_("Dati di riferimento da: %s") % source)
    load_args = ["load", str(directory)] if directory else ["load"]
    call_command("refdata", *load_args, verbosity=verbosity, stdout=stdout, stderr=stderr)
