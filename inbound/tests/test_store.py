"""The reader's part (SPEC §11, ADR 0017): each message stored once, settled as far as the reader
may — ignored, rate-limited, the citizen's reply on the case, or pending classification."""

import datetime as dt

import pytest

from cases.models import Attachment, Case, CaseEvent, Comment
from cases.notices.mail_thread import reply_address
from inbound.models import InboundMessage, InboundMessageEvent
from inbound.parsing import fallback_message_id
from inbound.services import inbound_message_store

from .support import ANA_EMAIL, MX, PDF, RECEIVED, email, reply_to_case, thread_case, waiting

pytestmark = pytest.mark.django_db

ARRIVED = dt.datetime(2026, 11, 23, 10, 0, tzinfo=MX)
READ = ARRIVED + dt.timedelta(minutes=5)


def _history(message):  # type: ignore[no-untyped-def]
    return list(
        InboundMessageEvent.objects.filter(message=message)
        .order_by("at", "id")
        .values_list("kind", "status", "reason")
    )


def test_a_new_message_is_stored_once_pending_classification():
    raw = email()

    message = inbound_message_store(raw, ARRIVED, READ)

    assert message is not None
    message.refresh_from_db()
    assert (message.status, message.case, message.decided_at) == ("pending", None, None)
    assert (message.message_id, message.from_address, message.from_name) == (
        "<consulta-1@correo.example.com>",
        ANA_EMAIL,
        "Ana Pérez",
    )
    assert (message.received_at, message.stored_at, bytes(message.raw)) == (ARRIVED, READ, raw)
    assert message.body_text == "Buenos días, necesito ayuda con mi crédito."
    assert _history(message) == [("stored", "pending", ""), ("classified", "pending", "")]
    # Read again (a crash before \Seen, another reader): nothing new.
    assert inbound_message_store(raw, ARRIVED, READ + dt.timedelta(minutes=1)) is None
    assert InboundMessage.objects.count() == 1
    assert InboundMessageEvent.objects.count() == 2


def test_a_message_without_message_id_is_keyed_by_its_bytes():
    raw = email(mid=None)

    message = inbound_message_store(raw, None, READ)

    assert message is not None
    assert message.message_id == fallback_message_id(raw)
    assert message.received_at == RECEIVED  # no INTERNALDATE: the Date header
    assert inbound_message_store(raw, None, READ) is None
    assert InboundMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("headers", "sender", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, None, "Auto-Submitted: auto-replied"),
        ({"Precedence": "bulk"}, None, "Precedence: bulk"),
        ({"Precedence": "auto_reply"}, None, "Precedence: auto_reply"),
        ({"X-Autoreply": "yes"}, None, "x-autoreply"),
        ({"X-Autorespond": "Fuera de la oficina"}, None, "x-autorespond"),
        ({"Return-Path": "<>"}, None, "Return-Path: <>"),
        ({}, "MAILER-DAEMON@mx.example.com", "mailer-daemon"),
        ({}, "postmaster@example.com", "mailer-daemon"),
        ({}, "Atención Infonavit <avisos@atencion.example.mx>", "own address"),
        ({}, "atencion@atencion.example.mx", "own address"),
    ],
)
def test_auto_replies_bounces_and_loops_are_ignored_never_a_comment(
    agent, django_capture_on_commit_callbacks, headers, sender, reason
):
    case = thread_case(agent, django_capture_on_commit_callbacks)
    kwargs = {"headers": headers}
    if sender:
        kwargs["sender"] = sender
    raw = reply_to_case(case, "Estoy fuera de la oficina.", **kwargs)
    versions = Case.objects.get(pk=case.pk).version

    message = inbound_message_store(raw, ARRIVED, READ)

    assert message is not None
    assert (message.status, message.reason, message.case, message.decided_at) == (
        "ignored",
        reason,
        None,
        READ,
    )
    assert _history(message) == [("stored", "pending", ""), ("classified", "ignored", reason)]
    assert not Comment.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).version == versions


