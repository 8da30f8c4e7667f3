"""The three decisions on a pending message: each writes exactly one outcome and one DECIDED
event; a second decision, or one by someone outside the queue, changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from cases.events import Actor
from cases.models import Attachment, Case, CaseEvent, CaseStatus, Comment, EventKind
from cases.services import TransitionInput, case_transition
from contacts.models import Contact
from inbound.models import InboundMessage, InboundMessageEvent, MessageEventKind, MessageStatus
from inbound.triage import (
    NewCase,
    inbound_message_attach,
    inbound_message_create_case,
    inbound_message_discard,
)
from infonavit_atencion.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from tests.support.accounts import StaffFactory
from tests.support.cases import make_case
from tests.support.inbound import PDF_BYTES, PNG_BYTES, pending_message

pytestmark = pytest.mark.django_db
SERVICE = "QUEJA_CANALES_DIGITALES"
NEW_ANA = NewCase(service=SERVICE, given_names="Ana", first_surname="Pérez", second_surname="López")


@pytest.fixture
def mail_agent():  # type: ignore[no-untyped-def]
    return StaffFactory(username="correo", role="agent", office_code="INFONATEL_CC")


def _decided_events(message: InboundMessage) -> list[InboundMessageEvent]:
    return list(message.events.filter(kind=MessageEventKind.DECIDED))


def _unchanged(message: InboundMessage) -> None:
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert message.decided_by is None and message.decided_at is None and message.case is None
    assert _decided_events(message) == []


def test_create_case_keeps_arrival_text_and_attachments(mail_agent):
    # Given a message that arrived 40 days ago (older than intake's 30-day limit for typed dates)
    # with a PDF and an image, and one attachment the reader refused
    now = timezone.now()
    arrived = now - dt.timedelta(days=40)
    message = pending_message(
        received_at=arrived,
        attachments=(
            ("acuse.pdf", "application/pdf", PDF_BYTES),
            ("foto.png", "image/png", PNG_BYTES),
        ),
        refused=("virus.exe",),
    )
    # When the agent turns it into a case
    result = inbound_message_create_case(message.pk, NEW_ANA, mail_agent, now)
    # Then the case is on CORREO at the contact centre, received when the message arrived
    case = Case.objects.get(pk=result.case.pk)
    assert (case.channel.code, case.office.code, case.service.code) == (
        "CORREO",
        "INFONATEL_CC",
        SERVICE,
    )
    assert case.received_at == arrived
    assert case.subject == "No puedo descargar mi constancia"
    assert case.description == "Buenas tardes, la página falla al descargar mi constancia."
    # its attachments are the accepted ones, byte for byte
    attachments = list(Attachment.objects.filter(case=case).order_by("pk"))
    assert [(a.original_name, a.content_type, a.sha256) for a in attachments] == [
        ("acuse.pdf", "application/pdf", hashlib.sha256(PDF_BYTES).hexdigest()),
        ("foto.png", "image/png", hashlib.sha256(PNG_BYTES).hexdigest()),
    ]
    # its timeline says which e-mail it came from
    origin = CaseEvent.objects.filter(case=case, data__inbound_message=message.pk)
    assert [e.kind for e in origin] == [EventKind.UPDATED]
    # and the message ended in exactly one decision
    message.refresh_from_db()
    assert message.status == MessageStatus.CASE_CREATED
    assert (message.case_id, message.decided_by, message.decided_at) == (case.pk, mail_agent, now)
    [event] = _decided_events(message)
    assert (event.status, event.actor, event.at) == (MessageStatus.CASE_CREATED, mail_agent, now)
    assert event.data == {"folio": case.folio, "attachments": [a.pk for a in attachments]}
    # a new contact, from the names and the sender's address
    assert result.contact_created is True
    assert (case.contact.full_name, case.contact.email) == (
        "Ana Pérez López",
        "ana.perez@example.com",
    )


def test_create_case_for_the_sender_s_existing_contact(mail_agent):
    known = Contact.objects.create(
        given_names="Ana", first_surname="Pérez", email="Ana.Perez@example.com", nss="92919084431"
    )
    message = pending_message()
    result = inbound_message_create_case(
        message.pk, NewCase(service=SERVICE, contact_id=known.pk), mail_agent, timezone.now()
    )
    assert result.case.contact_id == known.pk
    assert result.contact_created is False
    assert Contact.objects.count() == 1


def test_create_case_refuses_a_contact_without_the_sender_s_address(mail_agent):
    other = Contact.objects.create(
        given_names="Luis", first_surname="Gómez", email="luis@example.com"
    )
    message = pending_message()
    with pytest.raises(ValidationFailed) as refused:
        inbound_message_create_case(
            message.pk, NewCase(service=SERVICE, contact_id=other.pk), mail_agent, timezone.now()
        )
    assert refused.value.errors[0].field == "contact_id"
    assert Case.objects.count() == 0
    _unchanged(message)


def test_create_case_refusals_name_every_field_and_change_nothing(mail_agent):
    message = pending_message(sender_name="")
    with pytest.raises(ValidationFailed) as refused:
        inbound_message_create_case(
            message.pk, NewCase(service="SERVICIO_INEXISTENTE"), mail_agent, timezone.now()
        )
    assert [e.field for e in refused.value.errors] == ["service"]
    with pytest.raises(ValidationFailed) as refused:
        inbound_message_create_case(
            message.pk, NewCase(service=SERVICE), mail_agent, timezone.now()
        )
    assert sorted(e.field for e in refused.value.errors) == [
        "contact.first_surname",
        "contact.given_names",
    ]
    assert Case.objects.count() == 0 and Contact.objects.count() == 0
    _unchanged(message)


def test_attach_adds_the_citizen_s_reply_and_resumes_a_waiting_case(mail_agent):
    now = timezone.now()
    actor = Actor(user=mail_agent)
    case = make_case(actor, channel="MICUENTA", office="INFONATEL_CC", now=now)
    case_transition(case.folio, TransitionInput(action="take"), actor, now)
    case_transition(
        case.folio, TransitionInput(action="pause", reason="Falta su acuse"), actor, now
    )
    message = pending_message(
        body="Les envío mi acuse.", attachments=(("acuse.pdf", "application/pdf", PDF_BYTES),)
    )
    later = now + dt.timedelta(minutes=5)
    comment = inbound_message_attach(message.pk, f" {case.folio} ", mail_agent, later)
    case.refresh_from_db()
    assert case.status != CaseStatus.WAITING
    assert (comment.body, comment.public, comment.by_citizen) == ("Les envío mi acuse.", True, True)
    assert [a.original_name for a in Attachment.objects.filter(case=case)] == ["acuse.pdf"]
    assert CaseEvent.objects.filter(case=case, data__inbound_message=message.pk).count() == 1
    message.refresh_from_db()
    assert (message.status, message.case_id, message.decided_by) == (
        MessageStatus.ATTACHED,
        case.pk,
        mail_agent,
    )
    [event] = _decided_events(message)
    assert event.data == {"folio": case.folio, "comment": comment.pk}


def test_attach_to_a_case_outside_the_agent_s_scope_is_not_found(mail_agent):
    elsewhere = StaffFactory(username="cesi", role="agent", office_code="CESI_CDMX_BENITO_JUAREZ")
    case = make_case(Actor(user=elsewhere), channel="CESI", office="CESI_CDMX_BENITO_JUAREZ")
    message = pending_message()
    with pytest.raises(NotFound):
        inbound_message_attach(message.pk, case.folio, mail_agent, timezone.now())
    assert Comment.objects.filter(case=case).count() == 0
    _unchanged(message)


def test_discard_requires_a_reason_and_keeps_it(mail_agent):
    message = pending_message()
    with pytest.raises(ValidationFailed) as refused:
        inbound_message_discard(message.pk, "   ", mail_agent, timezone.now())
    assert refused.value.errors[0].field == "reason"
    _unchanged(message)
    now = timezone.now()
    inbound_message_discard(message.pk, "  Correo  no deseado ", mail_agent, now)
    message.refresh_from_db()
    assert (message.status, message.reason, message.decided_at) == (
        MessageStatus.DISCARDED,
        "Correo no deseado",
        now,
    )
    [event] = _decided_events(message)
    assert (event.reason, event.actor) == ("Correo no deseado", mail_agent)


def test_a_second_decision_is_refused_and_changes_nothing(mail_agent):
    message = pending_message()
    first = timezone.now()
    inbound_message_discard(message.pk, "Duplicado", mail_agent, first)
    with pytest.raises(Conflict):
        inbound_message_create_case(message.pk, NEW_ANA, mail_agent, timezone.now())
    with pytest.raises(Conflict):
        inbound_message_discard(message.pk, "Otro motivo", mail_agent, timezone.now())
    message.refresh_from_db()
    assert (message.status, message.reason, message.decided_at) == (
        MessageStatus.DISCARDED,
        "Duplicado",
        first,
    )
    assert len(_decided_events(message)) == 1
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "placement",
    [
        {"role": "agent", "office_code": "CESI_CDMX_BENITO_JUAREZ"},
        {"role": "area_staff", "area_code": "CARTERA_CANCELACION"},
        {"role": "supervisor", "office_code": "CESI_CDMX_BENITO_JUAREZ"},
    ],
)
def test_only_the_e_mail_office_decides(placement):
    outsider = StaffFactory(username="fuera", **placement)
    message = pending_message()
    with pytest.raises(PermissionDenied):
        inbound_message_discard(message.pk, "Spam", outsider, timezone.now())
    _unchanged(message)


def test_a_national_supervisor_and_an_administrator_decide():
    boss = StaffFactory(username="jefa", role="supervisor", national=True)
    admin = StaffFactory(username="admin", role="admin")
    for user in (boss, admin):
        message = pending_message()
        inbound_message_discard(message.pk, "Spam", user, timezone.now())
        message.refresh_from_db()
        assert message.decided_by == user


def test_attach_to_a_cancelled_case_is_refused_and_changes_nothing(mail_agent):
    now = timezone.now()
    case = make_case(Actor(user=mail_agent), channel="MICUENTA", office="INFONATEL_CC", now=now)
    boss = StaffFactory(username="jefa", role="supervisor", national=True)
    case_transition(
        case.folio, TransitionInput(action="cancel", reason="Duplicado"), Actor(user=boss), now
    )
    events = CaseEvent.objects.filter(case=case).count()
    message = pending_message(attachments=(("acuse.pdf", "application/pdf", PDF_BYTES),))
    with pytest.raises(Conflict):
        inbound_message_attach(message.pk, case.folio, mail_agent, timezone.now())
    assert CaseEvent.objects.filter(case=case).count() == events
    assert Attachment.objects.filter(case=case).count() == 0
    _unchanged(message)
