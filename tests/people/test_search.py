"""Search of the registry: CF with omocodic variants, names without accents or with typos,
telephone, e-mail; scoped by office; the list page's queries are locked."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.urls import reverse

from sil.core import fiscal_code as cf
from sil.people.models import Person, PersonName
from tests.factories import MunicipalityFactory, OfficeFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    cpi_a, cpi_b = OfficeFactory(name="CPI A"), OfficeFactory(name="CPI B")
    return {
        "cpi_a": cpi_a,
        "cpi_b": cpi_b,
        "nicolo": PersonFactory(
            last_name="Niccolò", first_name="Mattèo", competent_office=cpi_a, phone="+393331234567"
        ),
        "russo": PersonFactory(
            last_name="Russo", first_name="Luca", competent_office=cpi_b, email="luca@esempio.it"
        ),
        "bianchi": PersonFactory(last_name="Bianchi", first_name="Carla", competent_office=cpi_a),
    }


def found(text):
    return set(Person.objects.search(text).values_list("last_name", flat=True))


def test_any_omocodic_variant_finds_the_person(people):
    code = people["russo"].fiscal_code
    variants = list(cf.omocodic_variants(code))
    for variant in (variants[1], variants[64], variants[127]):
        assert found(variant) == {"Russo"}
    assert found(code.lower()) == {"Russo"}


def test_omocodic_person_found_by_the_base_code(people):
    omocodic = cf.omocodic_variant(people["bianchi"].fiscal_code, 2)
    Person.objects.filter(pk=people["bianchi"].pk).update(fiscal_code=omocodic)
    assert found(cf.base_code(omocodic)) == {"Bianchi"}


def test_partial_code_is_a_prefix(people):
    assert found(people["russo"].fiscal_code[:8]) == {"Russo"}


def test_names_without_accents_and_with_typos(people):
    assert found("niccolo") == {"Niccolò"}
    assert found("NICCOLÒ matteo") == {"Niccolò"}
    assert found("Rusoo") == {"Russo"}  # typo: trigram similarity
    assert found("Bianci Carla") == {"Bianchi"}
    assert found("Verdi") == set()


def test_phone_and_email(people):
    assert found("333 123 4567") == {"Niccolò"}
    assert found("+39 333-1234567") == {"Niccolò"}
    assert found("LUCA@esempio.it") == {"Russo"}
    assert found("333 000 0000") == set()


def test_search_is_scoped_and_filtered(client, people):
    operator = UserFactory(operator_of=people["cpi_a"])
    client.force_login(operator)
    url = reverse("people:person_list")
    response = client.get(url, {"q": people["russo"].fiscal_code})
    assert list(response.context["page"].object_list) == []
    response = client.get(url, {"q": "niccolo"})
    assert [p.pk for p in response.context["page"].object_list] == [people["nicolo"].pk]


def test_search_page_queries_do_not_grow(client, people, django_assert_max_num_queries):
    client.force_login(UserFactory(regional=True))
    url = reverse("people:person_list")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(url, {"q": "Bianchi"})
    PersonFactory.create_batch(30, last_name="Bianchi", competent_office=people["cpi_a"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"q": "Bianchi"})
    assert len(response.context["page"].object_list) == 25


def test_people_sharing_a_base_code(people):
    from sil.people.queries import people_sharing_base_code

    base = people["russo"].fiscal_code
    twin = PersonFactory(fiscal_code=cf.omocodic_variant(base, 1), competent_office=None)
    found_ids = set(
        people_sharing_base_code(cf.omocodic_variant(base, 3)).values_list("pk", flat=True)
    )
    assert found_ids == {people["russo"].pk, twin.pk}
    assert not people_sharing_base_code("nonsense").exists()


# --- the selective design (issue 4): readings, ranking, limits, dictionary, plans ----------


@pytest.fixture
def namesakes():
    office = OfficeFactory(name="CPI C")

    def person(last, first, year):
        return PersonFactory(
            last_name=last,
            first_name=first,
            birth_date=dt.date(year, 3, 1),
            competent_office=office,
        )

    return {
        "esposito_mario": person("Esposito", "Mario", 1980),
        "esposito_maria": person("Esposito", "Maria", 1985),
        "esposito_mariano": person("Esposito", "Mariano", 1990),
        "esposti_mario": person("Esposti", "Mario", 1980),
        "rossi_mario_85": person("Rossi", "Mario", 1985),
        "rossi_mario_70": person("Rossi", "Mario", 1970),
        "de_luca": person("De Luca", "Anna", 1975),
        "de_santis": person("De Santis", "Luca", 1975),
        "dangelo": person("D'Angelo", "Ciro", 1966),
    }


# Session, user, MFA, throttle (6 with the cache's savepoint), memberships, name dictionary,
# ids, count, page, access log (with its savepoint)...: the same however many people match.
API_SEARCH_QUERIES = 18


def ranked(text, people=None):
    return list((people or Person.objects.all()).search(text))


def test_surname_then_name_either_way_round(namesakes):
    expected = namesakes["esposito_mario"]
    assert ranked("Esposito Mario")[0] == expected
    assert ranked("mario esposito")[0] == expected
    # The exact first name comes before longer ones starting with it.
    assert ranked("Esposito Mari")[:3] == [
        namesakes["esposito_maria"],
        namesakes["esposito_mariano"],
        namesakes["esposito_mario"],
    ]
    assert ranked("Esposito Mario") == [expected]


def test_multi_word_surnames_and_apostrophes(namesakes):
    assert ranked("De Luca Anna") == [namesakes["de_luca"]]
    assert ranked("Anna De Luca") == [namesakes["de_luca"]]
    assert ranked("De Luca") == [namesakes["de_luca"]]
    assert ranked("d'angelo")[0] == namesakes["dangelo"]


def test_a_single_word_is_a_surname_or_its_start(namesakes):
    espositos = [namesakes[k] for k in ("esposito_maria", "esposito_mariano", "esposito_mario")]
    assert ranked("Esposito") == sorted(espositos, key=lambda p: p.first_name)
    assert ranked("Esposi")[:3] == sorted(espositos, key=lambda p: p.first_name)
    assert {*espositos, namesakes["esposti_mario"]} <= set(ranked("Espo"))


def test_typos_rank_after_exact_names(namesakes):
    # Unknown surname: the closest known surnames, with the first name still narrowing.
    found = ranked("Espositto Mario")
    assert found[0] == namesakes["esposito_mario"]
    assert found.index(namesakes["esposito_mario"]) < found.index(namesakes["esposito_maria"])
    # Unknown first name next to a known surname.
    assert ranked("Esposito Marioo")[0] == namesakes["esposito_mario"]
    assert ranked("Rosi")[0] in {namesakes["rossi_mario_85"], namesakes["rossi_mario_70"]}


def test_surnames_shaped_like_the_start_of_a_code_are_surnames():
    # GIANNO + N (2 in omocodia) + E (May): a code's start, but without a digit a surname.
    giannone = PersonFactory(last_name="Giannone", first_name="Ciro")
    napolitano = PersonFactory(last_name="Napolitano", first_name="Ciro")
    assert ranked("Giannone") == [giannone]
    assert ranked("napolitano") == [napolitano]
    assert ranked(giannone.fiscal_code[:8]) == [giannone]  # with digits: the code's start


def test_a_year_or_a_date_narrows_to_the_birth_date(namesakes):
    assert ranked("Rossi Mario 1985") == [namesakes["rossi_mario_85"]]
    assert ranked("1970 Mario Rossi") == [namesakes["rossi_mario_70"]]
    assert ranked("Rossi 01/03/1970") == [namesakes["rossi_mario_70"]]
    assert ranked("Rossi Mario 2001") == []
    assert ranked("1985") == []  # a year alone is not a search


def test_exact_code_first_then_the_other_variants(people):
    base = people["russo"].fiscal_code
    twin = PersonFactory(last_name="Aaron", fiscal_code=cf.omocodic_variant(base, 5))
    assert ranked(base) == [people["russo"], twin]
    assert ranked(twin.fiscal_code) == [twin, people["russo"]]
    assert ranked(cf.omocodic_variant(base, 77)) == [twin, people["russo"]]  # by name


def test_name_results_are_capped_and_scoped_before_the_cap(monkeypatch):
    from sil.people import search

    monkeypatch.setattr(search, "SEARCH_LIMIT", 3)
    here, there = OfficeFactory(), OfficeFactory()
    # The other office's people sort first: scoping must apply before the limit.
    PersonFactory.create_batch(4, last_name="Bruno", first_name="Aldo", competent_office=there)
    mine = PersonFactory.create_batch(
        2, last_name="Bruno", first_name="Zeno", competent_office=here
    )
    assert len(ranked("Bruno")) == 3
    operator = UserFactory(operator_of=here)
    assert ranked("Bruno", Person.objects.for_operator(operator)) == mine


def test_merged_people_are_left_out(namesakes):
    merged = PersonFactory(last_name="Esposito", first_name="Mario")
    Person.objects.filter(pk=merged.pk).update(merged_into=namesakes["esposito_mario"])
    assert merged not in ranked("Esposito Mario")


def test_every_writer_keeps_the_name_dictionary_current():
    def known(kind, name):
        return PersonName.objects.filter(kind=kind, name=name).exists()

    person = PersonFactory(last_name="Sàntoro", first_name="Gian Maria")
    assert known("L", "SANTORO")
    assert known("F", "GIAN") and known("F", "MARIA")
    Person.objects.filter(pk=person.pk).update(last_name="Santorelli")
    assert known("L", "SANTORELLI")
    # A bulk INSERT ... SELECT, as the loader writes, goes through the same trigger.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO people_person (fiscal_code, last_name, first_name, sex, birth_date,
                citizenship, residence_address, domicile_address, email, phone, permit_type,
                permit_number, permit_reason, residence_municipality_id, created_at, updated_at)
            SELECT '12345678903', 'Quagliarulo', 'Ottone', sex, birth_date, citizenship, '',
                '', '', '', '', '', '', residence_municipality_id, now(), now()
              FROM people_person WHERE id = %s
            """,
            [person.pk],
        )
    assert known("L", "QUAGLIARULO") and known("F", "OTTONE")
    assert ranked("Quagliarul Ottone")[0].last_name == "Quagliarulo"
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE people_person CASCADE")
    assert not PersonName.objects.exists()


