import pytest

from sil.shortlists import actions
from tests.factories import PersonFactory, two_cpi_world
from tests.vacancies.factories import EmployerFactory, EmployerMembershipFactory, VacancyFactory


@pytest.fixture
def world(db):
    """Two CPIs (A: Naples, B: Salerno), an operator of A, a firm followed by A with one user,
    a published vacancy of CPI A, three candidates living in Naples, and another firm."""
    data = two_cpi_world()
    employer = EmployerFactory(office=data["cpi_a"], name="Conserve Vesuviane S.r.l.")
    data["employer"] = employer
    data["employer_user"] = EmployerMembershipFactory(
        employer=employer, user__email="selezione@conserve.example.it"
    ).user
    data["vacancy"] = VacancyFactory(
        employer=employer,
        office=data["cpi_a"],
        published=True,
        title="Magazziniere con patente C",
        apply_email="lavoro@conserve.example.it",
    )
    naples = data["a"].residence_municipality
    data["people"] = [
        data["a"],
        PersonFactory(
            last_name="Ferraro",
            first_name="Ciro",
            residence_municipality=naples,
            competent_office=data["cpi_a"],
        ),
        PersonFactory(
            last_name="Marino",
            first_name="Rosa",
            residence_municipality=naples,
            competent_office=data["cpi_a"],
            female=True,
        ),
    ]
    other = EmployerFactory(name="Altra Impresa S.p.A.")
    data["other_employer"] = other
    data["other_employer_user"] = EmployerMembershipFactory(employer=other).user
    return data


@pytest.fixture
def shortlist(world):
    """A draft shortlist of the three candidates."""
    return actions.do_add_candidates(
        world["vacancy"], [p.pk for p in world["people"]], world["operator_a"]
    )


def contact(shortlist, person, consent=True, user=None):
    entry = shortlist.entries.get(person=person)
    return actions.do_record_contact(entry, channel="phone", consent=consent, user=user)


@pytest.fixture
def sent(world, shortlist):
    """Sent: Anna and Ciro agreed, Rosa refused."""
    a, ciro, rosa = world["people"]
    contact(shortlist, a, user=world["operator_a"])
    contact(shortlist, ciro, user=world["operator_a"])
    contact(shortlist, rosa, consent=False, user=world["operator_a"])
    return actions.do_send_shortlist(shortlist, world["operator_a"], note="Colloqui a marzo.")
