"""Template contexts of the intake pages: read through selectors, shape for display, mask.

Nothing here writes except the session note that carries the tracking code from the POST
that created a case to the one page that shows it (:func:`remember_created`,
:func:`take_created`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.events import Actor
from cases.models import Case, CaseStatus
from cases.notices.notifications import spanish_date, status_link
from cases.services import CaseCreateResult
from catalog.models import CaseKind, Service
from channels.models import Channel, Office
from contacts.identifiers import rfc_warning_message, validate_curp, validate_nss, validate_rfc
from contacts.models import Contact
from contacts.selectors import contact_by_identifier, contact_get, contact_search, mask_identifier

from .forms import CONTACT_INCLUDE, SERVICE_INCLUDE, IntakeForm
from .selectors import (
    allows_anonymous,
    channel_by_code,
    contact_cases_for,
    due_text,
    intake_channels,
    intake_default_office,
    intake_services,
    office_by_code,
    office_timezone,
    service_by_code,
    service_offered_on,
    sla_preview,
    sla_term_text,
)

ACTION_SAVE = "save"
ACTIONS = frozenset({ACTION_SAVE, "search", "pick", "clear_contact", "refresh"})
IDENTIFIER_KINDS = ("nss", "curp", "rfc")
SESSION_KEY = "intake_created"
# What a link may preselect on a fresh form (e.g. from a contact's page).
GET_PRESETS = ("service", "channel", "office", "contact_id", "contact_q")


# --- Which button was pressed, and the values to show ------------------------------------------


def posted_action(request: HttpRequest) -> str:
    """`show` for a GET; for a POST the helper button pressed, else `save`."""
    if request.method != "POST":
        return "show"
    if "pick_contact" in request.POST:
        return "pick"
    action = request.POST.get("_action", ACTION_SAVE)
    return action if action in ACTIONS else ACTION_SAVE


def form_values(request: HttpRequest, action: str) -> dict[str, Any]:
    """The values a re-displayed form starts from: everything posted, or the user's defaults."""
    if request.method == "POST":
        values: dict[str, Any] = request.POST.dict()
        values.pop("csrfmiddlewaretoken", None)
        if action == "pick":
            values["contact_id"] = request.POST["pick_contact"]
        elif action == "clear_contact":
            values["contact_id"] = ""
        return values
    office = intake_default_office(request.user)
    channel = intake_channels(office).first()
    values = {
        "office": office.code if office else "",
        "channel": channel.code if channel else "",
        "priority": "normal",
        "contact_type": Contact.Type.DERECHOHABIENTE,
    }
    values.update({name: request.GET[name] for name in GET_PRESETS if request.GET.get(name)})
    return values


def _selected_contact(values: dict[str, Any]) -> Contact | None:
    raw = str(values.get("contact_id") or "")
    return contact_get(int(raw)) if raw.isdigit() else None


# --- Contacts, masked ----------------------------------------------------------------------


def _mask_email(value: str) -> str:
    user, _at, domain = value.partition("@")
    return f"{user[:1]}***@{domain}" if domain else ""


@dataclass(frozen=True)
class ContactView:
    pk: int
    name: str
    type_label: str
    nss: str
    curp: str
    rfc: str
    email: str
    phone: str
    has_nss: bool
    has_curp: bool


def contact_view(contact: Contact) -> ContactView:
    return ContactView(
        pk=contact.pk,
        name=contact.full_name,
        type_label=str(contact.get_type_display()),
        nss=mask_identifier(contact.nss),
        curp=mask_identifier(contact.curp),
        rfc=mask_identifier(contact.rfc),
        email=_mask_email(contact.email),
        phone=mask_identifier(contact.phone),
        has_nss=bool(contact.nss),
        has_curp=bool(contact.curp),
    )


def contact_rows(contacts: Iterable[Contact]) -> list[ContactView]:
    return [contact_view(contact) for contact in contacts]


# --- Identifier feedback as the user types -------------------------------------------------


@dataclass(frozen=True)
class IdentifierFeedback:
    level: str  # "", "ok", "warning" or "error"
    messages: list[str]
    existing: ContactView | None = None


def identifier_feedback(kind: str, raw: str) -> IdentifierFeedback:
    """Validate one NSS, CURP or RFC with contacts.identifiers; say if a contact already has it."""
    if not raw.strip():
        return IdentifierFeedback("", [])
    try:
        if kind == "rfc":
            result = validate_rfc(raw)
            if result.warnings:
                return IdentifierFeedback(
                    "warning", [str(rfc_warning_message(code)) for code in result.warnings]
                )
            return IdentifierFeedback("ok", [_("RFC válido.")])
        value = validate_nss(raw) if kind == "nss" else validate_curp(raw)
    except ValidationError as error:
        return IdentifierFeedback("error", [str(message) for message in error.messages])
    holder = contact_by_identifier(**{kind: value})
    if holder is not None:
        return IdentifierFeedback(
            "ok",
            [_("Ya está registrado; el caso se vinculará a ese contacto.")],
            contact_view(holder),
        )
    return IdentifierFeedback("ok", [_("NSS válido.") if kind == "nss" else _("CURP válida.")])


# --- Service panel ---------------------------------------------------------------------------


def _paragraphs(text: str) -> list[str]:
    """The catalog text is wrapped at a fixed width: blank lines part paragraphs, not newlines."""
    return [" ".join(chunk.split()) for chunk in text.split("\n\n") if chunk.strip()]


