import datetime as dt

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .dry_run import REPORT_TZ, routing_dry_run
from .models import Case, CaseEvent, RoutingRule
from .privacy import sealed_identity_for, sealed_identity_views_log
from .routing import rule_specs_from

DRY_RUN_DAYS = 30


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
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


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor_user", "actor_client", "data")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
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
    # Secrets never shown here: the citizen's tracking code (only in the creation answer), and
    # the sealed reporter identity except to the dedicated role (cases.privacy).
    exclude = ("tracking_code", "sealed_reporter_identity")

    def get_exclude(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is not None and sealed_identity_for(obj, request.user) is not None:
            return ("tracking_code",)
        return self.exclude

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        """A sealed identity shown to the dedicated role is a logged view, as on the case page."""
        response = super().change_view(request, object_id, form_url, extra_context)
        case = (getattr(response, "context_data", None) or {}).get("original")
        if (
            request.method == "GET"
            and response.status_code == 200
            and case is not None
            and sealed_identity_for(case, request.user) is not None
        ):
            sealed_identity_views_log(request.user, [case.pk], timezone.now())
        return response

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
