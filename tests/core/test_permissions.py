import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from sil.accounts.models import Role
from sil.core.permissions import (
    can_see_special_categories,
    scope_to_offices,
    visible_office_ids,
)
from sil.people.models import Person
from tests.factories import MembershipFactory, OfficeFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_offices():
    office_a, office_b = OfficeFactory(), OfficeFactory()
    person_a = PersonFactory(competent_office=office_a)
    person_b = PersonFactory(competent_office=office_b)
    unassigned = PersonFactory(competent_office=None)
    return office_a, office_b, person_a, person_b, unassigned


def _visible(user):
    return set(scope_to_offices(Person.objects.all(), user).values_list("pk", flat=True))


@pytest.mark.parametrize("role", [Role.CPI_OPERATOR, Role.CPI_MANAGER, Role.TARGETED_OPERATOR])
def test_office_roles_see_only_their_office(two_offices, role):
    office_a, _office_b, person_a, _person_b, _unassigned = two_offices
    user = UserFactory(operator_of=office_a, role=role)
    assert visible_office_ids(user) == {office_a.pk}
    assert _visible(user) == {person_a.pk}


@pytest.mark.parametrize("role", [Role.REGION, Role.ADMIN, Role.AUDITOR])
def test_region_wide_roles_see_every_office(two_offices, role):
    _office_a, _office_b, person_a, person_b, unassigned = two_offices
    user = UserFactory(operator_of=OfficeFactory(region=True), role=role)
    assert visible_office_ids(user) is None
    assert _visible(user) == {person_a.pk, person_b.pk, unassigned.pk}


def test_operator_of_two_offices_sees_both(two_offices):
    office_a, office_b, person_a, person_b, _unassigned = two_offices
    user = UserFactory(operator_of=office_a)
    MembershipFactory(user=user, office=office_b)
    assert visible_office_ids(user) == {office_a.pk, office_b.pk}
    assert _visible(user) == {person_a.pk, person_b.pk}


def test_superuser_sees_everything(two_offices):
    user = UserFactory(superuser=True)
    assert visible_office_ids(user) is None
    assert len(_visible(user)) == 3


def test_expired_and_future_memberships_do_not_count(two_offices):
    office_a, office_b, _a, _b, _u = two_offices
    expired = MembershipFactory(office=office_a, expired=True).user
    future = MembershipFactory(office=office_b, future=True).user
    assert visible_office_ids(expired) == set()
    assert _visible(expired) == set()
    assert _visible(future) == set()


def test_membership_ending_later_still_counts(two_offices):
    office_a, _b, person_a, _pb, _u = two_offices
    user = MembershipFactory(office=office_a, valid_to=dt.date.today() + dt.timedelta(days=30)).user
    assert _visible(user) == {person_a.pk}


def test_expired_regional_role_no_longer_sees_all(two_offices):
    user = MembershipFactory(regional=True, expired=True).user
    assert visible_office_ids(user) == set()


def test_operator_without_memberships_sees_nobody(two_offices):
    assert _visible(UserFactory()) == set()


@pytest.mark.parametrize("trait", ["citizen", "employer"])
def test_non_operators_see_nobody_even_with_a_membership(two_offices, trait):
    office_a = two_offices[0]
    user = UserFactory(**{trait: True}, operator_of=office_a, role=Role.REGION)
    assert visible_office_ids(user) == set()
    assert _visible(user) == set()


def test_anonymous_and_inactive_users_see_nobody(two_offices):
    assert _visible(AnonymousUser()) == set()
    assert _visible(None) == set()
    inactive = UserFactory(operator_of=two_offices[0], is_active=False)
    assert _visible(inactive) == set()


def test_scope_follows_a_lookup_path(two_offices):
    # Another app's model would pass e.g. "person__competent_office"; here the office itself.
    from sil.territory.models import Office

    office_a, office_b = two_offices[0], two_offices[1]
    user = UserFactory(operator_of=office_a)
    scoped = scope_to_offices(Office.objects.all(), user, office_field="pk")
    assert list(scoped) == [office_a]
    assert office_b not in scoped


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.TARGETED_OPERATOR, True),
        (Role.ADMIN, True),
        (Role.CPI_OPERATOR, False),
        (Role.CPI_MANAGER, False),
        (Role.REGION, False),
        (Role.AUDITOR, False),
    ],
)
def test_special_categories_need_their_role(role, allowed):
    user = UserFactory(operator_of=OfficeFactory(), role=role)
    assert can_see_special_categories(user) is allowed


def test_special_categories_for_others():
    assert can_see_special_categories(UserFactory(superuser=True)) is True
    assert can_see_special_categories(AnonymousUser()) is False
    assert can_see_special_categories(UserFactory(citizen=True)) is False
    expired = MembershipFactory(targeted=True, expired=True).user
    assert can_see_special_categories(expired) is False