def test_a_delivery_status_report_is_ignored(agent, django_capture_on_commit_callbacks):
    case = thread_case(agent, django_capture_on_commit_callbacks)
    raw = (
        b"From: Mail Delivery System <mailer@mx.example.com>\r\n"
        + f"To: {reply_address(case.folio)}\r\n".encode()
        + b"Subject: Undelivered Mail\r\nMessage-ID: <dsn-1@mx.example.com>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nNo se pudo entregar.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b--\r\n"
    )

    message = inbound_message_store(raw, ARRIVED, READ)

    assert message is not None
    assert (message.status, message.reason) == ("ignored", "multipart/report")
    assert not Comment.objects.filter(case=case).exists()


def test_a_sender_over_the_hourly_limit_is_rate_limited(settings):
    settings.INBOUND_SENDER_LIMIT_PER_HOUR = 3
    for n in range(3):
        stored = inbound_message_store(email(mid=f"<m{n}@x.example.com>"), ARRIVED, READ)
        assert stored is not None and stored.status == "pending"

    flood = inbound_message_store(email(mid="<m3@x.example.com>"), ARRIVED, READ)
    other = inbound_message_store(
        email(mid="<o@x.example.com>", sender="otra@example.com"), ARRIVED, READ
    )
    later = inbound_message_store(
        email(mid="<m4@x.example.com>"), ARRIVED, READ + dt.timedelta(hours=1)
    )

    assert flood is not None and other is not None and later is not None
    assert (flood.status, flood.decided_at) == ("rate_limited", READ)
    assert flood.reason == "El remitente envió más de 3 mensajes en una hora."
    assert (other.status, later.status) == ("pending", "pending")


def test_a_reply_to_the_case_address_becomes_the_citizens_comment_and_resumes_the_case(
    agent, area_staff, django_capture_on_commit_callbacks
):
    # Paused Friday 20 Nov 17:00; the e-mail arrives Monday 23 Nov 10:00 and is read at 10:05:
    # the wait ends when it arrived (2 business hours), exactly as a reply on the status page.
    case = thread_case(agent, django_capture_on_commit_callbacks)
    case = waiting(case, area_staff, dt.datetime(2026, 11, 20, 17, 0, tzinfo=MX))
    raw = reply_to_case(
        case,
        "Adjunto mi identificación.\n\nEl vie, 20 nov 2026 a las 17:00, Atención Infonavit"
        " escribió:\n> Falta su identificación\n",
    )

    message = inbound_message_store(raw, ARRIVED, READ)

    assert message is not None
    case.refresh_from_db()
    assert (message.status, message.case, message.decided_at, message.reason) == (
        "reply_added",
        case,
        READ,
        "",
    )
    comment = Comment.objects.get(case=case)
    assert (comment.body, comment.public, comment.by_citizen) == (
        "Adjunto mi identificación.",
        True,
        True,
    )
    commented = CaseEvent.objects.get(case=case, kind="commented")
    assert (commented.at, commented.data["by"], commented.data["via"]) == (
        ARRIVED,
        "citizen",
        "correo",
    )
    assert (case.status, case.paused_open_seconds) == ("in_progress", 7200)
    assert case.resolution_due_at == dt.datetime(2026, 12, 10, 17, 0, tzinfo=dt.UTC)
    assert _history(message) == [("stored", "pending", ""), ("classified", "reply_added", "")]


