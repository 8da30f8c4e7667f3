from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.intake_new, name="new"),
    path("contactos/", views.contact_results, name="contact_search"),
    path("contactos/<int:pk>/", views.contact_card, name="contact_card"),
    path("identificador/<str:kind>/", views.identifier_check, name="identifier_check"),
    path("servicios/", views.service_options, name="service_options"),
    path("servicios/informacion/", views.service_info, name="service_info"),
    path("registrado/<str:folio>/", views.intake_done, name="done"),
]
