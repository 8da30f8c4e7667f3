"""Webhooks in the admin: read-only screens with two actions that go through the services.

Subscriptions are created by API clients (the URL rules are checked there); the admin can only
deactivate them. The signing secret is never shown. Deliveries and their attempts are the log;
a failed delivery can be sent again.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from infonavit_atencion.core.admin_guard import GuardedAdminMixin, GuardedInlineMixin

from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from .services import webhook_deliveries_retry, webhook_subscriptions_deactivate


class ReadOnlyAdmin(GuardedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_manage_permission(self, request: HttpRequest) -> bool:
        """Who may run the actions: whoever holds the model's change permission."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("id", "client", "url", "events", "active", "created_at", "deactivated_at")
    list_filter = ("active", "client")
    search_fields = ("url", "client__name")
    list_select_related = ("client",)
    fields = ("client", "url", "events", "active", "created_at", "deactivated_at")
    actions = ["deactivate"]

    @admin.action(
        description=_("Desactivar las suscripciones seleccionadas"), permissions=["manage"]
    )
    def deactivate(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        done = webhook_subscriptions_deactivate(
            queryset.values_list("pk", flat=True), timezone.now()
        )
        self.message_user(
            request,
            ngettext(
                "Se desactivó %(n)d suscripción.", "Se desactivaron %(n)d suscripciones.", done
            )
            % {"n": done},
            messages.SUCCESS,
        )


class WebhookAttemptInline(GuardedInlineMixin, admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "at", "status_code", "error", "duration_ms")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "event_id",
        "event_type",
        "subscription",
        "case",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    )
    list_filter = ("status", "event_type", "subscription__client")
    search_fields = ("=event_id", "case__folio", "subscription__url")
    list_select_related = ("subscription__client", "case")
    date_hierarchy = "created_at"
    inlines = [WebhookAttemptInline]
    actions = ["retry"]

    @admin.action(
        description=_("Reintentar ahora las entregas fallidas seleccionadas"),
        permissions=["manage"],
    )
    def retry(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        done = webhook_deliveries_retry(queryset.values_list("pk", flat=True), timezone.now())
        self.message_user(
            request,
            ngettext(
                "Se programó %(n)d entrega para reintento.",
                "Se programaron %(n)d entregas para reintento.",
                done,
            )
            % {"n": done},
            messages.SUCCESS,
        )