def _bulk_people(count):
    """`count` people in one statement: 1 in 5 is an Esposito, the rest spread out."""
    place = MunicipalityFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO people_person (fiscal_code, last_name, first_name, sex, birth_date,
                citizenship, residence_address, domicile_address, email, phone, permit_type,
                permit_number, permit_reason, residence_municipality_id, created_at, updated_at)
            SELECT 'BLKPPL' || lpad((g %% 100)::text, 2, '0') || 'A'
                       || lpad(((g / 100) %% 100)::text, 2, '0') || 'H'
                       || lpad((g / 10000)::text, 3, '0') || 'X',
                   CASE WHEN g %% 5 = 0 THEN 'Esposito' ELSE 'Cognome' || (g %% 397) END,
                   'Nome' || (g %% 89), 'M', date '1960-01-01' + (g %% 15000),
                   'IT', '', '', '', '', '', '', '', %s, now(), now()
              FROM generate_series(1, %s) AS g
            """,
            [place.pk, count],
        )
        cursor.execute("ANALYZE people_person")


def _plans_of(text):
    """EXPLAIN (FORMAT JSON) of every statement the search runs on people_person."""
    statements = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        found = Person.objects.all().search(text)
        found.count()
        list(found[:50])
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql, params in statements:
            if '"people_person"' not in sql:
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plans.append(json.loads(plan)[0]["Plan"] if isinstance(plan, str) else plan[0]["Plan"])
    return plans


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def test_name_search_reads_the_index_in_order_under_a_limit(monkeypatch):
    from sil.people import search

    # Every branch matches more people than its limit: the index must give them in order.
    monkeypatch.setattr(search, "SEARCH_LIMIT", 5)
    monkeypatch.setattr(search, "TYPO_LIMIT", 5)
    _bulk_people(3000)
    for text in ("Esposito", "Esposito Nome7", "Esposito Nome7 1975", "Espositto Nome7"):
        plans = _plans_of(text)
        branches = plans[0]  # the ids: one index range per reading, each under its LIMIT
        limits = [node for node in _nodes(branches) if node["Node Type"] == "Limit"]
        assert limits, text
        for limit in limits:
            below = list(_nodes(limit))[1:]
            assert not any(node["Node Type"] == "Sort" for node in below), text
            assert any(node.get("Index Name") == "person_name_key" for node in below), text


def test_code_search_is_one_probe_of_the_base_code_index(people):
    _bulk_people(500)
    variant = cf.omocodic_variant(people["russo"].fiscal_code, 9)
    plans = _plans_of(variant)
    assert plans
    for plan in plans:
        assert "person_fiscal_code_base" in {node.get("Index Name") for node in _nodes(plan)}


def test_api_search_queries_are_locked(client, namesakes, django_assert_num_queries):
    client.force_login(UserFactory(regional=True))
    client.get("/api/v1/people/")  # warm the session
    with django_assert_num_queries(API_SEARCH_QUERIES):
        client.get("/api/v1/people/", {"q": "Esposito Mario"})
    PersonFactory.create_batch(20, last_name="Esposito", first_name="Mario")
    with django_assert_num_queries(API_SEARCH_QUERIES):
        response = client.get("/api/v1/people/", {"q": "Esposito Mario"})
    assert response.json()["count"] == 21
