from django.urls import path

from . import views

urlpatterns = [
    path("directorates/", views.DirectorateListApi.as_view(), name="directorate-list"),
    path("services/", views.ServiceListApi.as_view(), name="service-list"),
    path("services/<str:code>/", views.ServiceDetailApi.as_view(), name="service-detail"),
]
