"""Inbound e-mail in the administration: read-only, for auditing where each message ended.

Decisions are taken on the "Correo por clasificar" pages (`inbound.triage`), never here. The
sender's address is personal data (``admin_guard.PROTECTED_FIELDS``): shown masked, never
listed, filtered or searched; the raw message and its text stay out of the administration.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from contacts.access import mask_email
from infonavit_atencion.core.admin_guard import GuardedAdminMixin, GuardedInlineMixin

from .models import InboundMessage, InboundMessageEvent


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InboundMessageEventInline(GuardedInlineMixin, _ReadOnly, admin.TabularInline):
    model = InboundMessageEvent
    fields = ("at", "kind", "status", "actor", "reason", "data")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(InboundMessage)
class InboundMessageAdmin(GuardedAdminMixin, _ReadOnly, admin.ModelAdmin):
    list_display = ("received_at", "from_name", "subject", "status", "case", "decided_by")
    list_filter = ("status",)
    search_fields = ("=case__folio", "=message_id")
    list_select_related = ("case", "decided_by")
    show_full_result_count = False
    actions = None
    fields = (
        "message_id",
        "from_name",
        "sender_masked",
        "subject",
        "received_at",
        "stored_at",
        "attachments",
        "status",
        "reason",
        "case",
        "suggested_case",
        "decided_by",
        "decided_at",
    )
    readonly_fields = fields
    inlines = [InboundMessageEventInline]

    @admin.display(description=_("remitente"))
    def sender_masked(self, obj: InboundMessage) -> str:
        return mask_email(obj.from_address)
