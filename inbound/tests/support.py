"""The reader's test builders: cases with an e-mail thread, and e-mails written as mail clients
write them (the pending messages of the decisions' tests are in tests/support/inbound.py)."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

from cases.events import Actor
from cases.models import Case, CaseEvent, EventKind
from cases.notices.mail_thread import message_id, reply_address
from cases.notices.notifications import notify_acknowledgement
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from contacts.services import ContactInput

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
ANA_EMAIL = "ana.perez@example.com"
ANA = ContactInput(given_names="Ana", first_surname="Pérez", nss="92919084431", email=ANA_EMAIL)
FROM = "Atención Infonavit <avisos@atencion.example.mx>"
REPLY = "atencion+{token}@atencion.example.mx"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def thread_case(agent: Any, capture: Any, **overrides: Any) -> Case:
    """A routed queja whose acknowledgement e-mail was sent a minute after intake (its first
    thread message), every step at its own fixed instant."""
    values: dict[str, Any] = {
        "service": "QUEJA_CANALES_DIGITALES",
        "channel": "MICUENTA",
        "contact": ANA,
        "description": "La página falla al descargar mi constancia.",
        "received_at": RECEIVED,
    }
    values.update(overrides)
    with capture(execute=False):  # routing and the e-mail run below, at fixed instants
        case = case_create(CaseInput(**values), Actor(user=agent), RECEIVED).case
    assert case_route(case.pk, RECEIVED) is not None
    assert notify_acknowledgement(case.pk, RECEIVED + dt.timedelta(minutes=1)) == 1
    return Case.objects.get(pk=case.pk)


def waiting(case: Case, area_staff: Any, paused_at: dt.datetime) -> Case:
    case_transition(case.folio, TransitionInput("take"), Actor(user=area_staff), RECEIVED)
    return case_transition(
        case.folio,
        TransitionInput("pause", reason="Falta su identificación"),
        Actor(user=area_staff),
        paused_at,
    )


def acknowledgement_id(case: Case) -> str:
    """The Message-ID of the acknowledgement e-mail the citizen received."""
    sent = CaseEvent.objects.get(
        case=case, kind=EventKind.NOTIFIED, data__template="acknowledgement"
    )
    return message_id(case.folio, sent.data["event"], "acknowledgement")


def email(
    *,
    sender: str = f"Ana Pérez <{ANA_EMAIL}>",
    to: str = "atencion@atencion.example.mx",
    subject: str = "Consulta",
    body: str = "Buenos días, necesito ayuda con mi crédito.",
    mid: str | None = "<consulta-1@correo.example.com>",
    date: dt.datetime | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date or RECEIVED)
    if mid:
        message["Message-ID"] = mid
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for name, content, mime in attachments:
        maintype, subtype = mime.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def reply_to_case(
    case: Case, body: str, *, mid: str = "<respuesta-1@correo.example.com>", **kw: Any
) -> bytes:
    """The citizen's reply to the case's acknowledgement, as a mail client writes it."""
    thread = acknowledgement_id(case)
    headers = {"In-Reply-To": thread, "References": thread, **kw.pop("headers", {})}
    return email(
        to=kw.pop("to", reply_address(case.folio)),
        subject=f"Re: Su caso {case.folio}",
        body=body,
        mid=mid,
        headers=headers,
        **kw,
    )
