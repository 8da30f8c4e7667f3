"""The two-person grant of the integrity role in the administration (SPEC §9).

"Agregar" records a proposal (for whom, why) by the administrator signed in; the actions
"Aprobar", "Rechazar" and "Revocar" go through ``accounts.sealed_role``, which refuses a
proposer approving, anyone deciding about their own account, and a second open grant. Rows are
read-only and never deleted: the list is the record of who proposed, approved and revoked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from infonavit_atencion.core.admin_guard import GuardedAdminMixin
from infonavit_atencion.core.errors import ApplicationError

from .models import SealedRoleGrant
from .sealed_role import (
    is_administrator,
    sealed_role_approve,
    sealed_role_propose,
    sealed_role_propose_check,
    sealed_role_reject,
    sealed_role_revoke,
)

RECORD_FIELDS = (
    "for_user",
    "status",
    "reason",
    "proposed_by",
    "proposed_at",
    "approved_by",
    "approved_at",
    "rejected_by",
    "rejected_at",
    "revoked_by",
    "revoked_at",
)


class SealedRoleProposalForm(forms.ModelForm):
    """The proposal: the refusals of the service show on the form, before anything is saved."""

    proposer: Any = None

    class Meta:
        model = SealedRoleGrant
        fields = ("for_user", "reason")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for_user = cleaned.get("for_user")
        if for_user is not None:
            try:
                sealed_role_propose_check(self.proposer, for_user)
            except ApplicationError as error:
                raise forms.ValidationError(str(error.detail)) from error
        return cleaned


@admin.register(SealedRoleGrant)
class SealedRoleGrantAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = (
        "for_user",
        "status",
        "proposed_by",
        "proposed_at",
        "approved_by",
        "approved_at",
        "rejected_by",
        "revoked_by",
        "revoked_at",
    )
    list_filter = ("status",)
    search_fields = ("for_user__username", "proposed_by__username", "approved_by__username")
    list_select_related = ("for_user", "proposed_by", "approved_by", "rejected_by", "revoked_by")
    autocomplete_fields = ("for_user",)
    actions = ["approve", "reject", "revoke"]

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return ("for_user", "reason") if obj is None else RECORD_FIELDS

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return () if obj is None else RECORD_FIELDS

    def get_form(self, request, obj=None, change=False, **kwargs):  # type: ignore[no-untyped-def]
        if obj is None:
            kwargs["form"] = type(
                "ProposalForm", (SealedRoleProposalForm,), {"proposer": request.user}
            )
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        """Only proposals are saved here, through the service (under its lock and checks)."""
        grant = sealed_role_propose(
            request.user, form.cleaned_data["for_user"], timezone.now(), form.cleaned_data["reason"]
        )
        obj.pk, obj.proposed_by, obj.proposed_at = grant.pk, grant.proposed_by, grant.proposed_at

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def _decide(
        self,
        request: HttpRequest,
        queryset: QuerySet[SealedRoleGrant],
        step: Callable[[Any, int, Any], SealedRoleGrant],
    ) -> int:
        done = 0
        for grant in queryset.select_related("for_user"):
            try:
                step(request.user, grant.pk, timezone.now())
            except ApplicationError as error:
                self.message_user(request, f"{grant.for_user}: {error.detail}", messages.ERROR)
            else:
                done += 1
        return done

    @admin.action(description=_("Aprobar"), permissions=["decide"])
    def approve(self, request: HttpRequest, queryset: QuerySet[SealedRoleGrant]) -> None:
        done = self._decide(request, queryset, sealed_role_approve)
        if done:
            message = ngettext(
                "Se aprobó %(n)d concesión.", "Se aprobaron %(n)d concesiones.", done
            ) % {"n": done}
            self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Rechazar"), permissions=["decide"])
    def reject(self, request: HttpRequest, queryset: QuerySet[SealedRoleGrant]) -> None:
        done = self._decide(request, queryset, sealed_role_reject)
        if done:
            message = ngettext(
                "Se rechazó %(n)d propuesta.", "Se rechazaron %(n)d propuestas.", done
            ) % {"n": done}
            self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Revocar"), permissions=["decide"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[SealedRoleGrant]) -> None:
        done = self._decide(request, queryset, sealed_role_revoke)
        if done:
            message = ngettext(
                "Se revocó %(n)d concesión.", "Se revocaron %(n)d concesiones.", done
            ) % {"n": done}
            self.message_user(request, message, messages.SUCCESS)
