"""Routes of /api/v1/: each app contributes its own `api/urls.py`."""

from django.urls import include, path

urlpatterns = [
    path("", include("channels.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("cases.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("indicators.api.urls")),
]
