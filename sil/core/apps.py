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

        from sil.core.registry import NavEntry, UrlMount, registry

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
