"""Administration of the contact base and of the personal-data access log (SPEC §9).

* Contacts: the list shows identifiers masked; opening a contact shows the full record, so
  each opening is logged (reason ``admin``). Its action "Exportar todos sus datos" (the answer
  to an ARCO access request) is added by ``arco.admin``, which reads cases.
* The access log: read-only, filterable by reason, date and kind of actor, searchable by user,
  system, contact and folio; nobody adds, edits or deletes a row (the database refuses too).
* ARCO requests: the right each ARCO case exercises, read-only.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from infonavit_atencion.core.admin_guard import GuardedAdminMixin

from .access import mask_value, personal_data_views_log
from .models import AccessReason, ArcoRequest, Contact, ContactAccessLog


@admin.register(Contact)
class ContactAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "type", "nss_masked", "curp_masked", "created_at")
    list_filter = ("type",)
    # Identifiers only by exact value (their unique indexes; no probing by fragments).
    search_fields = ("=nss", "=curp", "=rfc", "first_surname", "given_names", "=email")
    raw_id_fields = ("merged_into",)
    readonly_fields = ("access_log_link",)
    show_full_result_count = False

    @admin.display(description=_("NSS"))
    def nss_masked(self, obj: Contact) -> str:
        return mask_value(obj.nss)

    @admin.display(description=_("CURP"))
    def curp_masked(self, obj: Contact) -> str:
        return mask_value(obj.curp)

    @admin.display(description=_("consultas de sus datos"))
    def access_log_link(self, obj: Contact) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:contacts_contactaccesslog_changelist")
        return format_html(
            '<a href="{}?contact__id__exact={}">{}</a>', url, obj.pk, _("Ver el registro")
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The full record: every display of it is a logged view."""
        response = super().change_view(request, object_id, form_url, extra_context)
        shown = getattr(response, "context_data", None) or {}
        contact = shown.get("original")
        # 200: the page with the record (a successful save redirects instead).
        if response.status_code == 200 and contact is not None:
            personal_data_views_log(
                [(contact.pk, None)],
                timezone.now(),
                reason=AccessReason.ADMIN,
                user=cast(User, request.user),
            )
        return response


class ActorKindFilter(admin.SimpleListFilter):
    title = _("quién consultó")
    parameter_name = "actor"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("user", _("Una persona")), ("api", _("Un sistema (API)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "user":
            return queryset.filter(user__isnull=False)
        if self.value() == "api":
            return queryset.filter(api_client__isnull=False)
        return queryset


@admin.register(ContactAccessLog)
class ContactAccessLogAdmin(GuardedAdminMixin, admin.ModelAdmin):
    """Read-only: the log of personal-data views is evidence, never edited."""

    list_display = ("at", "reason", "who", "contact", "case")
    list_filter = ("reason", "at", ActorKindFilter)
    search_fields = (
        "user__username",
        "api_client__name",
        "=contact__nss",
        "=contact__curp",
        "contact__first_surname",
        "=case__folio",
    )
    list_select_related = ("user", "api_client", "contact", "case")
    show_full_result_count = False
    actions = None

    @admin.display(description=_("quién"), ordering="user__username")
    def who(self, obj: ContactAccessLog) -> str:
        if obj.user is not None:
            return str(obj.user.get_username())
        return f"{_('sistema')}: {obj.api_client}" if obj.api_client else "—"

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # Links from a contact, a user or an API client to the views they appear in.
        if lookup in ("contact__id__exact", "user__id__exact", "api_client__id__exact"):
            return True
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ArcoRequest)
class ArcoRequestAdmin(GuardedAdminMixin, admin.ModelAdmin):
    """Read-only: the right is set at intake with the case."""

    list_display = ("case", "right")
    list_filter = ("right",)
    search_fields = ("=case__folio",)
    list_select_related = ("case",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
