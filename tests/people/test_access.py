"""Pages of other apps about one person: scoped, and a refused attempt is logged for the person."""

import pytest
from django.urls import reverse

from sil.core.models import AccessLog
from tests.factories import two_cpi_world


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    ["dossier:dossier_detail", "services:policy_list", "did:person_dids", "did:declare"],
)
def test_another_cpi_gets_404_and_the_attempt_is_logged(client, url_name):
    world = two_cpi_world()
    client.force_login(world["operator_a"])
    response = client.get(reverse(url_name, args=[world["b"].pk]))
    assert response.status_code == 404
    assert world["b"].fiscal_code not in response.content.decode()
    denied = AccessLog.objects.get(object_id=str(world["b"].pk))
    assert (denied.action, denied.user_id) == ("denied", world["operator_a"].pk)


@pytest.mark.django_db
def test_own_cpi_reaches_the_page_with_its_breadcrumbs(client):
    world = two_cpi_world()
    client.force_login(world["operator_a"])
    response = client.get(reverse("dossier:dossier_detail", args=[world["a"].pk]))
    assert response.status_code == 200
    labels = [label for label, _ in response.context["breadcrumbs"]]
    assert labels[:3] == ["Scrivania", "Persone", world["a"].full_name]
