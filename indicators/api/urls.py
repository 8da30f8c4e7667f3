from django.urls import path

from . import views

urlpatterns = [
    path("indicators/", views.IndicatorsApi.as_view(), name="indicators"),
    path("targets/", views.TargetsApi.as_view(), name="targets"),
]
