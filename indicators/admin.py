"""Shared goals are kept in the admin; derived tables are not editable anywhere."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infonavit_atencion.core.admin_guard import GuardedAdminMixin

from .models import Target
from .targets import target_evaluate

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
