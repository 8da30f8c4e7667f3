"""Reading a raw e-mail: the ids, the sender, the text a reply adds (its quoted history cut)."""

from inbound.parsing import fallback_message_id, mail_parse, reply_text


def test_the_quoted_history_is_cut_from_a_reply():
    assert reply_text("Gracias.\n\nEl lun, 7 dic 2026 a las 10:00, Atención escribió:\n> Hola") == (
        "Gracias."
    )
    assert reply_text("Thanks.\nOn Mon, Dec 7, 2026 at 10:00 AM Atención wrote:\n> Hi") == "Thanks."
    assert reply_text("Sí.\n> citado\nsigo aquí\n-- \nAna") == "Sí.\nsigo aquí"
    assert reply_text("Listo.\n-----Mensaje original-----\nDe: Atención") == "Listo."
    assert reply_text("Listo.\n________________________________\nDe: Atención") == "Listo."
    assert reply_text("> sólo citas") == ""


def test_threading_headers_and_sender_are_read():
    raw = (
        b"From: =?utf-8?q?Ana_P=C3=A9rez?= <Ana@Example.com>\r\n"
        b"To: a@x.mx, Otro <atencion+folio.abc@x.mx>\r\nCc: c@x.mx\r\nDelivered-To: d@x.mx\r\n"
        b"Subject: =?utf-8?q?Re=3A_Tr=C3=A1mite?=\r\nMessage-ID: <m@x>\r\n"
        b"In-Reply-To: <a@x>\r\nReferences: <b@x>\r\n <a@x>\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Hola<br>mundo</p><script>x()</script>"
    )

    mail = mail_parse(raw)

    assert (mail.message_id, mail.from_address, mail.from_name, mail.subject) == (
        "<m@x>",
        "ana@example.com",
        "Ana Pérez",
        "Re: Trámite",
    )
    assert (mail.in_reply_to, mail.references) == (["<a@x>"], ["<b@x>", "<a@x>"])
    assert mail.recipients == ["a@x.mx", "atencion+folio.abc@x.mx", "c@x.mx", "d@x.mx"]
    assert mail.body_text == "Hola\nmundo"
    assert mail.date is None


def test_a_message_without_id_is_named_by_its_content():
    raw = b"From: a@x.mx\r\nSubject: x\r\n\r\nhola\r\n"

    assert mail_parse(raw).message_id == fallback_message_id(raw)
    assert fallback_message_id(raw) != fallback_message_id(raw + b"!")
