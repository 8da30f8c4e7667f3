from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from infonavit_atencion.core.admin_guard import GuardedAdminMixin, GuardedInlineMixin

from .models import (
    BusinessCalendar,
    CalendarException,
    CalendarInterval,
    CalendarNotice,
    Channel,
    NonWorkingDaysNotice,
    Office,
)
from .notices import (
    calendar_notice_apply,
    calendar_notice_create,
    calendar_notice_discard,
    calendar_notice_preview,
    calendar_notice_validate,
)


class OpenTimeFrozenMixin:
    """The open time of an existing calendar changes only through a calendar notice (preview,
    then confirm), because open cases count on it; a new calendar is edited freely."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_delete_permission(request, obj)  # type: ignore[misc]


@admin.register(Channel)
class ChannelAdmin(GuardedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "ownership", "active")
    list_filter = ("kind", "ownership", "active")
    search_fields = ("code", "name")


class CalendarIntervalInline(GuardedInlineMixin, OpenTimeFrozenMixin, admin.TabularInline):
    model = CalendarInterval
    extra = 0


class CalendarExceptionInline(GuardedInlineMixin, OpenTimeFrozenMixin, admin.TabularInline):
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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Timezone and holiday rule are open time too: fixed once the calendar exists.
        return ("timezone", "observe_holidays") if obj is not None else ()

    @admin.display(description=_("oficinas"))
    def office_count(self, obj: BusinessCalendar) -> int:
        return obj.offices.count()


@admin.register(CalendarException)
class CalendarExceptionAdmin(GuardedAdminMixin, SimpleHistoryAdmin):
    """Read-only: exceptions are added, changed and removed through calendar notices."""

    list_display = ("date", "calendar", "closed", "intervals", "name", "source")
    list_filter = ("closed", "calendar")
    search_fields = ("name", "source", "calendar__code")
    date_hierarchy = "date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CalendarNoticeForm(forms.ModelForm):
    class Meta:
        model = CalendarNotice
        fields = (
            "calendar",
            "action",
            "date_from",
            "date_to",
            "closed",
            "intervals",
            "weekly",
            "name",
            "source",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and self.instance.pk is None:  # a saved notice is read-only
            calendar_notice_validate(CalendarNotice(**cleaned))
        return cleaned


@admin.register(CalendarNotice)
class CalendarNoticeAdmin(GuardedAdminMixin, admin.ModelAdmin):
    """Add a notice (pending), read its preview, then confirm (apply) or discard it."""

    list_display = ("created_at", "calendar", "action", "date_from", "date_to", "name", "status")
    list_filter = ("status", "action", "calendar")
    search_fields = ("name", "source", "calendar__code")
    fields = (
        "calendar",
        "action",
        "date_from",
        "date_to",
        "closed",
        "intervals",
        "weekly",
        "name",
        "source",
    )
    change_form_template = "admin/channels/calendarnotice/change_form.html"
    form = CalendarNoticeForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return (*self.fields, "status", "preview_table", "created_by", "applied_by", "applied_at")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return self.fields
        return (*self.fields, "status", "preview_table", "created_by", "applied_by", "applied_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("Casos abiertos que cambiarían"))
    def preview_table(self, obj: CalendarNotice) -> str:
        return render_to_string(
            "admin/channels/calendarnotice/preview.html", {"preview": obj.preview}
        )

    def save_model(
        self, request: HttpRequest, obj: CalendarNotice, form: Any, change: bool
    ) -> None:
        if change:
            return  # a notice is never edited: it is confirmed, discarded or replaced
        calendar_notice_create(obj, request.user, timezone.now())  # type: ignore[arg-type]

    def response_add(
        self, request: HttpRequest, obj: CalendarNotice, post_url_continue: str | None = None
    ) -> HttpResponse:
        messages.info(
            request, _t("Aviso registrado. Revise qué cambiaría y confírmelo para aplicarlo.")
        )
        return HttpResponseRedirect(reverse("admin:channels_calendarnotice_change", args=[obj.pk]))

    def response_change(self, request: HttpRequest, obj: CalendarNotice) -> HttpResponse:
        here = HttpResponseRedirect(reverse("admin:channels_calendarnotice_change", args=[obj.pk]))
        if "_apply" in request.POST:
            try:
                calendar_notice_apply(obj.pk, request.user, timezone.now())  # type: ignore[arg-type]
            except ValidationError as bad:
                messages.error(request, " ".join(bad.messages))
                return here
            messages.success(
                request,
                _t(
                    "Aviso aplicado al calendario %(code)s; los casos abiertos se están recalculando."
                )
                % {"code": obj.calendar.code},
            )
            return here
        if "_refresh" in request.POST and obj.status == CalendarNotice.Status.PENDING:
            calendar_notice_preview(obj, timezone.now())
            return here
        if "_discard" in request.POST:
            calendar_notice_discard(obj.pk)
            messages.info(request, _t("Aviso descartado; el calendario no cambió."))
            return here
        return here


@admin.register(NonWorkingDaysNotice)
class NonWorkingDaysNoticeAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ("year", "source", "updated_at")


@admin.register(Office)
class OfficeAdmin(GuardedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "state", "timezone", "calendar", "parent", "active")
    list_filter = ("kind", "state", "timezone", "active")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("channels",)
    list_select_related = ("calendar", "parent")
