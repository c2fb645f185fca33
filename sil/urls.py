from csp.decorators import csp_replace
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from sil.core import views as core_views

# Swagger UI sets style attributes and <style> elements from its own script (served from our
# origin); only this page relaxes style-src, scripts stay 'self'.
api_docs_view = csp_replace({"style-src": ["'self'", "'unsafe-inline'"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("", include("sil.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("allauth.urls")),
    path("operatori/", include("sil.accounts.urls")),
    path("operatori/territorio/", include("sil.territory.urls")),
    path("operatori/persone/", include("sil.people.urls")),
    path("operatori/did/", include("sil.did.urls")),
    path("operatori/fascicolo/", include("sil.dossier.urls")),
    path("operatori/servizi/", include("sil.services.urls")),
    path("operatori/imprese/", include("sil.employers.urls")),
    path("operatori/offerte/", include("sil.vacancies.urls")),
    path("operatori/abbinamento/", include("sil.matching.urls")),
    path("operatori/candidature/", include("sil.applications.urls")),
    path("operatori/rose/", include("sil.shortlists.urls")),
    path("operatori/campagne/", include("sil.campaigns.urls")),
    path("operatori/agende/", include("sil.appointments.urls")),
    path("operatori/messaggi/", include("sil.notifications.urls")),
    path("operatori/admin/", admin.site.urls),
    # Employer area (/imprese/…), citizen area (/area-personale/…), public pages.
    path("imprese/offerte/", include("sil.vacancies.employer_urls")),
    path("imprese/rose/", include("sil.shortlists.employer_urls")),
    path("imprese/", include("sil.employers.area_urls")),
    path("area-personale/", include("sil.applications.citizen_urls")),
    path("elenco-imprese/", include("sil.employers.public_urls")),
    path("offerte-di-lavoro/", include("sil.vacancies.public_urls")),
    path("appuntamento/", include("sil.appointments.citizen_urls")),
    path("notifiche/webhook/", include("sil.notifications.webhook_urls")),
    path("api/v1/", include("sil.core.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs_view, name="api-docs"),
]

admin.site.site_header = "OpenSIL"
admin.site.site_title = "OpenSIL"

handler404 = "sil.core.views.not_found"
