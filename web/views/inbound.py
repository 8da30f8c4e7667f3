""" "Correo por clasificar": the queue of inbound e-mail no rule could place, one message with
its history and attachments, and the three decisions (issue 18 §1).

Only the e-mail office's staff may reach these pages (`inbound.selectors.inbound_queue_visible_to`;
anyone else 403). A message's text is shown as escaped plain text; its HTML is never rendered.
"""

from __future__ import annotations

from functools import wraps
from io import BytesIO
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.services.content import original_name_clean
from catalog.selectors import service_list
from channels.selectors import channel_get_by_code
from contacts.access import contact_card, mask_email
from inbound.models import InboundMessage
from inbound.parts import accepted_attachments, sender_names
from inbound.selectors import (
    inbound_attachment_get,
    inbound_message_detail,
    inbound_message_get,
    inbound_pending_page,
    inbound_queue_visible_to,
)
from inbound.triage import (
    CORREO,
    inbound_message_attach,
    inbound_message_create_case,
    inbound_message_discard,
)
from infonavit_atencion.core.errors import ApplicationError, NotFound

from ..inbound_forms import (
    DISCARD_SUGGESTIONS,
    InboundAttachForm,
    InboundCaseForm,
    InboundDiscardForm,
)
from .common import not_found


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # logged in: `inbound_staff_required`


def inbound_staff_required(view: Any) -> Any:
    """Login required; only who may classify inbound e-mail (everyone else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not inbound_queue_visible_to(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@inbound_staff_required
@require_GET
def inbound_queue(request: HttpRequest) -> HttpResponse:
    page = inbound_pending_page(request.GET.get("pagina"))
    rows = [
        {
            "message": message,
            "sender": mask_email(message.from_address),
            "attachments": len(accepted_attachments(message)),
        }
        for message in page.object_list
    ]
    return render(request, "web/inbound/queue.html", {"page": page, "rows": rows})


def _service_choices() -> list[tuple[str, str]]:
    channel = channel_get_by_code(CORREO)
    if channel is None:
        return []
    return [(service.code, service.name) for service in service_list(channel=channel)]


def _contact_choices(contacts: list[Any]) -> list[tuple[Any, str]]:
    """Each contact with the sender's address, masked as the case page shows contacts."""
    choices = []
    for contact in contacts:
        card = contact_card(contact)
        parts = [card.full_name, card.email, card.nss and f"NSS {card.nss}"]
        choices.append((contact, " · ".join(part for part in parts if part)))
    return choices


def _message_page(
    request: HttpRequest, message_id: int, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    try:
        detail = inbound_message_detail(message_id)
    except NotFound:
        return not_found(request, _("No existe ese correo."))
    forms = forms or {}
    message = detail.message
    context = {
        "detail": detail,
        "message": message,
        "pending": message.status == "pending",
        "case_form": forms.get("case") or _case_form(message, detail.sender_contacts),
        "attach_form": forms.get("attach") or _attach_form(message),
        "discard_form": forms.get("discard") or InboundDiscardForm(),
        "discard_suggestions": DISCARD_SUGGESTIONS,
    }
    response = render(request, "web/inbound/message.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _attach_form(message: InboundMessage) -> InboundAttachForm:
    """The suggested case's folio filled in: the reader's hint, the agent's decision."""
    suggested = message.suggested_case
    return InboundAttachForm(initial={"folio": suggested.folio} if suggested else None)


def _case_form(message: InboundMessage, contacts: list[Any], data: Any = None) -> InboundCaseForm:
    return InboundCaseForm(
        data,
        services=_service_choices(),
        contacts=_contact_choices(contacts),
        names=sender_names(message.from_name),
    )


@inbound_staff_required
@require_GET
def inbound_message(request: HttpRequest, message_id: int) -> HttpResponse:
    return _message_page(request, message_id)


def _refused(request: HttpRequest, message_id: int, key: str, form: Any) -> HttpResponse:
    return _message_page(request, message_id, {key: form}, status=400)


def _already_decided(
    request: HttpRequest, message_id: int, error: ApplicationError
) -> HttpResponse:
    messages.error(request, str(error.detail))
    return redirect("web:inbound_message", message_id=message_id)


def _decision_error(
    request: HttpRequest, message_id: int, key: str, form: Any, error: ApplicationError
) -> HttpResponse:
    if "message_status" in error.extra:  # someone else decided first
        return _already_decided(request, message_id, error)
    if isinstance(error, NotFound):
        if key != "attach" or not form.is_valid():
            return not_found(request, error.detail)
        # The message exists (checked first): the case is missing or outside the user's scope.
        folio = form.cleaned_data["folio"].strip()
        form.add_error(
            "folio", _("No existe el caso %(folio)s o no lo puede ver.") % {"folio": folio}
        )
        return _refused(request, message_id, key, form)
    form.add_application_error(error)
    return _refused(request, message_id, key, form)


@inbound_staff_required
@require_POST
def inbound_create_case(request: HttpRequest, message_id: int) -> HttpResponse:
    try:
        detail = inbound_message_detail(message_id)
    except NotFound:
        return not_found(request, _("No existe ese correo."))
    form = _case_form(detail.message, detail.sender_contacts, request.POST)
    if not form.is_valid():
        return _refused(request, message_id, "case", form)
    try:
        result = inbound_message_create_case(
            message_id,
            form.new_case(),
            _user(request),
            timezone.now(),
        )
    except ApplicationError as error:
        return _decision_error(request, message_id, "case", form, error)
    messages.success(
        request, _("Caso %(folio)s creado a partir del correo.") % {"folio": result.case.folio}
    )
    return redirect("web:inbound_queue")


@inbound_staff_required
@require_POST
def inbound_attach(request: HttpRequest, message_id: int) -> HttpResponse:
    form = InboundAttachForm(request.POST)
    if not form.is_valid():
        return _refused(request, message_id, "attach", form)
    folio = form.cleaned_data["folio"].strip()
    try:
        inbound_message_get(message_id)
        inbound_message_attach(message_id, folio, _user(request), timezone.now())
    except ApplicationError as error:
        return _decision_error(request, message_id, "attach", form, error)
    messages.success(request, _("Correo agregado al caso %(folio)s.") % {"folio": folio})
    return redirect("web:inbound_queue")


@inbound_staff_required
@require_POST
def inbound_discard(request: HttpRequest, message_id: int) -> HttpResponse:
    form = InboundDiscardForm(request.POST)
    if not form.is_valid():
        return _refused(request, message_id, "discard", form)
    try:
        inbound_message_get(message_id)
        message = inbound_message_discard(
            message_id,
            form.cleaned_data["reason"],
            _user(request),
            timezone.now(),
        )
    except ApplicationError as error:
        return _decision_error(request, message_id, "discard", form, error)
    messages.success(request, _("Correo descartado: %(reason)s.") % {"reason": message.reason})
    return redirect("web:inbound_queue")


@inbound_staff_required
@require_GET
def inbound_attachment_download(
    request: HttpRequest, message_id: int, index: int
) -> HttpResponse | FileResponse:
    """An attachment as a download with its sniffed type, never rendered (as a case's are)."""
    try:
        file = inbound_attachment_get(message_id, index)
    except NotFound:
        return not_found(request, _("El correo no tiene ese adjunto."))
    response = FileResponse(
        BytesIO(file.content),
        as_attachment=True,
        filename=original_name_clean(file.name),
        content_type=file.sniffed.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
