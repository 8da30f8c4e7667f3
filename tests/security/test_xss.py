"""Stored and reflected XSS: hostile text in every field is printed as text, never as markup.

Each payload is stored where users can type it (or an import could bring it: the contact's
name is written straight to the row) and every page that prints it is fetched: the case page,
the contact card, the queue, the dashboard drill-down, the citizen's status page, the intake
acknowledgement (acuse), the intake contact search and the administration.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from cases.events import Actor
from cases.models import Attachment, Case
from cases.services import (
    TransitionInput,
    attachment_add,
    case_macro_apply,
    case_transition,
    comment_add,
)
from catalog.models import Macro, Service
from contacts.models import Contact
from surveys.models import SurveyAnswer
from tests.support.cases import make_case
from web.portal_token import TOKEN_FIELD, filing_token_new

from .support import World, pdf_upload

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMG}"
JS_URL = "javascript:alert(1)"
# What would run if the payload were printed raw, in text or inside an attribute.
RAW_MARKERS = ("<script>alert(1)", "<img src=x onerror")


def assert_inert(html: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in html, f"{where}: raw {marker!r}"
    lowered = html.lower()
    for attribute in ('href="javascript:', "href='javascript:", 'src="javascript:'):
        assert attribute not in lowered, f"{where}: {attribute}"


def page(client, url: str, *, status: int = 200, **kwargs) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def hostile(world: World) -> Case:
    """The world's case with the payload in every field people or imports can fill."""
    owner = Actor(client=world.clients["owner"])
    now = timezone.now()
    Case.objects.filter(pk=world.case.pk).update(subject=PAYLOAD, description=PAYLOAD)
    Contact.objects.filter(pk=world.case.contact_id).update(
        given_names=PAYLOAD, first_surname=IMG, second_surname=JS_URL, email=JS_URL
    )
    comment_add(world.case.folio, f"Pública {PAYLOAD}", True, owner, now)
    comment_add(world.case.folio, f"Interna {PAYLOAD}", False, owner, now)
    attachment_add(world.case.folio, pdf_upload(f"{SCRIPT}{IMG}.pdf"), owner, now)
    macro = Macro.objects.create(
        service=world.case.service, title=f"Título {PAYLOAD}", body=f"Texto {PAYLOAD}"
    )
    case_macro_apply(world.case.folio, macro.pk, owner, now)
    case_transition(
        world.case.folio,
        TransitionInput("transfer", reason=f"Motivo {PAYLOAD}", area="CARTERA_CANCELACION"),
        owner,
        now,
    )
    return Case.objects.get(pk=world.case.pk)


def test_the_case_page_prints_every_field_as_text(world, hostile):
    html = page(world.session("supervisor"), f"/casos/{hostile.folio}/")
    assert_inert(html, "case page")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
    # The name keeps its markup (after the last "/"): it is printed, escaped, above.
    assert Attachment.objects.filter(case=hostile, original_name__contains="<img").exists()


def test_the_revealed_contact_card_prints_every_field_as_text(world, hostile):
    session = world.session("supervisor")
    response = session.post(f"/casos/{hostile.folio}/contacto/")
    assert response.status_code == 200
    assert_inert(response.content.decode(), "contact card")
    fragment = session.post(f"/casos/{hostile.folio}/contacto/", headers={"HX-Request": "true"})
    assert_inert(fragment.content.decode(), "contact card fragment")


