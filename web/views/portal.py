"""The public filing portal (issue 18 §3): a person with no login files a queja, a denuncia
(optionally anonymous) or a solicitud among the web channel's services, and confirms their
e-mail address by a signed link before the case is routed (`cases.services.filing`).

Abuse limits: filings per client address (PUBLIC_FILING_THROTTLE_RATE, the project's one
throttle), a honeypot field (a robot that fills it is thanked and nothing is written), the
length of every field, the number and total size of the documents, and the request body
(`core` middleware, 413). Each form carries a one-time token (`web.portal_token`): sent twice,
it answers with the first filing's receipt and files nothing more. Nothing here logs, and
nothing about the sender's address is kept with a filing; an anonymous reporter is linked to no
address or person anywhere.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cases.filing_link import LinkExpired, LinkForged, confirmation_case_ref
from cases.models import Case
from cases.selectors.detail import case_get_by_pk
from cases.services.filing import ConfirmationExpired, case_email_confirm, case_file_public
from catalog.models import Service
from channels.models import Channel
from infonavit_atencion.core.errors import ApplicationError, NotFound, ValidationFailed

from ..portal import allows_anonymous, portal_channel, portal_groups, portal_promise, portal_service
from ..portal_forms import HONEYPOT, PublicFilingForm
from ..portal_token import (
    TOKEN_FIELD,
    Claim,
    filing_claim,
    filing_record,
    filing_release,
    filing_token_new,
    filing_token_nonce,
)
from ..throttle import public_filing_allowed
from .common import error_text

TEMPLATE = "web/portal.html"


def _paragraphs(text: str) -> list[str]:
    """The catalog text is wrapped at a fixed width: blank lines part paragraphs."""
    return [" ".join(chunk.split()) for chunk in text.split("\n\n") if chunk.strip()]


def _form_context(
    channel: Channel, service: Service, form: PublicFilingForm, **extra: Any
) -> dict[str, Any]:
    return {
        "service": service,
        "paragraphs": _paragraphs(service.description),
        "promise": portal_promise(service, channel, timezone.now()),
        "anonymous_allowed": allows_anonymous(service),
        "contact_required": not allows_anonymous(service),
        "form": form,
        "honeypot": HONEYPOT,
        "max_files": settings.PUBLIC_FILING_MAX_FILES,
        "max_upload": settings.PUBLIC_FILING_MAX_UPLOAD_BYTES,
        "had_files": bool(form.files),
        "token_field": TOKEN_FIELD,
        "filing_token": filing_token_new(),
        **extra,
    }


def _catalog(request: HttpRequest, channel: Channel | None, status: int = 200) -> HttpResponse:
    context = {"groups": portal_groups(channel), "unknown": status == 404}
    return render(request, TEMPLATE, context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def portal(request: HttpRequest) -> HttpResponse:
    channel = portal_channel()
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("servicio", "")[:40]
    service = portal_service(channel, code) if code else None
    if channel is None or service is None:
        return _catalog(request, channel, status=404 if code else 200)
    if request.method == "GET":
        form = PublicFilingForm(service=service)
        return render(request, TEMPLATE, _form_context(channel, service, form))
    form = PublicFilingForm(request.POST, request.FILES, service=service)
    if form.is_robot:
        # Quietly: the same words a person would read, and nothing written.
        return render(request, "web/portal_received.html")
    nonce = filing_token_nonce(request.POST.get(TOKEN_FIELD, ""))
    if nonce is None:
        form.is_valid()  # its errors are shown too
        expired = _("El formulario venció. Revise sus datos y presione «Presentar» de nuevo.")
        context = _form_context(channel, service, form, filing_error=expired)
        return render(request, TEMPLATE, context, status=400)
    claim = filing_claim(nonce)
    if not claim.ours:
        return _filed_before(request, claim)
    allowed, wait = public_filing_allowed(request)
    if not allowed:
        filing_release(nonce)
        response = render(request, "web/portal_throttled.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
    response, case = _file(request, channel, service, form)
    if case is None:
        filing_release(nonce)
    else:
        filing_record(nonce, case.pk)
    return response


def _file(
    request: HttpRequest, channel: Channel, service: Service, form: PublicFilingForm
) -> tuple[HttpResponse, Case | None]:
    if not form.is_valid():
        return render(request, TEMPLATE, _form_context(channel, service, form), status=400), None
    data = form.case_input(channel.code)
    try:
        created = case_file_public(data, timezone.now(), form.cleaned_data["documentos"])
    except ValidationFailed as refused:
        form.add_service_errors(refused)
        return render(request, TEMPLATE, _form_context(channel, service, form), status=400), None
    except ApplicationError as error:
        context = _form_context(channel, service, form, filing_error=error_text(error))
        return render(request, TEMPLATE, context, status=error.status), None
    return _done(request, created.case, status=201), created.case


def _done(request: HttpRequest, case: Case, status: int, repeated: bool = False) -> HttpResponse:
    context = {
        "case": case,
        "held": case.awaiting_email_confirmation,
        "email": _masked_email(case.contact_email) if case.awaiting_email_confirmation else "",
        "days": settings.PUBLIC_FILING_CONFIRM_DAYS,
        "repeated": repeated,
    }
    return render(request, "web/portal_done.html", context, status=status)


def _filed_before(request: HttpRequest, claim: Claim) -> HttpResponse:
    """The same form sent again (a double click, a reload): the first filing's receipt."""
    if claim.case_id is None:  # that filing is still being written
        return render(request, "web/portal_in_progress.html", status=409)
    return _done(request, case_get_by_pk(claim.case_id), status=200, repeated=True)


def _masked_email(value: str) -> str:
    user, _at, domain = value.partition("@")
    return f"{user[:1]}***@{domain}" if domain else ""


@never_cache
@require_http_methods(["GET", "POST"])
def portal_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the button (mail scanners that open links confirm nothing); POST confirms."""
    template = "web/portal_confirm.html"
    if request.method == "GET":
        try:
            confirmation_case_ref(token)
        except LinkExpired:
            return render(request, template, {"expired": True, "token": token}, status=410)
        except LinkForged:
            return render(request, template, {"invalid": True}, status=404)
        return render(request, template, {"token": token})
    try:
        case, released = case_email_confirm(token, timezone.now())
    except ConfirmationExpired:
        return render(request, template, {"expired": True}, status=410)
    except NotFound:
        return render(request, template, {"invalid": True}, status=404)
    return render(request, template, {"confirmed": case, "released": released})
