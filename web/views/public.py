"""The citizen's status page: folio and tracking code, no login (SPEC §8 public look-up)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from cases.selectors import case_public_comments, case_public_lookup
from infonavit_atencion.core.errors import NotFound

from ..forms import PublicStatusForm
from ..throttle import public_lookup_allowed


@require_http_methods(["GET", "POST"])
def public_status(request: HttpRequest) -> HttpResponse:
    """POST keeps the tracking code out of addresses, history and logs."""
    if request.method == "GET":
        # The e-mails link here with the folio filled in; the code is typed by the citizen.
        form = PublicStatusForm(initial={"folio": request.GET.get("folio", "")[:40]})
        return render(request, "web/public_status.html", {"form": form})
    allowed, wait = public_lookup_allowed(request)
    if not allowed:
        response = render(request, "web/public_throttled.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
    form = PublicStatusForm(request.POST)
    if not form.is_valid():
        return render(request, "web/public_status.html", {"form": form}, status=400)
    try:
        case = case_public_lookup(form.cleaned_data["folio"], form.cleaned_data["code"])
    except NotFound as missing:
        context = {"form": form, "not_found": str(missing.detail)}
        return render(request, "web/public_status.html", context, status=404)
    context = {"form": PublicStatusForm(), "case": case, "comments": case_public_comments(case)}
    return render(request, "web/public_status.html", context)
