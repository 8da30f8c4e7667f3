"""The mailbox reader against a real IMAP server (Dovecot) fed by a real SMTP server (aiosmtpd):
a message delivered by SMTP is stored once and flagged \\Seen; an outbound public comment goes
out threaded, the citizen's reply to it lands on the case and a bounce does not."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.db import connection, connections
from django.utils import timezone

from cases.events import Actor
from cases.models import Comment
from cases.services import comment_add
from inbound.models import InboundMessage
from inbound.reader import LOCK_KEY, _process_lock, mailbox_read
from inbound.services import inbound_message_store
from tests.support.cases import make_case
from tests.support.mail_servers import ImapServer, SmtpServer

from .support import ANA, ANA_EMAIL, email

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading(settings, mailbox: ImapServer) -> ImapServer:  # type: ignore[no-untyped-def]
    for name, value in mailbox.settings().items():
        setattr(settings, name, value)
    return mailbox


def _deliver(smtp: SmtpServer, raw: bytes, sender: str = ANA_EMAIL) -> None:
    smtp.send(raw, sender, ["atencion@atencion.example.mx"])


def test_a_message_delivered_by_smtp_is_stored_pending_and_flagged_seen(
    reading: ImapServer, smtp_to_mailbox: SmtpServer
):
    _deliver(smtp_to_mailbox, email())
    delivered = reading.uids("UNSEEN")
    assert len(delivered) == 1

    first = mailbox_read(timezone.now)
    second = mailbox_read(timezone.now)

    assert (first.stored, first.already, first.failed) == (1, 0, 0)
    assert (second.stored, second.already) == (0, 0)
    message = InboundMessage.objects.get()
    assert (message.status, message.from_address) == ("pending", ANA_EMAIL)
    assert bytes(message.raw).startswith(b"Return-Path: <ana.perez@example.com>\r\n")
    assert reading.uids("UNSEEN") == []
    assert reading.uids("SEEN") == delivered


def test_a_message_stored_before_a_crash_is_not_stored_twice(
    reading: ImapServer, smtp_to_mailbox: SmtpServer
):
    _deliver(smtp_to_mailbox, email())
    client = reading.client()
    _status, data = client.uid("FETCH", str(reading.uids()[0]), "(BODY.PEEK[])")
    client.logout()
    assert inbound_message_store(data[0][1], None, timezone.now()) is not None  # then "crash"

    result = mailbox_read(timezone.now)

    assert (result.stored, result.already) == (0, 1)
    assert InboundMessage.objects.count() == 1
    assert reading.uids("UNSEEN") == []


def test_without_a_host_nothing_is_read(settings, mailbox: ImapServer, smtp_to_mailbox):  # type: ignore[no-untyped-def]
    settings.INBOUND_IMAP_HOST = ""
    _deliver(smtp_to_mailbox, email())

    result = mailbox_read(timezone.now)

    assert (result.stored, result.locked_out) == (0, False)
    assert len(mailbox.uids("UNSEEN")) == 1
    assert not InboundMessage.objects.exists()


def test_a_second_reader_waits_for_the_first(reading: ImapServer, smtp_to_mailbox: SmtpServer):
    _deliver(smtp_to_mailbox, email())
    if connection.vendor == "postgresql":
        other = connections.create_connection("default")
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        release = other.close  # the session's end releases its lock
    else:
        _process_lock.acquire()
        release = _process_lock.release
    try:
        result = mailbox_read(timezone.now)
    finally:
        release()

    assert (result.locked_out, result.stored) == (True, 0)
    assert len(reading.uids("UNSEEN")) == 1
    assert mailbox_read(timezone.now).stored == 1


def _header(notice: EmailMessage, name: str) -> str:
    return str(notice.get(name, "")).strip()


def _reply(notice: EmailMessage, body: str) -> bytes:
    """What a mail client sends when the citizen presses "Reply" on the notice."""
    reply = EmailMessage()
    reply["From"] = f"Ana Pérez <{ANA_EMAIL}>"
    reply["To"] = notice["Reply-To"]
    reply["Subject"] = f"Re: {notice['Subject']}"
    reply["Message-ID"] = make_msgid(domain="correo.example.com")
    reply["In-Reply-To"] = _header(notice, "Message-ID")
    reply["References"] = f"{_header(notice, 'References')} {_header(notice, 'Message-ID')}".strip()
    reply.set_content(
        f"{body}\n\nEl lun, 7 dic 2026, Atención Infonavit escribió:\n> {notice.get_content()[:40]}"
    )
    return reply.as_bytes()


def _bounce(notice: EmailMessage) -> bytes:
    return (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\n"
        + f"To: {notice['Reply-To']}\r\n".encode()
        + b"Subject: Undelivered Mail Returned to Sender\r\n"
        + f"Message-ID: {make_msgid(domain='mx.example.com')}\r\n".encode()
        + b"Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nThe mail system: user unknown.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b--\r\n"
    )


def test_a_reply_to_an_outbound_public_comment_becomes_the_citizens_comment_a_bounce_does_not(
    settings,
    reading: ImapServer,
    smtp_to_mailbox: SmtpServer,
    smtp_sink: SmtpServer,
    agent,
    django_capture_on_commit_callbacks,
):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_sink.port
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(Actor(user=agent), contact=ANA)
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(case.folio, "Revisamos su constancia.", True, Actor(user=agent), timezone.now())

    acknowledgement, notice = smtp_sink.received[-2:]
    assert _header(notice, "To") == ANA_EMAIL
    assert _header(notice, "Message-ID").startswith(f"<case-{case.folio}.event-")
    assert _header(notice, "In-Reply-To") == _header(acknowledgement, "Message-ID")
    assert _header(notice, "References") == _header(acknowledgement, "Message-ID")
    assert _header(notice, "Reply-To").startswith(f"atencion+{case.folio.lower()}.")

    smtp_to_mailbox.send(
        _reply(notice, "Gracias, ya la pude descargar."), ANA_EMAIL, [notice["Reply-To"]]
    )
    smtp_to_mailbox.send(_bounce(notice), "", [notice["Reply-To"]])
    result = mailbox_read(timezone.now)

    assert (result.stored, result.failed) == (2, 0)
    reply, bounce = InboundMessage.objects.order_by("id")
    assert (reply.status, reply.case) == ("reply_added", case)
    assert (bounce.status, bounce.reason, bounce.case) == (
        "ignored",
        "Auto-Submitted: auto-replied",
        None,
    )
    citizen = Comment.objects.get(case=case, by_citizen=True)
    assert (citizen.body, citizen.public) == ("Gracias, ya la pude descargar.", True)
    assert Comment.objects.filter(case=case).count() == 2
