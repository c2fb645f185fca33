"""The /api/v1/ router: each app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

from sil.applications.api import ROUTES as APPLICATIONS_ROUTES
from sil.appointments.api import ROUTES as APPOINTMENTS_ROUTES
from sil.campaigns.api import ROUTES as CAMPAIGNS_ROUTES
from sil.did.api import DidViewSet
from sil.dossier.api import ROUTES as DOSSIER_ROUTES
from sil.dossier.api import SapExportViewSet
from sil.employers.api import ROUTES as EMPLOYERS_ROUTES
from sil.matching.api import ROUTES as MATCHING_ROUTES
from sil.notifications.api import ROUTES as NOTIFICATIONS_ROUTES
from sil.people.api import FiscalCodeViewSet, PersonViewSet
from sil.services.api import ROUTES as SERVICES_ROUTES
from sil.shortlists.api import ROUTES as SHORTLISTS_ROUTES
from sil.territory.api import MunicipalityViewSet, OfficeViewSet
from sil.vacancies.api import ROUTES as VACANCIES_ROUTES

router = DefaultRouter()
router.register("municipalities", MunicipalityViewSet, basename="municipality")
router.register("offices", OfficeViewSet, basename="office")
router.register("people", PersonViewSet, basename="person")
router.register("codice-fiscale", FiscalCodeViewSet, basename="fiscal-code")
router.register("did", DidViewSet, basename="did")
router.register(r"people/(?P<person_id>[0-9]+)/sap", SapExportViewSet, basename="person-sap")
for prefix, viewset, basename in (
    DOSSIER_ROUTES
    + SERVICES_ROUTES
    + EMPLOYERS_ROUTES
    + VACANCIES_ROUTES
    + APPLICATIONS_ROUTES
    + SHORTLISTS_ROUTES
    + MATCHING_ROUTES
    + CAMPAIGNS_ROUTES
    + APPOINTMENTS_ROUTES
    + NOTIFICATIONS_ROUTES
):
    router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls
