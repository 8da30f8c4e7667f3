from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/", views.WebhookCollectionApi.as_view(), name="webhook-list"),
    path(
        "webhooks/<int:subscription_id>/",
        views.WebhookDetailApi.as_view(),
        name="webhook-detail",
    ),
    path(
        "webhooks/<int:subscription_id>/deliveries/",
        views.WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
]
