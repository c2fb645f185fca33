from __future__ import annotations

from email.header import decode_header, make_header

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from sil.accounts.models import User, UserKind
from sil.employers.actions import (
    do_add_employer_user,
    do_add_site,
    do_change_employer_role,
    do_deactivate_employer,
    do_invite_employer_user,
    do_reactivate_employer,
    do_register_employer,
    do_remove_employer_user,
    do_set_directory_consent,
    do_update_employer,
    do_update_site,
)
from sil.employers.codes import make_vat_number
from sil.employers.models import DirectoryConsent, Employer, EmployerMembership, EmployerRole
from sil.employers.notifications import queue_invitation
from sil.employers.timeline import timeline
from sil.notifications.dispatch import dispatch
from sil.notifications.models import MessageStatus, OutboxMessage
from sil.territory.models import Municipality
from tests.employers.factories import EmployerFactory, EmployerSiteFactory, ateco, employer_user
from tests.factories import CompetenceFactory, MunicipalityFactory, OfficeFactory, UserFactory
from tests.notifications.conftest import refusing_smtp, smtp

__all__ = ["refusing_smtp", "smtp"]  # fixtures of the loopback SMTP servers

pytestmark = pytest.mark.django_db


@pytest.fixture
def naples():
    return MunicipalityFactory(naples=True)


@pytest.fixture
def cpi(naples):
    office = OfficeFactory(name="CPI Napoli")
    CompetenceFactory(office=office, municipality=naples)
    return office


def firm(**overrides):
    data = {
        "fiscal_code": make_vat_number(1234567, 63),
        "name": "  Pizzeria   Vesuvio S.r.l. ",
        "email": "Info@Vesuvio.example.it",
        "phone": "081 5551234",
        "website": "www.vesuvio.example.it",
        "employees": 12,
    }
    data.update(overrides)
    if "municipality" not in data:
        data["municipality"] = Municipality.objects.filter(
            cadastral_code="H703"
        ).first() or MunicipalityFactory(salerno=True)
    return data


def test_register_fills_vat_section_size_office_and_consent(cpi, naples):
    activity = ateco("56.11.11", section="I")
    employer = do_register_employer(
        firm(municipality=naples, economic_activity=activity, directory_consent=True)
    )
    assert employer.name == "Pizzeria Vesuvio S.r.l."
    assert employer.vat_number == employer.fiscal_code  # a company: same number
    assert employer.ateco_section == "I"
    assert employer.size == "small"
    assert employer.office == cpi
    assert employer.email == "info@vesuvio.example.it"
    assert employer.phone == "+390815551234"
    assert employer.website == "https://www.vesuvio.example.it"
    assert employer.directory_consent and employer.directory_consent_at
    assert DirectoryConsent.objects.get(employer=employer).given


def test_office_given_wins_over_competence(cpi, naples):
    other = OfficeFactory(name="CPI Pozzuoli")
    employer = do_register_employer(firm(municipality=naples, office=other))
    assert employer.office == other


def test_ateco_2007_is_accepted_2025_preferred():
    old = ateco("62.01.00", edition="2007", section="J")
    employer = do_register_employer(firm(economic_activity=old))
    assert employer.economic_activity == old and employer.ateco_section == "J"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"fiscal_code": "12345678901"}, "fiscal_code", "cifra di controllo"),
        ({"fiscal_code": "ABC"}, "fiscal_code", "11 cifre"),
        ({"vat_number": "12345678901"}, "vat_number", "cifra di controllo"),
        ({"name": "  "}, "name", "ragione sociale"),
        ({"municipality": None}, "municipality", "comune della sede legale"),
        ({"email": "non-una-mail"}, "email", "e-mail non valido"),
        ({"phone": "12"}, "phone", "telefono non valido"),
        ({"postcode": "8012"}, "postcode", "5 cifre"),
        ({"website": "http://"}, "website", "sito web"),
    ],
)
def test_invalid_data_is_refused_in_italian_and_nothing_is_written(overrides, field, message):
    with pytest.raises(ValidationError) as error:
        do_register_employer(firm(**overrides))
    assert message in " ".join(error.value.message_dict[field])
    assert not Employer.objects.exists()


