"""The case's e-mail thread (SPEC §8, §11): public comments mailed to the citizen, every notice
with a stable Message-ID, References to the earlier ones and the case's reply address."""

import datetime as dt
from smtplib import SMTPException
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend

from cases.events import Actor
from cases.models import Case, CaseEvent
from cases.notices.mail_thread import reply_address, reply_token, reply_token_folio
from cases.notices.notifications import notify_public_comments
from cases.notices.sweep import notices_sweep
from cases.routing.engine import case_route
from cases.services import (
    CaseInput,
    TransitionInput,
    case_citizen_reply,
    case_create,
    case_transition,
    comment_add,
)
from cases.tasks import send_public_comment_notice
from contacts.services import ContactInput

from .support import NOTHING, PAST_GRACE, sweep_counts

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
ANA = ContactInput(
    given_names="Ana", first_surname="Pérez", nss="92919084431", email="ana.perez@example.com"
)
REPLY = "atencion+{token}@atencion.example.mx"


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.DEFAULT_FROM_EMAIL = "Atención Infonavit <avisos@atencion.example.mx>"
    settings.INBOUND_REPLY_ADDRESS = REPLY


def _queja(agent, capture, **overrides) -> Case:
    values = {
        "service": "QUEJA_CANALES_DIGITALES",
        "channel": "MICUENTA",
        "contact": ANA,
        "description": "La página falla al descargar mi constancia.",
        "received_at": RECEIVED,
    }
    values.update(overrides)
    with capture(execute=True):
        return case_create(CaseInput(**values), Actor(user=agent), RECEIVED).case


def _comment(case, capture, body, public=True, minutes=10):  # type: ignore[no-untyped-def]
    at = RECEIVED + dt.timedelta(minutes=minutes)
    with capture(execute=True):
        return comment_add(case.folio, body, public, Actor(), at)


def _event_id(case, kind, **data) -> int:  # type: ignore[no-untyped-def]
    lookups = {f"data__{key}": value for key, value in data.items()}
    return CaseEvent.objects.filter(case=case, kind=kind, **lookups).latest("at", "id").pk


def _mid(case, event_id, template) -> str:  # type: ignore[no-untyped-def]
    return f"<case-{case.folio}.event-{event_id}.{template}@atencion.example.mx>"


def test_a_public_comment_is_mailed_once_in_the_case_thread(
    agent, django_capture_on_commit_callbacks
):
    case = _queja(agent, django_capture_on_commit_callbacks)
    comment = _comment(case, django_capture_on_commit_callbacks, "Revisamos su constancia.")
    send_public_comment_notice.apply(args=[case.pk])  # a duplicated message sends nothing more

    ack, sent = mail.outbox
    created = _event_id(case, "created")
    commented = _event_id(case, "commented")
    assert ack.extra_headers == {"Message-ID": _mid(case, created, "acknowledgement")}
    assert ack.reply_to == [f"atencion+{reply_token(case.folio)}@atencion.example.mx"]
    assert (sent.to, sent.subject) == (
        ["ana.perez@example.com"],
        f"Respuesta sobre su caso {case.folio}",
    )
    assert sent.extra_headers == {
        "Message-ID": _mid(case, commented, "public_comment"),
        "In-Reply-To": _mid(case, created, "acknowledgement"),
        "References": _mid(case, created, "acknowledgement"),
    }
    assert sent.reply_to == ack.reply_to
    assert comment.body in sent.body and "no lo responda" not in sent.body
    assert "Puede responder a este correo" in sent.body
    message = sent.message()
    assert message["Message-ID"] == _mid(case, commented, "public_comment")
    assert message["Reply-To"] == ack.reply_to[0]
    notices = CaseEvent.objects.filter(case=case, kind="notified", data__template="public_comment")
    assert [e.data for e in notices] == [
        {"template": "public_comment", "event": commented, "recipients": 1}
    ]


def test_the_references_chain_grows_with_every_e_mail(agent, django_capture_on_commit_callbacks):
    case = _queja(agent, django_capture_on_commit_callbacks)
    _comment(case, django_capture_on_commit_callbacks, "Primera respuesta.", minutes=10)
    _comment(case, django_capture_on_commit_callbacks, "Segunda respuesta.", minutes=20)

    ack, first, second = mail.outbox
    assert second.extra_headers["References"] == " ".join(
        [ack.extra_headers["Message-ID"], first.extra_headers["Message-ID"]]
    )
    assert second.extra_headers["In-Reply-To"] == first.extra_headers["Message-ID"]
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 3


