from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_table(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # The shared cache lives in PostgreSQL (no second stateful service); the table is
    # created idempotently after every migrate, as `createcachetable` would.
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "sil.core"
    label = "core"
    verbose_name = "OpenSIL core"

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="sil_cache_table")

        from sil.core.demo import load_reference_data
        from sil.core.registry import Extension, NavEntry, UrlMount, registry

        # The demo starts from the reference data; every app's own steps come after.
        registry.demo_steps.register(Extension("refdata", load_reference_data, order=10))

        registry.urls.register(UrlMount("", "sil.core.urls", order=900))
        registry.navigation.register(NavEntry(_("Scrivania"), "core:home", order=10))
        registry.navigation.register(
            NavEntry(
                _("Amministrazione"),
                "admin:index",
                order=91,
                group=_("Gestione"),
                roles=frozenset({"region", "admin"}),
            )
        )