def test_abolished_municipality_and_section_only_ateco_are_refused():
    data = firm(
        municipality=MunicipalityFactory(abolished=True),
        economic_activity=ateco("62.10.00").parent.parent.parent.parent.parent,
    )
    with pytest.raises(ValidationError) as error:
        do_register_employer(data)
    assert "non esiste più" in error.value.message_dict["municipality"][0]
    assert "più preciso" in error.value.message_dict["economic_activity"][0]
    other_edition = ateco("62.10.00", edition="1991")
    with pytest.raises(ValidationError) as error:
        do_register_employer(firm(economic_activity=other_edition))
    assert "ATECO 2025" in error.value.message_dict["economic_activity"][0]
    assert not Employer.objects.exists()


def test_duplicate_fiscal_code():
    do_register_employer(firm())
    with pytest.raises(ValidationError) as error:
        do_register_employer(firm(name="Altro nome"))
    assert "già registrata" in error.value.message_dict["fiscal_code"][0]
    assert Employer.objects.count() == 1


def test_sole_trader_keeps_its_personal_code_and_needs_no_vat():
    employer = do_register_employer(firm(fiscal_code="RSSMRA79B11C566R", name="Mario Rossi"))
    assert employer.is_sole_trader and employer.vat_number == ""


def test_update_changes_only_given_fields_and_follows_the_seat(cpi, naples):
    employer = do_register_employer(firm(municipality=naples))
    assert employer.office == cpi
    elsewhere = MunicipalityFactory(name="Altrove")
    do_update_employer(employer, {"municipality": elsewhere, "description": "  Pizze  "})
    assert employer.municipality == elsewhere
    assert employer.office is None  # no CPI serves the new seat in this test
    assert employer.description == "Pizze"
    assert employer.email == "info@vesuvio.example.it"
    with pytest.raises(ValidationError, match="non si modifica"):
        do_update_employer(employer, {"fiscal_code": make_vat_number(7654321, 63)})


def test_update_limited_to_profile_fields_ignores_the_rest():
    employer = do_register_employer(firm())
    do_update_employer(
        employer, {"name": "Altro", "email": "hr@vesuvio.example.it"}, fields=("email",)
    )
    assert employer.name == "Pizzeria Vesuvio S.r.l."
    assert employer.email == "hr@vesuvio.example.it"


def test_directory_consent_is_dated_and_kept(django_assert_num_queries):
    employer = EmployerFactory()
    do_set_directory_consent(employer, True)
    do_set_directory_consent(employer, False)
    assert not employer.directory_consent
    assert list(
        employer.directory_consents.order_by("at", "id").values_list("given", flat=True)
    ) == [True, False]
    titles = [event.title for event in timeline(employer)]
    assert "Consenso all'elenco delle imprese revocato" in titles
    assert "Registrazione" in titles


def test_sites():
    employer = EmployerFactory()
    site = do_add_site(employer, {"name": " Stabilimento ", "municipality": employer.municipality})
    assert site.name == "Stabilimento" and site.is_active
    do_update_site(site, {"is_active": False, "phone": "081 5551234"})
    assert not site.is_active and site.phone == "+390815551234"
    with pytest.raises(ValidationError) as error:
        do_add_site(employer, {"name": "", "municipality": None})
    assert set(error.value.message_dict) == {"name", "municipality"}
    assert employer.sites.count() == 1


def test_add_employer_user_creates_an_employer_account():
    employer = EmployerFactory()
    membership = do_add_employer_user(
        employer,
        email=" Anna.Verdi@Example.IT ",
        first_name="Anna",
        last_name="Verdi",
        role=EmployerRole.ADMIN,
        password="Una-Password-Lunga-2025",
    )
    user = membership.user
    assert user.kind == UserKind.EMPLOYER and user.email == "anna.verdi@example.it"
    assert user.check_password("Una-Password-Lunga-2025")
    # A second firm for the same person (a labour consultant).
    other = EmployerFactory()
    do_add_employer_user(other, email=user.email, first_name="Anna", last_name="Verdi")
    assert user.employer_memberships.count() == 2
    with pytest.raises(ValidationError, match="già un utente"):
        do_add_employer_user(other, email=user.email, first_name="Anna", last_name="Verdi")


