import datetime as dt

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from infonavit_atencion.core.admin_guard import GuardedAdminMixin, GuardedInlineMixin

from .models import Case, CaseEvent, RoutingRule
from .models.contact_details import CASE_FIELDS
from .routing.dry_run import REPORT_TZ, routing_dry_run
from .routing.rules import rule_specs_from

DRY_RUN_DAYS = 30


@admin.register(RoutingRule)
class RoutingRuleAdmin(GuardedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "order",
        "name",
        "active",
        "directorate",
        "area",
        "set_priority",
        "assignment_strategy",
    )
    list_display_links = ("name",)
    list_filter = ("active", "directorate", "assignment_strategy")
    search_fields = ("name",)
    filter_horizontal = ("services", "channels", "offices")
    autocomplete_fields = ("directorate", "area")
    actions = ["simulate_routing"]

    @admin.action(
        description=_("Simular turno con las reglas seleccionadas (últimos 30 días)"),
        permissions=["view"],
    )
    def simulate_routing(self, request: HttpRequest, queryset: QuerySet[RoutingRule]) -> None:
        """Dry run: the selected rules (active or not) as the whole candidate set; writes nothing."""
        since = (timezone.now().astimezone(REPORT_TZ) - dt.timedelta(days=DRY_RUN_DAYS)).date()
        report = routing_dry_run(since, rule_specs_from(queryset.order_by("order", "id")))
        for line in report.lines():
            self.message_user(request, line, messages.INFO)


class CaseEventInline(GuardedInlineMixin, admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor_user", "actor_client", "data")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Case)
class CaseAdmin(GuardedAdminMixin, admin.ModelAdmin):
    """Read-only: cases change only through the workflow services, never by editing rows."""

    list_display = (
        "folio",
        "kind",
        "service",
        "channel",
        "status",
        "sla_state",
        "area",
        "received_at",
    )
    list_filter = ("status", "sla_state", "kind", "channel", "directorate")
    search_fields = ("folio", "external_reference")
    list_select_related = ("service", "channel", "area")
    inlines = [CaseEventInline]
    show_full_result_count = False
    # The tracking code and the sealed reporter identity are never shown here, not even to the
    # integrity role (it reads the identity on the case page, logged): core.admin_guard.
    # The contact details the case came with are personal data: the case page shows them
    # masked and logs a full view; this read-only page has no such log, so it leaves them out.
    exclude = tuple(CASE_FIELDS.values())

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
