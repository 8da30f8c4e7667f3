"""The "Correo por clasificar" pages: who reaches them, what they show (escaped, masked in the
list), and the three decisions as forms."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from cases.events import Actor
from cases.models import Case, Comment
from inbound.models import InboundMessage, MessageStatus
from tests.support.accounts import StaffFactory
from tests.support.cases import make_case
from tests.support.inbound import PDF_BYTES, pending_message

pytestmark = pytest.mark.django_db
XSS = "<script>alert('x')</script>"


@pytest.fixture
def mail_agent():  # type: ignore[no-untyped-def]
    return StaffFactory(username="correo", role="agent", office_code="INFONATEL_CC")


def _flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("username", "placement", "status"),
    [
        ("correo", {"role": "agent", "office_code": "INFONATEL_CC"}, 200),
        ("nacional", {"role": "supervisor", "national": True}, 200),
        ("jefe_cc", {"role": "supervisor", "office_code": "INFONATEL_CC"}, 200),
        ("admin", {"role": "admin"}, 200),
        ("cesi", {"role": "agent", "office_code": "CESI_CDMX_BENITO_JUAREZ"}, 403),
        ("jefe_cesi", {"role": "supervisor", "office_code": "CESI_CDMX_BENITO_JUAREZ"}, 403),
        ("area", {"role": "area_staff", "area_code": "CARTERA_CANCELACION"}, 403),
    ],
)
def test_who_reaches_the_queue_and_a_message(client, username, placement, status):
    message = pending_message(attachments=(("acuse.pdf", "application/pdf", PDF_BYTES),))
    client.force_login(StaffFactory(username=username, **placement))
    pages = ["/correo/", f"/correo/{message.pk}/", f"/correo/{message.pk}/adjuntos/0/"]
    assert [client.get(page).status_code for page in pages] == [status] * 3
    response = client.post(f"/correo/{message.pk}/descartar/", {"reason": "Spam"})
    assert response.status_code == (302 if status == 200 else 403)
    message.refresh_from_db()
    assert (message.status == MessageStatus.DISCARDED) is (status == 200)


def test_anonymous_users_go_to_the_login_page(client):
    message = pending_message()
    for page in ("/correo/", f"/correo/{message.pk}/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_queue_lists_pending_mail_oldest_first_with_the_address_masked(client, mail_agent):
    now = timezone.now()
    newer = pending_message(subject="Segundo", received_at=now)
    older = pending_message(
        subject="Primero",
        received_at=now - timezone.timedelta(hours=2),
        attachments=(("acuse.pdf", "application/pdf", PDF_BYTES),),
        refused=("programa.exe",),
    )
    decided = pending_message(subject="Ya decidido")
    InboundMessage.objects.filter(pk=decided.pk).update(
        status=MessageStatus.DISCARDED, decided_at=now
    )
    client.force_login(mail_agent)
    response = client.get("/correo/")
    rows = response.context["rows"]
    assert [row["message"].pk for row in rows] == [older.pk, newer.pk]
    assert [row["attachments"] for row in rows] == [1, 0]
    html = response.content.decode()
    assert "a***@example.com" in html
    assert "ana.perez@example.com" not in html
    assert "Ana Pérez López" in html
    # the navigation counts what waits
    assert response.context["nav"].inbound_pending == 2
    assert "Correo por clasificar" in html


def test_the_navigation_entry_is_only_for_who_may_classify(client, agent):
    pending_message()
    client.force_login(agent)
    response = client.get("/casos/")
    assert response.context["nav"].inbound_pending is None
    assert "/correo/" not in response.content.decode()


def test_the_message_page_shows_the_text_escaped_and_never_the_html(client, mail_agent):
    message = pending_message(
        subject=f"Asunto {XSS}",
        body=f"Hola {XSS}",
        html="<p>versión <b id='html-part'>HTML</b></p>",
    )
    client.force_login(mail_agent)
    html = client.get(f"/correo/{message.pk}/").content.decode()
    assert XSS not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "html-part" not in html
    # the full address, which the agent needs to register the contact
    assert "ana.perez@example.com" in html


def test_an_attachment_downloads_with_its_sniffed_type(client, mail_agent):
    message = pending_message(
        attachments=(("acuse.pdf", "application/octet-stream", PDF_BYTES),), refused=("x.exe",)
    )
    client.force_login(mail_agent)
    response = client.get(f"/correo/{message.pk}/adjuntos/0/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert client.get(f"/correo/{message.pk}/adjuntos/1/").status_code == 404  # refused


def test_create_case_form_reports_every_missing_field_at_once(client, mail_agent):
    message = pending_message(sender_name="")
    client.force_login(mail_agent)
    response = client.post(f"/correo/{message.pk}/crear-caso/", {"service": "", "contact": "nuevo"})
    assert response.status_code == 400
    form = response.context["case_form"]
    assert form.errors == {
        "service": ["Elija el servicio del caso."],
        "given_names": ["Escriba el nombre o nombres."],
        "first_surname": ["Escriba el primer apellido."],
    }
    assert Case.objects.count() == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING


def test_create_case_from_the_form(client, mail_agent):
    message = pending_message()
    client.force_login(mail_agent)
    page = client.get(f"/correo/{message.pk}/")
    form = page.context["case_form"]
    assert (form["given_names"].value(), form["first_surname"].value()) == ("Ana", "Pérez")
    response = client.post(
        f"/correo/{message.pk}/crear-caso/",
        {
            "service": "QUEJA_CANALES_DIGITALES",
            "contact": "nuevo",
            "given_names": "Ana",
            "first_surname": "Pérez",
            "second_surname": "López",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == "/correo/"
    assert _flash(response) == [f"Caso {case.folio} creado a partir del correo."]
    assert case.received_at == message.received_at
    # the case page's timeline says it came from this e-mail
    timeline = client.get(f"/casos/{case.folio}/").content.decode()
    assert f"correo entrante n.º {message.pk}" in timeline


def test_attach_form_refuses_an_unknown_folio_then_attaches(client, mail_agent):
    case = make_case(Actor(user=mail_agent), channel="MICUENTA", office="INFONATEL_CC")
    message = pending_message(body="Mi respuesta")
    client.force_login(mail_agent)
    response = client.post(f"/correo/{message.pk}/agregar/", {"folio": "ATN-0000-000000"})
    assert response.status_code == 400
    assert response.context["attach_form"].errors == {
        "folio": ["No existe el caso ATN-0000-000000 o no lo puede ver."]
    }
    response = client.post(f"/correo/{message.pk}/agregar/", {"folio": case.folio})
    assert response.status_code == 302
    assert _flash(response) == [f"Correo agregado al caso {case.folio}."]
    assert Comment.objects.get(case=case).body == "Mi respuesta"


def test_discard_needs_a_reason_and_a_second_decision_is_refused(client, mail_agent):
    message = pending_message()
    client.force_login(mail_agent)
    response = client.post(f"/correo/{message.pk}/descartar/", {"reason": ""})
    assert response.status_code == 400
    assert response.context["discard_form"].errors == {
        "reason": ["Indique por qué se descarta el correo."]
    }
    response = client.post(f"/correo/{message.pk}/descartar/", {"reason": "Duplicado"})
    assert _flash(response) == ["Correo descartado: Duplicado."]
    response = client.post(f"/correo/{message.pk}/descartar/", {"reason": "Otro"}, follow=True)
    assert "Este correo ya fue clasificado: Descartado." in response.content.decode()
    message.refresh_from_db()
    assert message.reason == "Duplicado"
    assert "Duplicado" in response.content.decode()  # the page shows its history


def test_an_unknown_message_is_not_found(client, mail_agent):
    client.force_login(mail_agent)
    assert client.get("/correo/999999/").status_code == 404
    assert client.post("/correo/999999/descartar/", {"reason": "x"}).status_code == 404


def test_the_suggested_case_fills_the_attach_form(client, mail_agent):
    case = make_case(Actor(user=mail_agent), channel="MICUENTA", office="INFONATEL_CC")
    message = pending_message()
    InboundMessage.objects.filter(pk=message.pk).update(suggested_case=case)
    client.force_login(mail_agent)
    assert client.get("/correo/").context["rows"][0]["message"].suggested_case == case
    page = client.get(f"/correo/{message.pk}/")
    assert page.context["attach_form"]["folio"].value() == case.folio
