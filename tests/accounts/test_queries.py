from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sil.accounts.models import Membership, Role
from sil.accounts.queries import has_role, office_ids, roles, sees_all_offices
from tests.accounts.factories import OfficeFactory, make_operator

pytestmark = pytest.mark.django_db


def fresh(user):
    """The same user without the per-request membership cache."""
    return type(user).objects.get(pk=user.pk)


def test_roles_and_offices_of_open_memberships_only():
    cpi, other = OfficeFactory(), OfficeFactory()
    user, _ = make_operator(role=Role.CPI_OPERATOR, office=cpi)
    Membership.objects.create(user=user, office=other, role=Role.CPI_MANAGER)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Membership.objects.create(
        user=user, office=OfficeFactory(), role=Role.REGION, valid_to=yesterday
    )
    Membership.objects.create(
        user=user,
        office=OfficeFactory(),
        role=Role.AUDITOR,
        valid_from=timezone.localdate() + dt.timedelta(days=3),
    )
    user = fresh(user)
    assert roles(user) == {Role.CPI_OPERATOR, Role.CPI_MANAGER}
    assert office_ids(user) == {cpi.pk, other.pk}
    assert has_role(user, Role.CPI_MANAGER, Role.ADMIN)
    assert not has_role(user, Role.REGION)
    assert not sees_all_offices(user)


@pytest.mark.parametrize("role", [Role.REGION, Role.ADMIN, Role.AUDITOR])
def test_region_wide_roles_see_all_offices(role):
    user, _ = make_operator(role=role, office=OfficeFactory(region=True))
    assert sees_all_offices(fresh(user))


@pytest.mark.parametrize("role", [Role.CPI_OPERATOR, Role.CPI_MANAGER, Role.TARGETED_OPERATOR])
def test_office_roles_do_not_see_all_offices(role):
    user, _ = make_operator(role=role)
    assert not sees_all_offices(fresh(user))


def test_anonymous_has_nothing():
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert roles(anon) == set()
    assert office_ids(anon) == set()
    assert not sees_all_offices(anon)


def test_memberships_are_read_once_per_user_object(django_assert_num_queries):
    user, _ = make_operator()
    user = fresh(user)
    with django_assert_num_queries(1):
        roles(user)
        office_ids(user)
        has_role(user, Role.ADMIN)
        sees_all_offices(user)


def test_user_history_never_holds_password_or_last_login():
    from sil.accounts.models import UserEvent  # type: ignore[attr-defined]

    columns = {f.name for f in UserEvent._meta.fields}
    assert "password" not in columns
    assert "last_login" not in columns
    assert "email" in columns
    user, _ = make_operator()
    before = UserEvent.objects.filter(pgh_obj=user).count()
    assert before == 1  # the insert
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    user.set_password("Another-Long-Password-77")
    user.save(update_fields=["password"])
    assert UserEvent.objects.filter(pgh_obj=user).count() == before
    user.first_name = "Mariella"
    user.save(update_fields=["first_name"])
    assert UserEvent.objects.filter(pgh_obj=user).count() == before + 1
