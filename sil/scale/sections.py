"""Plug-in sections of the synthetic Region generator (`sil demo-data`).

Apps that own more data (employers, vacancies…) add their own generator without touching the
command: in their AppConfig.ready() (or any module imported at start-up)

    from sil.scale import sections

    def generate_employers(seed: int, counts: dict[str, int], progress: Progress) -> dict:
        ...  # write through COPY in chunks, idempotently; return a summary for the report
        return {"employers": created}

    sections.register("employers", generate_employers, order=20)

`sil demo-data` runs the people section first (order 0), then every registered section in
`order`, each called with the seed, the counts asked for on the command line
(``{"people": N, "employers": N, "vacancies": N}``) and a progress callable
``progress(items, total, label) -> items`` (a tqdm bar on a terminal). A section must be
deterministic for a seed and safe to run again (skip or upsert what exists); its return value
(JSON-serialisable) goes into the command's summary under its name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]
Generate = Callable[[int, dict[str, int], Progress], Any]


@dataclass(frozen=True)
class Section:
    name: str
    generate: Generate
    order: int


_SECTIONS: dict[str, Section] = {}


def register(name: str, generate: Generate, order: int = 100) -> None:
    """Add (or replace) the section `name`; sections run by `order`, then name."""
    _SECTIONS[name] = Section(name, generate, order)


def unregister(name: str) -> None:
    _SECTIONS.pop(name, None)


def registered() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda section: (section.order, section.name))
