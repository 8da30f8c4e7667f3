"""Shared goals are kept in the admin; derived tables are not editable anywhere."""

from django.contrib import admin
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from infonavit_atencion.core.admin_guard import GuardedAdminMixin

from .freshness import BACKLOG_PROBE_EVENTS, refresh_backlog
from .models import RollupState, Target
from .selectors import target_evaluate

STATUS_LABELS = {"met": _("Cumplida"), "at_risk": _("En riesgo"), "missed": _("Incumplida")}


@admin.register(Target)
class TargetAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "metric",
        "channel",
        "directorate",
        "date_from",
        "date_to",
        "direction",
        "value",
        "active",
        "status",
    )
    list_filter = ("active", "metric", "channel", "directorate", "period_kind")
    search_fields = ("name", "notes")
    fields = (
        "name",
        "metric",
        "channel",
        "directorate",
        "period_kind",
        "date_from",
        "date_to",
        "direction",
        "value",
        "active",
        "notes",
    )

    @admin.display(description=_("estado"))
    def status(self, obj: Target) -> str:
        return str(STATUS_LABELS[target_evaluate(obj, timezone.now()).status])


@admin.register(RollupState)
class RollupStateAdmin(GuardedAdminMixin, admin.ModelAdmin):
    """How far behind the rollup refresh is (read only): the board stops correcting for live
    past INDICATORS_BOARD_LIVE_CASES unread cases and shows the last refresh instead."""

    list_display = ("watermark", "refreshed_at", "unread_events", "lag", "rebuilt_at")
    fields = ("watermark", "refreshed_at", "unread_events", "lag", "rebuilt_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    @admin.display(description=_("eventos sin leer"))
    def unread_events(self, obj: RollupState) -> str:
        backlog = refresh_backlog()
        if backlog.capped:
            return _("más de %(n)s") % {"n": f"{BACKLOG_PROBE_EVENTS:,}"}
        return f"{backlog.events:,}"

    @admin.display(description=_("retraso"))
    def lag(self, obj: RollupState) -> str:
        backlog = refresh_backlog()
        if not backlog.events:
            return str(_("Al día"))
        if backlog.refreshed_at is None:
            return str(_("Atrasada: nunca se ha actualizado"))
        return _("Atrasada: última actualización hace %(age)s") % {
            "age": timesince(backlog.refreshed_at, timezone.now())
        }
