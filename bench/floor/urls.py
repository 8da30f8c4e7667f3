from django.urls import path

from .views import FloorCaseDetail, FloorCaseListCreate, healthz

urlpatterns = [
    path("healthz", healthz),
    path("cases/", FloorCaseListCreate.as_view()),
    path("cases/<str:folio>/", FloorCaseDetail.as_view()),
]
