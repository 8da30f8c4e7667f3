from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from infonavit_atencion.core.admin_guard import GuardedAdminMixin, GuardedInlineMixin

from .models import BusinessCalendar, CalendarException, CalendarInterval, Channel, Office


@admin.register(Channel)
class ChannelAdmin(GuardedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "ownership", "active")
    list_filter = ("kind", "ownership", "active")
    search_fields = ("code", "name")


class CalendarIntervalInline(GuardedInlineMixin, admin.TabularInline):
    model = CalendarInterval
    extra = 0


class CalendarExceptionInline(GuardedInlineMixin, admin.TabularInline):
    model = CalendarException
    extra = 0
    fields = ("date", "closed", "intervals", "name", "source")
    ordering = ("-date",)


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(GuardedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "timezone", "observe_holidays", "office_count")
    list_filter = ("timezone",)
    search_fields = ("code", "name")
    inlines = [CalendarIntervalInline, CalendarExceptionInline]

    @admin.display(description=_("oficinas"))
    def office_count(self, obj: BusinessCalendar) -> int:
        return obj.offices.count()


@admin.register(CalendarException)
class CalendarExceptionAdmin(GuardedAdminMixin, SimpleHistoryAdmin):
    list_display = ("date", "calendar", "closed", "intervals", "name", "source")
    list_filter = ("closed", "calendar")
    search_fields = ("name", "source", "calendar__code")
    date_hierarchy = "date"


@admin.register(Office)
class OfficeAdmin(GuardedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "state", "timezone", "calendar", "parent", "active")
    list_filter = ("kind", "state", "timezone", "active")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("channels",)
    list_select_related = ("calendar", "parent")
