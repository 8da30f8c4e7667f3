"""The citizen's status page: folio and tracking code, no login (SPEC §8 public look-up), and
the citizen's reply on it (a public comment, a document; a waiting case resumes).

Nothing about the sender's address is kept with a reply or logged with the folio.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.models import Case
from cases.selectors.public import case_public_comments, case_public_lookup
from cases.services import case_citizen_reply
from infonavit_atencion.core.errors import ApplicationError, InvalidTransition, NotFound

from ..forms import PublicReplyForm, PublicStatusForm
from ..throttle import public_lookup_allowed
from .common import error_text

TEMPLATE = "web/public_status.html"


def _case_context(case: Case, folio: str, code: str, **extra: object) -> dict:
    reply = extra.pop("reply_form", None) or PublicReplyForm(initial={"folio": folio, "code": code})
    return {
        "form": PublicStatusForm(),
        "case": case,
        "comments": case_public_comments(case),
        "reply_form": reply,
        **extra,
    }


@require_http_methods(["GET", "POST"])
def public_status(request: HttpRequest) -> HttpResponse:
    """POST keeps the tracking code out of addresses, history and logs."""
    if request.method == "GET":
        # The e-mails link here with the folio filled in; the code is typed by the citizen.
        form = PublicStatusForm(initial={"folio": request.GET.get("folio", "")[:40]})
        return render(request, TEMPLATE, {"form": form})
    allowed, wait = public_lookup_allowed(request)
    if not allowed:
        response = render(request, "web/public_throttled.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
    if "body" in request.POST:
        return _reply(request)
    form = PublicStatusForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    folio, code = form.cleaned_data["folio"], form.cleaned_data["code"]
    try:
        case = case_public_lookup(folio, code)
    except NotFound as missing:
        context = {"form": form, "not_found": str(missing.detail)}
        return render(request, TEMPLATE, context, status=404)
    return render(request, TEMPLATE, _case_context(case, folio, code))


def _reply(request: HttpRequest) -> HttpResponse:
    form = PublicReplyForm(request.POST, request.FILES)
    try:
        case = case_public_lookup(request.POST.get("folio", ""), request.POST.get("code", ""))
    except NotFound as missing:
        context = {"form": PublicStatusForm(), "not_found": str(missing.detail)}
        return render(request, TEMPLATE, context, status=404)
    folio, code = request.POST.get("folio", ""), request.POST.get("code", "")
    if not form.is_valid():
        context = _case_context(case, folio, code, reply_form=form)
        return render(request, TEMPLATE, context, status=400)
    upload = form.cleaned_data.get("file")
    try:
        case_citizen_reply(
            case.folio, form.cleaned_data["body"], timezone.now(), [upload] if upload else []
        )
    except ApplicationError as error:
        status = 409 if isinstance(error, InvalidTransition) else 400
        context = _case_context(case, folio, code, reply_form=form, reply_error=error_text(error))
        return render(request, TEMPLATE, context, status=status)
    case.refresh_from_db()
    context = _case_context(case, folio, code, replied=_("Recibimos su respuesta; la verá abajo."))
    return render(request, TEMPLATE, context)
