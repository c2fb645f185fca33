"""The /api/v1/ router: each app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

from sil.did.api import DidViewSet
from sil.dossier.api import ROUTES as DOSSIER_ROUTES
from sil.dossier.api import SapExportViewSet
from sil.people.api import FiscalCodeViewSet, PersonViewSet
from sil.services.api import ROUTES as SERVICES_ROUTES
from sil.territory.api import MunicipalityViewSet, OfficeViewSet

router = DefaultRouter()
router.register("municipalities", MunicipalityViewSet, basename="municipality")
router.register("offices", OfficeViewSet, basename="office")
router.register("people", PersonViewSet, basename="person")
router.register("codice-fiscale", FiscalCodeViewSet, basename="fiscal-code")
router.register("did", DidViewSet, basename="did")
router.register(r"people/(?P<person_id>[0-9]+)/sap", SapExportViewSet, basename="person-sap")
for prefix, viewset, basename in DOSSIER_ROUTES + SERVICES_ROUTES:
    router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls
