"""Exports in the browser, mounted at /exportaciones/ (namespace ``exports``)."""

from django.urls import path

from .views import exports as views

app_name = "exports"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("casos/", views.export_cases, name="cases"),
    path("indicadores/", views.export_indicators, name="indicators"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/avance/", views.job_progress, name="progress"),
    path("<int:pk>/descargar/", views.job_download, name="download"),
]
