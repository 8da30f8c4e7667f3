"""A person settles a pending message ("Correo por clasificar"): create a case from it, add it to
a case, or discard it — once, in one transaction, recorded in its history."""

import datetime as dt

import pytest

from cases.models import Attachment, Case, CaseEvent, Comment
from contacts.models import Contact
from contacts.services import ContactInput
from inbound.intake import inbound_message_create_case, names_from_display
from inbound.models import InboundMessage, InboundMessageEvent
from inbound.services import (
    inbound_message_attach,
    inbound_message_discard,
    inbound_message_store,
)
from infonavit_atencion.core.errors import InvalidTransition, NotFound, ValidationFailed

from .support import ANA_EMAIL, MX, PDF, email, thread_case, waiting

pytestmark = pytest.mark.django_db

ARRIVED = dt.datetime(2026, 11, 23, 10, 0, tzinfo=MX)
READ = ARRIVED + dt.timedelta(minutes=5)
DECIDED = ARRIVED + dt.timedelta(hours=2)


def _pending(**kwargs) -> InboundMessage:  # type: ignore[no-untyped-def]
    message = inbound_message_store(email(**kwargs), ARRIVED, READ)
    assert message is not None and message.status == "pending"
    return message


def _state(message):  # type: ignore[no-untyped-def]
    message.refresh_from_db()
    return (message.status, message.case, message.decided_by, message.decided_at, message.reason)


def _kinds(message):  # type: ignore[no-untyped-def]
    return list(
        InboundMessageEvent.objects.filter(message=message)
        .order_by("at", "id")
        .values_list("kind", "status", "actor__username")
    )


def test_discard_needs_a_reason_and_is_final(supervisor):
    message = _pending()

    with pytest.raises(ValidationFailed):
        inbound_message_discard(message.pk, user=supervisor, reason="  ", now=DECIDED)
    assert _state(message) == ("pending", None, None, None, "")

    inbound_message_discard(message.pk, user=supervisor, reason="Publicidad", now=DECIDED)

    assert _state(message) == ("discarded", None, supervisor, DECIDED, "Publicidad")
    with pytest.raises(InvalidTransition):
        inbound_message_discard(message.pk, user=supervisor, reason="Otra vez", now=DECIDED)
    assert _state(message) == ("discarded", None, supervisor, DECIDED, "Publicidad")
    assert _kinds(message) == [
        ("stored", "pending", None),
        ("classified", "pending", None),
        ("decided", "discarded", "supervisor"),
    ]


def test_create_case_counts_the_term_from_the_arrival_on_the_correo_channel(supervisor):
    message = _pending(
        subject="Aclaración de pagos",
        body="No se reflejan mis pagos de octubre.",
        attachments=[("recibo.pdf", PDF, "application/pdf")],
    )

    case = inbound_message_create_case(
        message.pk, service="QUEJA_CANALES_DIGITALES", user=supervisor, now=DECIDED
    )

    case = Case.objects.get(pk=case.pk)
    assert (case.channel.code, case.office.code, case.received_at) == (
        "CORREO",
        "INFONATEL_CC",
        ARRIVED,
    )
    assert (case.subject, case.description, case.contact_email) == (
        "Aclaración de pagos",
        "No se reflejan mis pagos de octubre.",
        ANA_EMAIL,
    )
    assert case.created_by_user == supervisor
    assert Attachment.objects.get(case=case).original_name == "recibo.pdf"
    assert _state(message) == ("case_created", case, supervisor, DECIDED, "")
    assert _kinds(message)[-1] == ("decided", "case_created", "supervisor")
    with pytest.raises(InvalidTransition):
        inbound_message_create_case(
            message.pk, service="QUEJA_CANALES_DIGITALES", user=supervisor, now=DECIDED
        )
    assert Case.objects.count() == 1


def test_create_case_reuses_the_contact_with_the_senders_address(agent, supervisor):
    known = Contact.objects.create(given_names="Ana", first_surname="Pérez", email=ANA_EMAIL)
    message = _pending(sender=f"ANA <{ANA_EMAIL.upper()}>")

    case = inbound_message_create_case(
        message.pk, service="QUEJA_CANALES_DIGITALES", user=supervisor, now=DECIDED
    )

    assert case.contact_id == known.pk
    assert Contact.objects.count() == 1


def test_a_refused_case_creation_leaves_the_message_pending(supervisor):
    message = _pending()

    with pytest.raises(ValidationFailed):
        inbound_message_create_case(message.pk, service="NO_EXISTE", user=supervisor, now=DECIDED)

    assert _state(message) == ("pending", None, None, None, "")
    assert not Case.objects.exists()


def test_attach_adds_the_citizens_comment_and_resumes_a_waiting_case(
    agent, area_staff, supervisor, django_capture_on_commit_callbacks
):
    case = thread_case(agent, django_capture_on_commit_callbacks)
    case = waiting(case, area_staff, dt.datetime(2026, 11, 20, 17, 0, tzinfo=MX))
    message = _pending(body="Les mando lo que pidieron.\n\n> Falta su identificación")

    inbound_message_attach(message.pk, folio=case.folio.lower(), user=supervisor, now=DECIDED)

    case.refresh_from_db()
    assert case.status == "in_progress"
    comment = Comment.objects.get(case=case)
    assert (comment.body, comment.by_citizen, comment.public) == (
        "Les mando lo que pidieron.",
        True,
        True,
    )
    assert CaseEvent.objects.get(case=case, kind="commented").data["via"] == "correo"
    assert _state(message) == ("attached", case, supervisor, DECIDED, "")
    with pytest.raises(InvalidTransition):
        inbound_message_attach(message.pk, folio=case.folio, user=supervisor, now=DECIDED)
    assert Comment.objects.filter(case=case).count() == 1


def test_attach_to_an_unknown_case_changes_nothing(supervisor):
    message = _pending()

    with pytest.raises(NotFound):
        inbound_message_attach(message.pk, folio="ATN-2026-99999999", user=supervisor, now=DECIDED)

    assert _state(message) == ("pending", None, None, None, "")
    assert not Comment.objects.exists()


def test_a_missing_message_is_not_found(supervisor):
    with pytest.raises(NotFound):
        inbound_message_discard(404, user=supervisor, reason="x", now=DECIDED)
    with pytest.raises(NotFound):
        inbound_message_create_case(
            404, service="QUEJA_CANALES_DIGITALES", user=supervisor, now=DECIDED
        )


@pytest.mark.parametrize(
    ("display", "names"),
    [
        ("Ana María Pérez López", ("Ana María", "Pérez", "López")),
        ("Ana Pérez", ("Ana", "Pérez", "")),
        ("ana", ("ana", "", "")),
        ("", ("", "", "")),
    ],
)
def test_names_from_the_senders_display_name(display, names):
    assert names_from_display(display) == names


def test_a_sender_without_a_full_name_needs_the_contact_given(supervisor):
    message = _pending(sender=ANA_EMAIL)

    with pytest.raises(ValidationFailed):
        inbound_message_create_case(
            message.pk, service="QUEJA_CANALES_DIGITALES", user=supervisor, now=DECIDED
        )
    assert _state(message) == ("pending", None, None, None, "")

    case = inbound_message_create_case(
        message.pk,
        service="QUEJA_CANALES_DIGITALES",
        user=supervisor,
        now=DECIDED,
        contact=ContactInput(given_names="Ana", first_surname="Pérez", email=ANA_EMAIL),
    )
    assert (case.contact.given_names, case.contact.email) == ("Ana", ANA_EMAIL)