def test_the_attachment_download_names_the_file_safely(world, hostile):
    attachment = Attachment.objects.filter(case=hostile, original_name__contains="<img").get()
    response = world.session("supervisor").get(f"/casos/{hostile.folio}/adjuntos/{attachment.pk}/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\n" not in disposition and "\r" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("queue", ["area", "all"])
def test_the_queue_prints_subjects_as_text(world, hostile, queue):
    session = world.session("supervisor")
    assert_inert(page(session, f"/casos/?cola={queue}"), "queue")
    fragment = page(session, f"/casos/?cola={queue}", headers={"HX-Request": "true"})
    assert_inert(fragment, "queue fragment")


def test_the_dashboard_drill_down_prints_subjects_as_text(world, hostile):
    day = timezone.localdate(hostile.received_at).isoformat()
    html = page(world.session("supervisor"), f"/tablero/casos/?metric=received&from={day}&to={day}")
    assert hostile.folio in html
    assert_inert(html, "drill-down")


def test_the_citizens_status_page_prints_public_comments_and_service_as_text(
    world, hostile, settings
):
    settings.PUBLIC_LOOKUP_THROTTLE_RATE = ""
    Service.objects.filter(pk=hostile.service_id).update(name=f"Servicio {PAYLOAD}")
    client = Client()
    response = client.post("/consulta/", {"folio": hostile.folio, "code": hostile.tracking_code})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pública" in html and "Interna" not in html
    assert_inert(html, "status page")


def test_the_filing_portal_gives_back_what_was_typed_as_text(db, settings):
    """A refused filing re-renders every field the person typed: as text, never as markup."""
    settings.PUBLIC_FILING_THROTTLE_RATE = ""
    typed = {
        "servicio": "QUEJA_CANALES_DIGITALES",
        "given_names": PAYLOAD,
        "first_surname": PAYLOAD,
        "email": "no es correo",
        "subject": PAYLOAD,
        "description": PAYLOAD,
        "reporter_identity": PAYLOAD,
    }
    response = Client().post("/presentar/", typed)
    assert response.status_code == 400
    assert_inert(response.content.decode(), "filing portal")
    assert not Case.objects.exists()


def test_a_filed_case_and_its_service_print_as_text(db, settings):
    settings.PUBLIC_FILING_THROTTLE_RATE = ""
    Service.objects.filter(code="DENUNCIA_CORRUPCION").update(
        name=f"Denuncia {PAYLOAD}", description=f"Texto {PAYLOAD}"
    )
    assert_inert(Client().get("/presentar/").content.decode(), "portal catalog")
    form = Client().get("/presentar/?servicio=DENUNCIA_CORRUPCION")
    assert_inert(form.content.decode(), "portal service page")
    done = Client().post(
        "/presentar/",
        {
            "servicio": "DENUNCIA_CORRUPCION",
            "anonymous": "on",
            "description": PAYLOAD,
            TOKEN_FIELD: filing_token_new(),
        },
    )
    assert done.status_code == 201
    assert_inert(done.content.decode(), "portal receipt")


def test_the_public_status_api_answers_json_never_html(world, hostile, settings):
    settings.PUBLIC_LOOKUP_THROTTLE_RATE = ""
    response = Client().get(
        f"/api/v1/public/cases/{hostile.folio}/", {"code": hostile.tracking_code}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_acuse_prints_a_first_contact_resolution_as_text(world):
    agent = world.users["agent"]
    case = make_case(
        Actor(user=agent),
        route=False,
        channel="CESI",
        office="CESI_CDMX_BENITO_JUAREZ",
        service="PRECALIFICACION",
        resolution=f"Resuelto {PAYLOAD}",
    )
    assert case.status == "resolved"
    html = page(world.session("agent"), f"/atencion/registro/registrado/{case.folio}/")
    assert "Resuelto &lt;script&gt;" in html
    assert_inert(html, "acuse")


def test_the_intake_contact_search_and_card_print_names_as_text(world, hostile):
    session = world.session("agent")
    results = page(session, "/atencion/registro/contactos/", data={"contact_q": "Ana"})
    assert_inert(results, "contact search")
    card = page(session, f"/atencion/registro/contactos/{hostile.contact_id}/")
    assert_inert(card, "intake contact card")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/cases/case/",
        "/admin/cases/case/{case}/change/",
        "/admin/contacts/contact/",
        "/admin/contacts/contact/{contact}/change/",
        "/admin/catalog/macro/",
        "/admin/surveys/surveyanswer/{survey}/change/",
    ],
)
def test_the_administration_prints_stored_text_as_text(world, hostile, url):
    survey = SurveyAnswer.objects.create(
        case=hostile, csat=1, nps=0, comment=PAYLOAD, answered_at=timezone.now()
    )
    path = url.format(case=hostile.pk, contact=hostile.contact_id, survey=survey.pk)
    assert_inert(page(world.session("admin"), path), path)


# --- Reflected: what a link or a form sends comes back as text ------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/casos/?cola=all&q=%3Cscript%3Ealert(1)%3C/script%3E%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E",
        "/casos/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "/atencion/registro/?given_names=%3Cscript%3Ealert(1)%3C/script%3E&service_q=%22%3E%3Cimg%20src=x%3E",
        "/atencion/registro/servicios/?channel=CESI&service_q=%3Cscript%3Ealert(1)%3C/script%3E",
        "/atencion/registro/identificador/nss/?nss=%3Cscript%3Ealert(1)%3C/script%3E",
        "/tablero/?from=%3Cscript%3Ealert(1)%3C/script%3E",
    ],
)
def test_reflected_parameters_come_back_as_text(world, url):
    response = world.session("supervisor").get(url)
    assert response.status_code < 500
    assert_inert(response.content.decode(), url)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/?next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
        "/consulta/?folio=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E",
        "/presentar/?servicio=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
        "/presentar/confirmar/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "/encuesta/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "/no-existe/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
    ],
)
def test_reflected_parameters_on_public_pages_come_back_as_text(db, url):
    response = Client().get(url)
    assert response.status_code < 500
    assert_inert(response.content.decode(), url)


def test_a_refused_bulk_folio_comes_back_as_text(world):
    response = world.session("supervisor").post(
        "/casos/masivo/",
        {"action": "assign", "assignee": "quejas", "folios": [PAYLOAD]},
        follow=True,
    )
    assert response.status_code == 200
    assert_inert(response.content.decode(), "bulk messages")
