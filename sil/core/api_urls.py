"""The /api/v1/ router: each app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

from sil.people.api import PersonViewSet
from sil.territory.api import MunicipalityViewSet, OfficeViewSet

router = DefaultRouter()
router.register("municipalities", MunicipalityViewSet, basename="municipality")
router.register("offices", OfficeViewSet, basename="office")
router.register("people", PersonViewSet, basename="person")

urlpatterns = router.urls
