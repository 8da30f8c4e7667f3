"""The supervisor dashboard and the lists of cases behind its numbers (namespace ``indicators``,
the names its templates and links have always reversed)."""

from django.urls import path

from .views import dashboard as views

app_name = "indicators"

urlpatterns = [
    path("tablero/", views.dashboard, name="dashboard"),
    path("tablero/tendencia/", views.dashboard_trend, name="dashboard_trend"),
    path("tablero/metas/", views.dashboard_goals, name="dashboard_goals"),
    path("tablero/casos/", views.dashboard_cases, name="dashboard_cases"),
]
