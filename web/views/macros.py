"""Macros on the case page: which ones it offers and applying one in a click."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.lifecycle import transition_target
from cases.models import Case
from cases.selectors.detail import case_get_for
from cases.services import case_macro_apply
from catalog.selectors import macros_for
from infonavit_atencion.core.errors import ApplicationError, NotFound

from ..actions import role_allows
from ..forms import MacroApplyForm
from .common import actor_of, error_text, not_found


def macro_context(case: Case, role: str | None) -> dict[str, Any]:
    """The case page's macros: every active one of the service fills the comment box; those
    the case's status and the user's role allow are offered to apply in one click."""
    macros = list(macros_for(case.service_id))
    open_case = case.status not in ("closed", "cancelled")
    applicable = [
        macro
        for macro in macros
        if open_case
        and (
            not macro.action
            or (
                role_allows(role, macro.action)
                and transition_target(macro.action, case.status) is not None
            )
        )
    ]
    return {"macros": macros, "applicable_macros": applicable}


@login_required
@require_POST
def case_macro(request: HttpRequest, folio: str) -> HttpResponse:
    actor, now = actor_of(request), timezone.now()
    try:
        case_get_for(actor, folio)
    except NotFound:
        return not_found(request)
    form = MacroApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Elija una macro."))
        return redirect("web:case", folio=folio)
    try:
        applied = case_macro_apply(
            folio,
            form.cleaned_data["macro"],
            actor,
            now,
            expected_version=form.cleaned_data.get("version"),
        )
    except ApplicationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Macro «%(title)s» aplicada.") % {"title": applied.macro.title})
    return redirect("web:case", folio=folio)
