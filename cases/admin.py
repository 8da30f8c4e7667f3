from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Case, CaseEvent, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
    list_display = ("order", "name", "active", "directorate", "area", "set_priority", "assignment_strategy")
    list_display_links = ("name",)
    list_filter = ("active", "directorate", "assignment_strategy")
    search_fields = ("name",)
    filter_horizontal = ("services", "channels", "offices")
    autocomplete_fields = ("directorate", "area")


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

    list_display = ("folio", "kind", "service", "channel", "status", "sla_state", "area", "received_at")
    list_filter = ("status", "sla_state", "kind", "channel", "directorate")
    search_fields = ("folio", "external_reference")
    list_select_related = ("service", "channel", "area")
    inlines = [CaseEventInline]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