def test_the_reply_token_alone_suffices_but_thread_headers_alone_need_the_cases_sender(
    agent, django_capture_on_commit_callbacks
):
    case = thread_case(agent, django_capture_on_commit_callbacks)
    token_only = reply_to_case(
        case, "Sin encabezados.", mid="<a@x>", headers={"In-Reply-To": "", "References": ""}
    )
    from_case = reply_to_case(
        case, "Desde el correo del caso.", mid="<b@x>", to="atencion@atencion.example.mx"
    )
    stranger = reply_to_case(
        case,
        "Soy otra persona.",
        mid="<c@x>",
        to="atencion@atencion.example.mx",
        sender="otra@example.com",
    )

    results = [
        inbound_message_store(raw, ARRIVED, READ) for raw in (token_only, from_case, stranger)
    ]

    assert [(m.status, m.case, m.suggested_case) for m in results] == [
        ("reply_added", case, None),
        ("reply_added", case, None),
        ("pending", None, case),
    ]
    assert results[2].reason == (
        "Responde a un correo del caso, pero el remitente no es el correo del caso."
    )
    assert list(
        Comment.objects.filter(case=case).order_by("id").values_list("body", flat=True)
    ) == [
        "Sin encabezados.",
        "Desde el correo del caso.",
    ]


def test_a_forged_token_or_a_subject_naming_the_folio_is_not_a_reply(
    agent, django_capture_on_commit_callbacks
):
    case = thread_case(agent, django_capture_on_commit_callbacks)
    forged = email(
        to=f"atencion+{case.folio.lower()}.0000000000aaaaaaaaaa@atencion.example.mx",
        subject=f"Re: Su caso {case.folio}",
        mid="<f@x>",
    )
    by_subject = email(subject=f"Re: Su caso {case.folio}", mid="<s@x>")

    first = inbound_message_store(forged, ARRIVED, READ)
    second = inbound_message_store(by_subject, ARRIVED, READ)

    assert first is not None and second is not None
    assert (first.status, first.reason) == ("pending", "La dirección de respuesta no es válida.")
    assert (second.status, second.reason, second.suggested_case) == ("pending", "", None)
    assert not Comment.objects.filter(case=case).exists()


def test_a_reply_to_a_closed_case_waits_for_a_person(agent, django_capture_on_commit_callbacks):
    case = thread_case(agent, django_capture_on_commit_callbacks)
    Case.objects.filter(pk=case.pk).update(status="cancelled")

    message = inbound_message_store(reply_to_case(case, "¿Sigue abierto?"), ARRIVED, READ)

    assert message is not None
    assert (message.status, message.case, message.suggested_case) == ("pending", None, case)
    assert message.reason.startswith("El caso está «Cancelado»")
    assert not Comment.objects.filter(case=case).exists()


def test_attachments_pass_the_upload_checks_and_a_refused_one_does_not_lose_the_message(
    agent, django_capture_on_commit_callbacks
):
    case = thread_case(agent, django_capture_on_commit_callbacks)
    raw = reply_to_case(
        case,
        "Van mis documentos.",
        attachments=[
            ("identificacion.pdf", PDF, "application/pdf"),
            ("programa.exe", b"MZ\x90\x00" + b"\x00" * 200, "application/octet-stream"),
        ],
    )

    message = inbound_message_store(raw, ARRIVED, READ)

    assert message is not None
    assert message.status == "reply_added"
    attachment = Attachment.objects.get(case=case)
    assert (attachment.original_name, attachment.content_type) == (
        "identificacion.pdf",
        "application/pdf",
    )
    assert [a.get("refused") for a in message.attachments] == [None, "type_not_allowed"]
    assert _history(message) == [
        ("stored", "pending", ""),
        ("attachment_refused", "pending", "type_not_allowed"),
        ("classified", "reply_added", ""),
    ]


def test_staff_see_the_e_mailed_reply_in_the_timeline_as_the_citizens(
    client, agent, supervisor, django_capture_on_commit_callbacks
):
    case = thread_case(agent, django_capture_on_commit_callbacks)
    assert inbound_message_store(reply_to_case(case, "Ya lo envié."), ARRIVED, READ) is not None
    client.force_login(supervisor)

    html = client.get(f"/casos/{case.folio}/").content.decode()

    assert "Ya lo envié." in html
    assert (
        '<span class="text-body-secondary">(ciudadano)</span>: respuesta del ciudadano · por correo'
        in html
    )
