from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from infonavit_atencion.core import health
from web.views import home

admin.site.site_header = "Atención Infonavit — administración"
admin.site.site_title = "Atención Infonavit"
admin.site.index_title = "Configuración"

urlpatterns = [
    # The API first: the busiest paths, resolved without trying every page's pattern first.
    path("api/v1/", include("infonavit_atencion.api_urls")),
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("web.urls")),
    path("atencion/registro/", include("intake.urls")),
    path("exportaciones/", include("web.export_urls")),
    path("", include("web.dashboard_urls")),
    path("admin/", admin.site.urls),
    path("encuesta/", include("surveys.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the page needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
handler403 = "infonavit_atencion.core.api_errors.handler403"
handler404 = "infonavit_atencion.core.api_errors.handler404"
handler500 = "infonavit_atencion.core.api_errors.handler500"
