"""The contact admin's action "Exportar todos sus datos": the ZIP that answers an ARCO access
request (:mod:`arco.export`), for administrators and holders of ``contacts.export_contact_data``.

The contacts app sits below the cases the export reads, so it registers its admin without the
action and this app registers it again with it (``arco`` comes after ``contacts`` in
INSTALLED_APPS, and the admin loads apps' admin modules in that order).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.admin import ContactAdmin
from contacts.models import Contact

from .export import contact_data_export_zip, contact_export_allowed

admin.site.unregister(Contact)


@admin.register(Contact)
class ContactExportAdmin(ContactAdmin):
    actions = ["export_data"]

    def has_export_permission(self, request: HttpRequest) -> bool:
        return contact_export_allowed(request.user)

    @admin.action(
        description=_("Exportar todos sus datos (derechos ARCO, ZIP)"), permissions=["export"]
    )
    def export_data(self, request: HttpRequest, queryset: QuerySet[Contact]) -> FileResponse | None:
        contacts = list(queryset[:2])
        if len(contacts) != 1:
            self.message_user(
                request, _("Elija un solo contacto para exportar sus datos."), messages.ERROR
            )
            return None
        export = contact_data_export_zip(contacts[0], request.user, timezone.now())
        response = FileResponse(
            export.file,
            as_attachment=True,
            filename=export.filename,
            content_type="application/zip",
        )
        response["Cache-Control"] = "private, no-store"
        return response