def service_context(
    service: Service | None, channel: Channel | None, office: Office | None, now: dt.datetime
) -> dict[str, Any]:
    """The picked service's public text, its SLA promise and which options it allows."""
    offered, preview = False, None
    if service is not None and channel is not None and service_offered_on(service, channel):
        offered, preview = True, sla_preview(service, channel, office, now)
    return {
        "description_paragraphs": _paragraphs(service.description) if service else [],
        "service": service,
        "channel": channel,
        "office": office,
        "offered": offered,
        "preview": preview,
        "allows_anonymous": allows_anonymous(service),
        "allows_resolution": bool(service and service.first_contact_resolution),
        "needs_instrument": bool(service and service.kind == CaseKind.EXCEPTIONAL),
        "arco_request": bool(service and service.arco_request),
    }


def service_choices(services: Iterable[Service], selected: Service | None) -> list[tuple[str, str]]:
    choices = [(service.code, service.name) for service in services]
    if selected is not None and selected.code not in {code for code, _name in choices}:
        choices.insert(0, (selected.code, selected.name))
    return choices


def intake_page(
    form: IntakeForm, actor: Actor, values: dict[str, Any], now: dt.datetime, *, action: str
) -> dict[str, Any]:
    """Everything the intake page shows around the form."""
    contact = _selected_contact(values)
    channel = channel_by_code(values.get("channel"))
    office = office_by_code(values.get("office"))
    service = service_by_code(values.get("service"))
    services = list(intake_services(channel, str(values.get("service_q", ""))))
    form.set_service_choices(service_choices(services, service))
    query = str(values.get("contact_q", "")).strip()
    cases = contact_cases_for(actor, contact) if contact is not None else None
    show_results = bool(query) and (contact is None or action == "search")
    return {
        "form": form,
        "action": action,
        "contact": contact,
        "contact_card": contact_view(contact) if contact is not None else None,
        "cases": cases,
        "duplicates": cases.open_for_service(service) if cases is not None else [],
        "contact_query": query,
        "contact_results": contact_rows(contact_search(query)) if show_results else None,
        "service_query": str(values.get("service_q", "")),
        "contact_include": CONTACT_INCLUDE,
        "service_include": SERVICE_INCLUDE,
        **service_context(service, channel, office, now),
    }


def contact_card_context(actor: Actor, contact: Contact, form: IntakeForm) -> dict[str, Any]:
    service = service_by_code(form.initial.get("service"))
    cases = contact_cases_for(actor, contact)
    return {
        "form": form,
        "contact": contact,
        "contact_card": contact_view(contact),
        "cases": cases,
        "duplicates": cases.open_for_service(service),
        "service": service,
        "oob": True,
        "service_include": SERVICE_INCLUDE,
    }


def service_panel_context(
    actor: Actor, form: IntakeForm, values: dict[str, Any], now: dt.datetime
) -> dict[str, Any]:
    """The service picker's options and info, re-rendered in place (htmx)."""
    page = intake_page(form, actor, values, now, action="refresh")
    page["oob"] = True
    page["selected"] = values.get("service", "")
    return page


# --- After saving ------------------------------------------------------------------------------

WARNING_MESSAGES = {
    "open_case_same_service": gettext_lazy(
        "El contacto ya tenía un caso abierto de este mismo servicio; revise que no se trate de "
        "un duplicado."
    ),
}


def warning_message(code: str) -> str:
    if code.startswith("rfc_"):
        return str(rfc_warning_message(code))
    return str(WARNING_MESSAGES.get(code, code))


def remember_created(session: SessionBase, result: CaseCreateResult) -> None:
    """Keep the tracking code for the one page shown right after saving (never stored elsewhere)."""
    session[SESSION_KEY] = {
        result.case.folio: {
            "tracking_code": result.case.tracking_code,
            "warnings": list(result.warnings),
            "contact_created": result.contact_created,
        }
    }


def take_created(session: SessionBase, folio: str) -> dict[str, Any] | None:
    """The note left by `remember_created` for `folio`, removed so it is shown once."""
    notes = session.get(SESSION_KEY) or {}
    note = notes.pop(folio, None)
    if note is not None:
        session[SESSION_KEY] = notes
    return note


def public_status_url(folio: str) -> str:
    """The citizen's status page (the web app's), absolute under PUBLIC_BASE_URL."""
    try:
        path = reverse("web:public_status")
    except NoReverseMatch:
        return status_link(folio)
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}?{urlencode({'folio': folio})}"


def done_context(case: Case, created: dict[str, Any] | None) -> dict[str, Any]:
    tz_name = office_timezone(case.office)
    return {
        "case": case,
        "tracking_code": created["tracking_code"] if created else "",
        "just_created": created is not None,
        "warnings": [warning_message(code) for code in (created or {}).get("warnings", [])],
        "contact_created": bool(created and created.get("contact_created")),
        "resolved": case.status == CaseStatus.RESOLVED,
        "received_text": spanish_date(case.received_at, tz_name, with_time=True),
        "due_text": due_text(case.resolution_due_at, case.sla_resolution_unit, tz_name),
        "term_text": sla_term_text(case.sla_resolution_value, case.sla_resolution_unit),
        "status_url": public_status_url(case.folio),
        "timezone": tz_name,
    }
