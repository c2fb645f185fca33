"""The /api/v1/ router, assembled from the registry's `api_routes` store (the composition root).

Each app registers its viewsets in AppConfig.ready().
"""

from rest_framework.routers import DefaultRouter

from sil.core.registry import registry

router = DefaultRouter()
for route in registry.api_routes:
    router.register(route.prefix, route.viewset, basename=route.basename)

urlpatterns = router.urls
