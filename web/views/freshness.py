"""The case page's freshness poll: has someone else changed the case since the page showed it?"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from cases.selectors.detail import case_version_for
from infonavit_atencion.core.errors import NotFound

from .common import actor_of, not_found


@login_required
@require_GET
def case_version(request: HttpRequest, folio: str) -> HttpResponse:
    """The notice when the case's version differs from `?v=` (the page's), else nothing. One
    query for the case; rendered without the request so no navigation is read either."""
    try:
        version = case_version_for(actor_of(request), folio)
    except NotFound:
        return not_found(request)
    shown = request.GET.get("v", "")
    stale = not (shown.isdigit() and int(shown) == version)
    context = {"folio": folio, "version": version, "stale": stale}
    response = HttpResponse(render_to_string("web/case/_freshness_notice.html", context))
    response["Cache-Control"] = "no-store"
    return response