class FailOnceBackend(BaseEmailBackend):
    failed = False

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        if not FailOnceBackend.failed:
            FailOnceBackend.failed = True
            raise SMTPException("servidor de correo caído")
        return EmailBackend().send_messages(email_messages)


def test_a_retry_sends_the_same_message_id(agent, settings, django_capture_on_commit_callbacks):
    case = _queja(agent, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "cases.tests.test_mail_thread.FailOnceBackend"
    FailOnceBackend.failed = False
    comment_add(case.folio, "Revisamos su constancia.", True, Actor(user=agent), RECEIVED)
    with pytest.raises(SMTPException):  # what the task's retry runs again
        notify_public_comments(case.pk, RECEIVED)

    assert notify_public_comments(case.pk, RECEIVED) == 1

    assert [m.extra_headers["Message-ID"] for m in mail.outbox[1:]] == [
        _mid(case, _event_id(case, "commented"), "public_comment")
    ]


def test_an_internal_comment_and_the_citizen_s_own_reply_mail_nothing(
    agent, django_capture_on_commit_callbacks
):
    case = _queja(agent, django_capture_on_commit_callbacks)
    _comment(case, django_capture_on_commit_callbacks, "Nota interna.", public=False)
    with django_capture_on_commit_callbacks(execute=True):
        case_citizen_reply(case.folio, "Gracias.", RECEIVED + dt.timedelta(hours=1))
    send_public_comment_notice.apply(args=[case.pk])

    assert [m.subject for m in mail.outbox] == [f"Registramos su caso {case.folio}"]


def test_an_anonymous_denuncia_gets_no_e_mail(agent, django_capture_on_commit_callbacks):
    case = _queja(
        agent,
        django_capture_on_commit_callbacks,
        service="DENUNCIA_COYOTES",
        contact=None,
        anonymous=True,
        description="Un gestor cobra.",
    )
    _comment(case, django_capture_on_commit_callbacks, "¿Conoce el nombre del gestor?")
    assert mail.outbox == []


def test_a_public_comment_is_not_blocked_by_the_broker_and_the_sweep_mails_it(
    agent, broker_down, django_capture_on_commit_callbacks
):
    case = _queja(agent, django_capture_on_commit_callbacks)
    with broker_down() as attempts:
        comment = _comment(case, django_capture_on_commit_callbacks, "Revisamos su constancia.")
    assert comment.pk is not None and attempts == ["cases.tasks.send_public_comment_notice"]
    assert len(mail.outbox) == 1
    commented = CaseEvent.objects.get(pk=_event_id(case, "commented"))

    first = notices_sweep(commented.at + PAST_GRACE)
    second = notices_sweep(commented.at + PAST_GRACE + dt.timedelta(minutes=5))

    assert (first, second) == (sweep_counts(public_comment=1), NOTHING)
    assert [m.subject for m in mail.outbox] == [
        f"Registramos su caso {case.folio}",
        f"Respuesta sobre su caso {case.folio}",
    ]


def test_the_reply_token_names_its_case_and_cannot_be_forged(settings):
    token = reply_token("ATN-2026-00001234")
    assert token.startswith("atn-2026-00001234.") and token == token.lower()
    assert reply_token_folio(token) == "ATN-2026-00001234"
    assert reply_token_folio(token.upper()) == "ATN-2026-00001234"
    assert reply_token_folio("atn-2026-00001235" + token[17:]) is None
    assert reply_address("ATN-2026-00001234") == f"atencion+{token}@atencion.example.mx"
    settings.INBOUND_REPLY_ADDRESS = ""
    assert reply_address("ATN-2026-00001234") == ""


def test_the_resolution_joins_the_thread_and_invites_a_reply(
    agent, area_staff, django_capture_on_commit_callbacks
):
    case = _queja(agent, django_capture_on_commit_callbacks)
    case_route(case.pk, RECEIVED)
    staff = Actor(user=area_staff)
    case_transition(case.folio, TransitionInput("take"), staff, RECEIVED)
    with django_capture_on_commit_callbacks(execute=True):
        resolve = TransitionInput("resolve", resolution="Se corrigió la descarga.")
        case_transition(case.folio, resolve, staff, RECEIVED + dt.timedelta(hours=1))

    ack, resolution = mail.outbox
    resolved = _event_id(case, "status_changed", action="resolve")
    assert resolution.extra_headers == {
        "Message-ID": _mid(case, resolved, "resolution"),
        "In-Reply-To": ack.extra_headers["Message-ID"],
        "References": ack.extra_headers["Message-ID"],
    }
    assert resolution.reply_to == ack.reply_to
    assert "Puede responder a este correo" in resolution.body
    assert "no lo responda" not in resolution.body
