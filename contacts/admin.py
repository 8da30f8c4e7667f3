from django.contrib import admin

from .models import Contact, ContactAccessLog


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("__str__", "type", "nss", "curp", "created_at")
    list_filter = ("type",)
    search_fields = ("nss", "curp", "rfc", "first_surname", "given_names", "email")
    raw_id_fields = ("merged_into",)


@admin.register(ContactAccessLog)
class ContactAccessLogAdmin(admin.ModelAdmin):
    """Read-only: the log of full-record views is evidence, never edited."""

    list_display = ("at", "user", "contact", "case")
    list_filter = ("at",)
    search_fields = ("user__username", "contact__nss", "contact__curp", "case__folio")
    list_select_related = ("user", "contact", "case")
    date_hierarchy = "at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