def test_operator_e_mail_cannot_become_an_employer_user():
    operator = UserFactory()
    with pytest.raises(ValidationError) as error:
        do_add_employer_user(EmployerFactory(), email=operator.email, first_name="A", last_name="B")
    assert "non è di un'impresa" in error.value.message_dict["email"][0]
    assert not EmployerMembership.objects.exists()


def test_weak_password_writes_nothing():
    with pytest.raises(ValidationError) as error:
        do_add_employer_user(
            EmployerFactory(), email="x@example.it", first_name="A", last_name="B", password="123"
        )
    assert "password" in error.value.message_dict
    assert not User.objects.filter(email="x@example.it").exists()


def test_invitation_goes_through_the_outbox_once_with_a_set_password_link(smtp):
    employer = EmployerFactory(name="Vesuvio S.r.l.")
    membership = do_invite_employer_user(
        employer, email="nuovo@example.it", first_name="Nuovo", last_name="Utente"
    )
    assert not membership.user.has_usable_password()
    outbox = OutboxMessage.objects.get(topic=f"employer:{employer.pk}")
    assert (outbox.kind, outbox.person_id, outbox.recipient) == (
        "employers.invitation",
        None,
        "nuovo@example.it",
    )
    assert membership.invitation == outbox  # the firm's record of what it was sent
    with transaction.atomic():
        assert queue_invitation(membership) == outbox  # queued again: the same message
    assert OutboxMessage.objects.count() == 1

    assert dispatch().sent == 1
    assert dispatch().sent == 0
    (received,) = smtp.messages
    assert received["To"] == "nuovo@example.it"
    assert "Vesuvio S.r.l." in str(make_header(decode_header(received["Subject"])))
    body = received.get_payload(decode=True).decode()
    assert "/account/password/reset/key/" in body
    assert "due fattori" in body


def test_refused_invitation_is_failed_on_the_firms_page(client, refusing_smtp):
    employer = EmployerFactory()
    membership = do_invite_employer_user(
        employer, email="nessuno@example.it", first_name="A", last_name="B"
    )
    assert dispatch().failed == 1
    membership.refresh_from_db()
    assert membership.invitation.status == MessageStatus.FAILED
    client.force_login(UserFactory(operator_of=OfficeFactory()))
    page = client.get(reverse("employers:employer_detail", args=[employer.pk])).content.decode()
    assert "invito: non consegnato" in page


def test_failed_invitation_leaves_no_message():
    with pytest.raises(ValidationError):
        do_invite_employer_user(EmployerFactory(), email="bad", first_name="A", last_name="B")
    assert not OutboxMessage.objects.exists()


def test_last_admin_cannot_be_removed_or_demoted():
    employer = EmployerFactory()
    admin = employer_user(employer)
    membership = admin.employer_memberships.get()
    with pytest.raises(ValidationError, match="almeno un amministratore"):
        do_remove_employer_user(membership)
    with pytest.raises(ValidationError, match="almeno un amministratore"):
        do_change_employer_role(membership, EmployerRole.RECRUITER)
    recruiter = employer_user(employer, role=EmployerRole.RECRUITER)
    do_remove_employer_user(recruiter.employer_memberships.get())
    recruiter.refresh_from_db()
    assert not recruiter.is_active  # no firm left: cannot sign in


def test_deactivation_locks_out_users_of_that_firm_only():
    employer, other = EmployerFactory(), EmployerFactory()
    only_here = employer_user(employer)
    consultant = employer_user(employer)
    EmployerMembership.objects.create(user=consultant, employer=other)
    do_deactivate_employer(employer)
    only_here.refresh_from_db()
    consultant.refresh_from_db()
    assert not employer.is_active
    assert not only_here.is_active and consultant.is_active
    do_reactivate_employer(employer)
    only_here.refresh_from_db()
    assert only_here.is_active


def test_writes_leave_history_with_the_author():
    import pghistory.models

    operator = UserFactory()
    employer = do_register_employer(firm(), by=operator)
    event = pghistory.models.Events.objects.tracks(employer).first()
    assert event is not None
    assert event.pgh_context["user"] == operator.pk
    assert event.pgh_context["action"] == "register_employer"


def test_sites_in_timeline():
    site = EmployerSiteFactory()
    assert any(e.kind == "site" for e in timeline(site.employer))
