from django.contrib import admin

from .models import Contact


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("__str__", "type", "nss", "curp", "created_at")
    list_filter = ("type",)
    search_fields = ("nss", "curp", "rfc", "first_surname", "given_names", "email")
    raw_id_fields = ("merged_into",)
