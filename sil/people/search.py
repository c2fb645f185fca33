"""Person search that stays selective on a regional registry (millions of people).

Every path ends in index probes that return rows in index order under a LIMIT; nothing ranks
all the matches of a common surname before cutting them:

* complete fiscal code: the base code of every row (omocodic letters back to digits,
  ``sil_fiscal_code_base``) is indexed, so any variant finds every variant with one probe;
  the code typed comes first;
* partial fiscal code, telephone, e-mail: plain btree probes;
* names: the words are read as surname then first name at every split, first name then
  surname, and all as one surname ("Rossi Mario", "Mario Rossi", "De Luca Anna"). One query
  to the small dictionary of distinct names (``PersonName``: surnames and words of first
  names, trigram-indexed, kept current by statement triggers on the registry) tells which
  words are names and, for those that are not, the closest names. Each reading then becomes
  a range of the btree on (surname key, first name key, birth date, id), read in order with
  its own LIMIT; a misspelt name becomes ranges on the closest names. A year or a date
  ("Rossi Mario 1985") narrows every range.

The union of the ranges (one query, at most a few hundred rows) is ranked here: exact names,
then prefixes, then misspellings, closest first, alphabetical within each. The search returns
the best SEARCH_LIMIT people as a plain queryset in that order, so pages and counts stay cheap.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import BigIntegerField, Case, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import Upper

from sil.core import fiscal_code as cf
from sil.people.phones import InvalidPhone, looks_like_phone, normalise_phone

if TYPE_CHECKING:
    from sil.people.models import PersonQuerySet

# A name search returns at most this many people, best first: enough to browse, and the
# operator narrows the search (add the first name or the birth year) beyond that.
SEARCH_LIMIT = 200
# Each misspelling branch adds at most this many people, after the exact ones.
TYPO_LIMIT = 50
# Closest dictionary names tried for a misspelt surname or first name.
TYPO_CANDIDATES = 3
# Shorter words are not looked up as misspellings (they are mostly the start of a name).
TYPO_MIN_LENGTH = 4
# Longer queries are cut: nobody types more than two surnames and two names.
MAX_NAME_WORDS = 4
# The order of the name index: each branch reads it in this order.
NAME_ORDER = ("last_key", "first_key", "birth_date", "id")

# The start of a personal code, at least up to the first digit of the birth year.
_PARTIAL_FISCAL_CODE = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{1,2}([ABCDEHLMPRST]([0-9LMNPQRSTUV]{1,2}([A-Z][0-9LMNPQRSTUV]{0,3})?)?)?$"
)
_YEAR = re.compile(r"^(19|20)\d\d$")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_WORD = re.compile(r"[^A-Z' ]+")


# Close names found in the dictionary for each (kind, term) not found there, best first.
Close = dict[tuple[str, str], list[str]]


@dataclass
class NameQuery:
    """The words of a name search and the birth dates it is narrowed to."""

    words: list[str]
    born_from: dt.date | None = None
    born_to: dt.date | None = None


@dataclass
class Reading:
    """One way of reading the words: this surname with this (start of a) first name."""

    surname: str
    first: str
    surname_first: bool  # the surname was typed before the name


def search_people(people: PersonQuerySet, text: str) -> PersonQuerySet:
    """`people` (already scoped) narrowed to those matching `text`, best first."""
    compact = cf.normalise(text)
    if "@" in text:
        return people.alias(email_upper=Upper("email")).filter(email_upper=text.upper())
    if cf.is_valid(compact):
        return _by_fiscal_code(people, compact)
    if looks_like_phone(text):
        condition = Q(fiscal_code=compact)
        with contextlib.suppress(InvalidPhone):
            condition |= Q(phone=normalise_phone(text))
        return people.filter(condition)
    # A digit is required: "GIANNONE" has the shape of a code's start (N stands for 2 in
    # omocodia) but is a surname.
    has_digit = any(char.isdigit() for char in compact)
    if (has_digit and _PARTIAL_FISCAL_CODE.match(compact)) or (
        len(compact) >= 6 and compact.isdigit()
    ):
        return people.filter(fiscal_code__startswith=compact)
    query = parse_name_query(text)
    if not query.words:  # a birth date alone matches far too many people to be a search
        return people.none()
    return _by_name(people, query)


def _by_fiscal_code(people: PersonQuerySet, code: str) -> PersonQuerySet:
    from sil.people.models import fiscal_code_base

    return (
        people.alias(code_base=fiscal_code_base("fiscal_code"))
        .filter(code_base=cf.base_code(code)[:15])
        .annotate(
            search_rank=Case(When(fiscal_code=code, then=0), default=1, output_field=IntegerField())
        )
        .order_by("search_rank", "last_name", "first_name", "id")
    )


def parse_name_query(text: str) -> NameQuery:
    """Words without accents in upper case; a year or a date becomes a birth-date range."""
    from sil.people.models import plain_text

    query = NameQuery(words=[])
    for token in text.split():
        if _YEAR.match(token):
            year = int(token)
            query.born_from, query.born_to = dt.date(year, 1, 1), dt.date(year, 12, 31)
            continue
        date = _DATE.match(token)
        if date:
            with contextlib.suppress(ValueError):
                day = dt.date(int(date[3]), int(date[2]), int(date[1]))
                query.born_from = query.born_to = day
            continue
        word = _WORD.sub("", plain_text(token).replace("\u2019", "'")).strip("'")
        if word:
            query.words.append(word)
    query.words = query.words[:MAX_NAME_WORDS]
    return query


def readings(words: list[str]) -> list[Reading]:
    """Surname then name at every split, name then surname, and the whole as a surname."""
    found = []
    for split in range(1, len(words)):
        found.append(Reading(" ".join(words[:split]), " ".join(words[split:]), True))
    for split in range(1, len(words)):
        found.append(Reading(" ".join(words[split:]), " ".join(words[:split]), False))
    # Last, so that its misspellings (no first name to narrow them) rank after the others'.
    found.append(Reading(" ".join(words), "", True))
    return found


def look_up_names(terms: set[tuple[str, str]]) -> tuple[set[tuple[str, str]], Close]:
    """Which (kind, term) are names in the registry, and the names closest to the others.

    A first name is known when each of its words is (the dictionary holds the words of first
    names, so that "Maria Grazia" and "Maria" share "MARIA"). Close names, best first, are
    looked for only for unknown terms of at least TYPO_MIN_LENGTH characters. One query.
    """
    from sil.people.models import PersonName

    last, first = str(PersonName.Kind.LAST), str(PersonName.Kind.FIRST)

    def words(kind: str, term: str) -> list[str]:
        return term.split() if kind == first else [term]

    lookups = sorted({(kind, word) for kind, term in terms for word in words(kind, term)})
    if not lookups:
        return set(), {}
    table = connection.ops.quote_name(PersonName._meta.db_table)
    # One lateral per kind, with the kind as a literal, so that each uses its partial index.
    close_sql = """
        LEFT JOIN LATERAL (
              SELECT dictionary.name
                FROM {table} dictionary
               WHERE known.name IS NULL AND term.kind = '{kind}'
                 AND length(term.name) >= %(min_length)s
                 AND dictionary.kind = '{kind}' AND dictionary.name %% term.name
               ORDER BY similarity(dictionary.name, term.name) DESC, dictionary.name
               LIMIT %(candidates)s
        ) AS close_{kind} ON true
    """
    sql = f"""
        SELECT term.kind, term.name, known.name IS NOT NULL,
               coalesce(close_{last}.name, close_{first}.name)
          FROM unnest(%(kinds)s::text[], %(names)s::text[]) AS term(kind, name)
          LEFT JOIN {table} known ON known.kind = term.kind AND known.name = term.name
          {close_sql.format(table=table, kind=last)}
          {close_sql.format(table=table, kind=first)}
    """  # noqa: S608 - table and kinds are ours, the values are parameters
    params: dict[str, Any] = {
        "kinds": [kind for kind, _word in lookups],
        "names": [word for _kind, word in lookups],
        "min_length": TYPO_MIN_LENGTH,
        "candidates": TYPO_CANDIDATES,
    }
    found: set[tuple[str, str]] = set()
    close: Close = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, word, is_known, name in cursor.fetchall():
            if is_known:
                found.add((kind, word))
            elif name is not None:
                close.setdefault((kind, word), []).append(name)
    known = {
        (kind, term)
        for kind, term in terms
        if all((kind, word) in found for word in words(kind, term))
    }
    return known, close


def _by_name(people: PersonQuerySet, query: NameQuery) -> PersonQuerySet:
    from sil.people.models import PersonName, plain_key

    keyed = people.alias(last_key=plain_key("last_name"), first_key=plain_key("first_name"))
    if query.born_from is not None:
        keyed = keyed.filter(birth_date__range=(query.born_from, query.born_to))
    all_readings = readings(query.words)
    last, first = str(PersonName.Kind.LAST), str(PersonName.Kind.FIRST)
    terms = {(last, reading.surname) for reading in all_readings}
    terms |= {(first, reading.first) for reading in all_readings if reading.first}
    known, found_close = look_up_names(terms)
    # Misspellings count only when no reading is made of known names: for the surname when
    # none is known, for a one-word first name next to a known surname.
    fully_known = any(
        (last, reading.surname) in known and (not reading.first or (first, reading.first) in known)
        for reading in all_readings
    )
    close: Close = {}
    if not fully_known:
        if not any((last, reading.surname) in known for reading in all_readings):
            close = {key: names for key, names in found_close.items() if key[0] == last}
        close |= {
            (first, reading.first): found_close.get((first, reading.first), [])
            for reading in all_readings
            if reading.first and " " not in reading.first and (last, reading.surname) in known
        }

    branches: list[Branch] = []
    anything_known = any((last, reading.surname) in known for reading in all_readings)
    for reading in all_readings:
        surname, first_name = reading.surname, reading.first
        with_first = Q(first_key__startswith=first_name) if first_name else Q()
        if len(query.words) == 1:
            # A single word may be the start of a surname: the exact surname sorts first.
            branches.append(Branch(Q(last_key__startswith=surname), reading))
        elif (last, surname) in known:
            branches.append(Branch(Q(last_key=surname) & with_first, reading))
        elif reading.surname_first and not anything_known:
            # Nothing known: the words may be the start of the surname and of the name.
            branches.append(Branch(Q(last_key__startswith=surname) & with_first, reading))
        for name in close.get((last, surname), []):
            branches.append(Branch(Q(last_key=name) & with_first, reading, typo=True))
        if (last, surname) in known:
            for name in close.get((first, first_name), []):
                condition = Q(last_key=surname, first_key__startswith=name)
                branches.append(Branch(condition, reading, typo=True))
    return in_order(people, _best_ids(keyed, branches))


def in_order(people: PersonQuerySet, ids: list[int]) -> PersonQuerySet:
    """These people, in this order."""
    if not ids:
        return people.none()
    position = Func(
        Value(ids, output_field=ArrayField(BigIntegerField())),
        F("id"),
        function="array_position",
        output_field=IntegerField(),
    )
    return people.filter(pk__in=ids).annotate(search_rank=position).order_by("search_rank")


@dataclass
class Branch:
    """One index range to read, in index order, up to its limit."""

    condition: Q
    reading: Reading
    typo: bool = False

    @property
    def limit(self) -> int:
        return TYPO_LIMIT if self.typo else SEARCH_LIMIT


def _best_ids(keyed: PersonQuerySet, branches: list[Branch]) -> list[int]:
    """The ids of the best SEARCH_LIMIT people over all branches (one query), best first.

    Exact names first, then prefixes, then misspellings in the order their names were found
    (closest first); alphabetical within each. Ranked here, on a few hundred rows, rather than
    with expressions evaluated by the database for each row.
    """
    from sil.people.models import plain_text

    if not branches:
        return []
    fields = ("id", "last_name", "first_name", "birth_date", "search_branch")
    queries = [
        keyed.filter(branch.condition)
        .order_by(*NAME_ORDER)
        .annotate(search_branch=Value(number))
        .values_list(*fields)[: branch.limit]
        for number, branch in enumerate(branches)
    ]
    union = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    best: dict[int, tuple[int, int, str, str, dt.date, int]] = {}
    for pk, last_name, first_name, birth_date, number in union:
        branch = branches[number]
        last_key, first_key = plain_text(last_name), plain_text(first_name)
        if branch.typo:
            rank, order = 2, number
        else:
            reading = branch.reading
            exact = last_key == reading.surname and first_key == (reading.first or first_key)
            rank, order = (0 if exact else 1), 0
        key = (rank, order, last_key, first_key, birth_date, pk)
        if pk not in best or key < best[pk]:
            best[pk] = key
    ranked = sorted(best.values())[:SEARCH_LIMIT]
    return [key[-1] for key in ranked]
