"""Shared plumbing for bulk loaders and the commands that run them.

Loaders read a whole file, report every bad row as "file:row: field: message", and write only
when nothing is wrong (the caller opens one transaction). Writes are bulk upserts keyed by a
natural key, comparing with what is stored so that a second run changes nothing.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

BATCH_SIZE = 2000


class InputErrors(Exception):
    """Bad input: every message names file, row and field."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


class ErrorLog:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, source: str, row: int | None, field_name: str | None, message: str) -> None:
        where = source if row is None else f"{source}:{row}"
        self.messages.append(
            f"{where}: {field_name}: {message}" if field_name else f"{where}: {message}"
        )

    def __bool__(self) -> bool:
        return bool(self.messages)

    def __len__(self) -> int:
        return len(self.messages)

    def raise_if_any(self) -> None:
        if self.messages:
            raise InputErrors(self.messages)

    def command_error(self) -> CommandError:
        """The error a command exits with: how many problems, then every one of them."""
        count = len(self.messages)
        summary = ngettext(
            "Dati non validi: %(n)d errore, nulla è stato scritto.",
            "Dati non validi: %(n)d errori, nulla è stato scritto.",
            count,
        ) % {"n": count}
        return CommandError("\n".join([summary, *self.messages]))


@dataclass
class Row:
    line: int
    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, "")


def find_file(directory: Path, relative: str) -> Path | None:
    """`relative` in `directory`, as given or gzip-compressed (`.gz`); None when absent."""
    for candidate in (directory / relative, directory / f"{relative}.gz"):
        if candidate.is_file():
            return candidate
    return None


def glob_files(directory: Path, pattern: str) -> list[Path]:
    """Files matching `pattern`, as given or gzip-compressed, in name order."""
    return sorted({*directory.glob(pattern), *directory.glob(f"{pattern}.gz")})


def read_csv(
    source: str | Path | io.TextIOBase,
    columns: Sequence[str],
    errors: ErrorLog,
    *,
    label: str | None = None,
    optional: Sequence[str] = (),
    header_startswith: str | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8-sig",
) -> list[Row]:
    """Rows of a CSV with a header; problems go to `errors` and yield no rows.

    `header_startswith` skips metadata lines above the header (e.g. the ESCO mapping files).
    Values are stripped. Row numbers are the file's line numbers.
    """
    name = label or (str(source) if not isinstance(source, io.TextIOBase) else "input")
    if isinstance(source, io.TextIOBase):
        text = source.read()
    else:
        path = Path(source)
        if not path.is_file():
            errors.add(name, None, None, _("file non trovato"))
            return []
        try:
            if path.suffix == ".gz":
                with gzip.open(path, "rt", encoding=encoding) as handle:
                    text = handle.read()
            else:
                text = path.read_text(encoding=encoding)
        except (gzip.BadGzipFile, EOFError) as exc:
            errors.add(name, None, None, _("file compresso non leggibile: %s") % exc)
            return []
        except UnicodeDecodeError as exc:
            errors.add(name, None, None, _("codifica non valida (atteso UTF-8): %s") % exc.reason)
            return []
    lines = text.splitlines(keepends=True)
    skip = 0
    if header_startswith is not None:
        for skip, line in enumerate(lines):  # noqa: B007
            if line.startswith(header_startswith):
                break
        else:
            errors.add(name, None, _("intestazione"), _("riga di intestazione non trovata"))
            return []
    reader = csv.reader(lines[skip:], delimiter=delimiter, strict=True)
    rows: list[Row] = []
    try:
        header = [cell.strip() for cell in next(reader, [])]
    except csv.Error as exc:
        errors.add(name, skip + 1, _("intestazione"), _("CSV non valido: %s") % exc)
        return []
    missing = [c for c in columns if c not in header]
    if not header or missing:
        errors.add(
            name,
            skip + 1,
            _("intestazione"),
            _("colonne mancanti: %(missing)s (attese: %(expected)s)")
            % {"missing": ", ".join(missing or columns), "expected": ", ".join(columns)},
        )
        return []
    wanted = [*columns, *(c for c in optional if c in header)]
    index = {c: header.index(c) for c in wanted}
    last = reader.line_num
    try:
        for cells in reader:
            # A quoted value may span lines: report the line where the record starts.
            line, last = skip + last + 1, reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                errors.add(
                    name,
                    line,
                    None,
                    _("riga malformata: attese %(expected)d colonne, trovate %(found)d")
                    % {"expected": len(header), "found": len(cells)},
                )
                continue
            rows.append(Row(line, {c: cells[i].strip() for c, i in index.items()}))
    except csv.Error as exc:
        errors.add(name, skip + reader.line_num, None, _("CSV non valido: %s") % exc)
    return rows


@dataclass
class SyncResult:
    table: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: dict[Any, int] = field(default_factory=dict, repr=False)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _chunks(items: list[Any], size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sync_table(
    model: type[models.Model],
    key: Sequence[str],
    rows: Iterable[dict[str, Any]],
    *,
    table: str | None = None,
    existing: models.QuerySet[Any] | None = None,
) -> SyncResult:
    """Upsert `rows` (dicts of attribute names, key included) by the natural `key`.

    Only the fields present in the rows are compared and written, so a source that knows part
    of a record does not wipe the rest. Unchanged rows are not written at all.
    """
    rows = list(rows)
    result = SyncResult(table or str(model._meta.verbose_name_plural))
    if not rows:
        return result
    fields = sorted({f for row in rows for f in row} - set(key))
    queryset = existing if existing is not None else model._default_manager.all()
    stored = {
        tuple(values[k] for k in key): values
        for values in queryset.values("pk", *key, *fields).iterator(chunk_size=BATCH_SIZE)
    }
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    new_keys: list[tuple[Any, ...]] = []
    for row in rows:
        row_key = tuple(row[k] for k in key)
        current = stored.get(row_key)
        if current is None:
            to_create.append(model(**row))
            new_keys.append(row_key)
        elif any(current[f] != row.get(f, current[f]) for f in fields):
            to_update.append(model(pk=current["pk"], **{**{f: current[f] for f in fields}, **row}))
            result.ids[row_key] = current["pk"]
        else:
            result.ids[row_key] = current["pk"]
            result.unchanged += 1
    for batch in _chunks(to_create):
        model._default_manager.bulk_create(batch)
    for row_key, obj in zip(new_keys, to_create, strict=True):
        result.ids[row_key] = obj.pk
    for batch in _chunks(to_update):
        model._default_manager.bulk_create(
            batch, update_conflicts=True, unique_fields=["pk"], update_fields=fields
        )
    result.created, result.updated = len(to_create), len(to_update)
    # Keys of rows stored before and not in this batch still resolve (e.g. parents).
    for row_key, values in stored.items():
        result.ids.setdefault(row_key, values["pk"])
    return result


Step = tuple[str, Callable[[], SyncResult]]
