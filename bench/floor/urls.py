"""The application's URLs and, under /floor/, the minimal DRF endpoints it is compared with."""

from django.urls import path

from infonavit_atencion.urls import urlpatterns as application_urlpatterns

from .views import FloorCaseDetail, FloorCaseListCreate

urlpatterns = [
    *application_urlpatterns,
    path("floor/cases/", FloorCaseListCreate.as_view()),
    path("floor/cases/<str:folio>/", FloorCaseDetail.as_view()),
]
