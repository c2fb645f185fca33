from csp.decorators import csp_replace
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from sil.core import views as core_views
from sil.core.registry import registry

# Swagger UI sets style attributes and <style> elements from its own script (served from our
# origin); only this page relaxes style-src, scripts stay 'self'.
api_docs_view = csp_replace({"style-src": ["'self'", "'unsafe-inline'"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

# Every app mounts its screens from AppConfig.ready() (the registry's `urls` store).
urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("allauth.urls")),
    path("operatori/admin/", admin.site.urls),
    path("api/v1/", include("sil.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs_view, name="api-docs"),
]
# More specific prefixes first ("imprese/offerte/" before "imprese/"), then by order.
urlpatterns += [
    path(mount.prefix, include(mount.module))
    for mount in sorted(registry.urls, key=lambda m: (-len(m.prefix), m.order))
]

admin.site.site_header = "OpenSIL"
admin.site.site_title = "OpenSIL"

handler400 = "sil.core.views.bad_request"
handler403 = "sil.core.views.permission_denied"
handler404 = "sil.core.views.page_not_found"
# While the database is unreachable, an error anywhere answers 503 with Retry-After (not 500).
handler500 = "sil.core.views.server_error"
