"""The test suite's own guards (tests/conftest.py) do what they promise."""

from __future__ import annotations

import contextlib

import pytest
from django.db import transaction

from sil.people.models import Person
from tests import conftest
from tests.factories import OfficeFactory, PersonFactory


@pytest.mark.django_db
def test_unordered_querysets_come_back_shuffled_ordered_ones_do_not():
    office = OfficeFactory()
    created = [PersonFactory(competent_office=office).pk for _ in range(12)]

    unordered = [list(Person.objects.order_by().values_list("pk", flat=True)) for _ in range(5)]
    assert all(sorted(pks) == sorted(created) for pks in unordered)
    assert any(pks != created for pks in unordered)  # insertion order is not kept
    assert len({tuple(pks) for pks in unordered}) > 1  # nor any other fixed order

    assert list(Person.objects.order_by("pk").values_list("pk", flat=True)) == created
    by_meta = list(Person.objects.all())  # Meta.ordering holds
    assert by_meta == sorted(by_meta, key=lambda p: (p.last_name, p.first_name, p.id))


@pytest.mark.django_db
def test_select_for_update_on_a_joined_query_needs_of():
    office = OfficeFactory()
    PersonFactory(competent_office=office)
    joined = [
        Person.objects.select_related("competent_office").select_for_update(),
        Person.objects.filter(competent_office__name=office.name).select_for_update(),
    ]
    with transaction.atomic():
        for queryset in joined:
            with pytest.raises(conftest.SelectForUpdateWithoutOf, match="of="):
                list(queryset)
        conftest._lock_violations.clear()  # raised on purpose above

        assert len(Person.objects.select_for_update()) == 1  # no join: fine
        assert len(joined[0].select_for_update(of=("self",))) == 1
        assert len(joined[1].select_for_update(of=("self",))) == 1


@pytest.mark.django_db
def test_a_swallowed_lock_violation_still_fails_the_test():
    office = OfficeFactory()
    PersonFactory(competent_office=office)
    with transaction.atomic(), contextlib.suppress(Exception):  # what careless code would do
        list(Person.objects.select_related("competent_office").select_for_update())
    assert conftest._lock_violations  # _guard_each_test fails the test at teardown
    conftest._lock_violations.clear()
