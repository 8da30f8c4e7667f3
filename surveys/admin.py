from django.contrib import admin
from django.http import HttpRequest

from infonavit_atencion.core.admin_guard import GuardedAdminMixin

from .models import SurveyAnswer


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(GuardedAdminMixin, admin.ModelAdmin):
    """Read-only: answers come only from citizens, through their survey link."""

    list_display = ("case", "csat", "nps", "answered_at")
    list_filter = ("csat", "nps")
    search_fields = ("case__folio",)
    date_hierarchy = "answered_at"
    list_select_related = ("case",)
    fields = ("case", "csat", "nps", "comment", "answered_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
