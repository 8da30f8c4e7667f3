from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from infonavit_atencion.core.admin_guard import GuardedAdminMixin, GuardedInlineMixin

from .models import Area, Directorate, Macro, Service, ServiceChannel, SlaPolicy


class AreaInline(GuardedInlineMixin, admin.TabularInline):
    model = Area
    extra = 0
    fields = ("code", "name", "calendar", "active")


@admin.register(Directorate)
class DirectorateAdmin(GuardedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "active")
    search_fields = ("code", "name")
    inlines = [AreaInline]


@admin.register(Area)
class AreaAdmin(GuardedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "directorate", "calendar", "active")
    list_filter = ("directorate", "active")
    search_fields = ("code", "name")
    list_select_related = ("directorate", "calendar")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(GuardedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "code",
        "name",
        "first_response_value",
        "first_response_unit",
        "resolution_value",
        "resolution_unit",
        "calendar",
        "warn_pct",
    )
    list_filter = ("resolution_unit", "first_response_unit", "calendar")
    search_fields = ("code", "name")


class ServiceChannelInline(GuardedInlineMixin, admin.TabularInline):
    model = ServiceChannel
    extra = 0
    autocomplete_fields = ("channel",)


@admin.register(Service)
class ServiceAdmin(GuardedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "directorate",
        "area",
        "sla_policy",
        "first_contact_resolution",
        "active",
    )
    list_filter = (
        "kind",
        "directorate",
        "first_contact_resolution",
        "active",
        "channel_links__channel",
    )
    search_fields = ("code", "name", "description")
    autocomplete_fields = ("area", "sla_policy")
    list_select_related = ("directorate", "area", "sla_policy")
    inlines = [ServiceChannelInline]


@admin.register(Macro)
class MacroAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "service", "public", "action", "priority", "active", "updated_at")
    list_filter = ("active", "action", "public", "service__directorate")
    fields = ("service", "title", "body", "public", "action", "pause_reason", "priority", "active")
    search_fields = ("title", "body", "service__code", "service__name")
    list_select_related = ("service",)
    autocomplete_fields = ("service",)
