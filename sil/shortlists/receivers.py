"""Applications a firm receives go to its CV archive (connected in ShortlistsConfig.ready)."""

from __future__ import annotations

from typing import Any


def file_new_application(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        from sil.shortlists.actions import do_record_received_application

        do_record_received_application(instance)
