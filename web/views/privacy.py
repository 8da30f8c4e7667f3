"""Personal data on the case page beyond the contact card (SPEC §9).

* The sealed identity of an anonymous denuncia's reporter, shown only to the dedicated role
  (``cases.privacy``) after a logged "show", like the contact card.
* The record of the two-person grants of that role (``accounts.sealed_role``), for
  administrators and holders of the role; anyone else gets 403.
* The answer to an ARCO access request: everything held about the titular (the case's contact)
  as a ZIP (``arco.export``), for people allowed to export, logged with the ARCO case.

A case outside the user's scope, or one these do not apply to, is 404 (its existence is never
revealed); a user without the export permission gets 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.sealed_role import is_administrator, sealed_role_record
from arco.export import contact_data_export_zip, contact_export_allowed
from cases.models import Case
from cases.privacy import sealed_identity_reveal, sealed_identity_visible_to
from cases.selectors.detail import case_get_for
from contacts.arco import arco_request_for
from contacts.models import ArcoRequest, ArcoRight
from infonavit_atencion.core.errors import NotFound

from .common import actor_of, is_htmx, not_found


def privacy_context(case: Case, user: Any) -> dict[str, Any]:
    """What the case page shows about the ARCO request and the sealed identity."""
    arco: ArcoRequest | None = arco_request_for(case)
    return {
        "arco": arco,
        "arco_export": bool(
            arco is not None
            and arco.right == ArcoRight.ACCESS
            and case.contact is not None
            and contact_export_allowed(user)
        ),
        "sealed_identity_held": bool(
            case.anonymous and case.sealed_reporter_identity and sealed_identity_visible_to(user)
        ),
    }


@login_required
@require_POST
def case_sealed_identity(request: HttpRequest, folio: str) -> HttpResponse:
    """The reporter's sealed identity, logged; 404 for everyone but the dedicated role."""
    try:
        case = case_get_for(actor_of(request), folio)
    except NotFound:
        return not_found(request)
    identity = sealed_identity_reveal(case, request.user, timezone.now())
    if identity is None:
        return not_found(request)
    context = {"case": case, "sealed_identity": identity}
    if is_htmx(request):
        return render(request, "web/_sealed_identity.html", context)
    return render(request, "web/sealed_identity.html", context)


@login_required
@require_POST
def case_arco_export(request: HttpRequest, folio: str) -> HttpResponse | FileResponse:
    """Everything held about the titular of an ARCO access request, as a ZIP download."""
    try:
        case = case_get_for(actor_of(request), folio)
    except NotFound:
        return not_found(request)
    arco = arco_request_for(case)
    if arco is None or arco.right != ArcoRight.ACCESS or case.contact is None:
        return not_found(request)
    if not contact_export_allowed(request.user):
        raise PermissionDenied
    export = contact_data_export_zip(case.contact, request.user, timezone.now(), arco_case=case)
    response = FileResponse(
        export.file, as_attachment=True, filename=export.filename, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def sealed_role_grants(request: HttpRequest) -> HttpResponse:
    """Who proposed, approved, rejected and revoked the integrity role, and when."""
    if not (is_administrator(request.user) or sealed_identity_visible_to(request.user)):
        raise PermissionDenied
    return render(request, "web/sealed_role_grants.html", {"grants": sealed_role_record()})
