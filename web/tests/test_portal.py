"""The public filing portal (issue 18 §3): what a person sees and what each refusal keeps."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import Attachment, Case, CaseStatus
from contacts.models import Contact
from tests.support.cases import ANA_CURP, ANA_NSS
from web.portal_token import TOKEN_FIELD, filing_token_new

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
QUEJA = "QUEJA_CANALES_DIGITALES"
DENUNCIA = "DENUNCIA_CORRUPCION"


@pytest.fixture(autouse=True)
def _fresh_counters(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    yield
    cache.clear()


def _queja(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "servicio": QUEJA,
        "given_names": "Ana",
        "first_surname": "Pérez",
        "second_surname": "López",
        "email": "ana@example.com",
        "phone": "5512345678",
        "nss": ANA_NSS,
        "curp": ANA_CURP,
        "rfc": "",
        "subject": "No descarga la constancia",
        "description": "La página falla al descargar mi constancia.",
        "sitio_web": "",
        TOKEN_FIELD: filing_token_new(),  # each call a new form, as a browser's
    }
    data.update(overrides)
    return data


def test_the_catalog_offers_the_web_channels_services_grouped_by_kind(client: Client) -> None:
    page = client.get("/presentar/").content.decode()
    for heading in ("Quejas", "Denuncias", "Solicitudes"):
        assert f">{heading}</h2>" in page
    complaints = re.search(r'id="servicios-queja">(.*?)</ul>', page, re.S)
    assert complaints is not None
    assert "?servicio=QUEJA_CANALES_DIGITALES" in complaints.group(1)
    assert "?servicio=DENUNCIA_CORRUPCION" not in complaints.group(1)
    assert "?servicio=DERECHOS_ARCO" not in page  # its own legal form
    assert 'href="/consulta/"' in page


def test_a_service_not_on_the_web_channel_is_not_offered(client: Client) -> None:
    for code in ("CREDITO_TRADICIONAL", "DERECHOS_ARCO", "NO_EXISTE"):
        shown = client.get(f"/presentar/?servicio={code}")
        assert shown.status_code == 404
        assert "Ese servicio no se ofrece en este portal." in shown.content.decode()
        posted = client.post("/presentar/", _queja(servicio=code))
        assert posted.status_code == 404
    assert Case.objects.count() == 0


def test_the_service_page_shows_its_public_information_and_promise(client: Client) -> None:
    page = client.get(f"/presentar/?servicio={QUEJA}").content.decode()
    assert "Respuesta a más tardar el" in page
    assert 'name="sitio_web"' in page
    assert 'name="anonymous"' not in page  # only a denuncia may be anonymous
    assert 'name="anonymous"' in client.get(f"/presentar/?servicio={DENUNCIA}").content.decode()


def test_a_queja_is_filed_held_and_the_confirmation_mailed(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/presentar/", _queja(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 201
    case = Case.objects.get()
    page = response.content.decode()
    assert case.folio in page and case.tracking_code in page
    assert "a***@example.com" in page
    assert case.status == CaseStatus.NEW
    assert case.awaiting_email_confirmation is True
    assert case.channel.code == "MICUENTA"
    assert case.contact_email == "ana@example.com"
    assert case.created_by_user is None and case.created_by_client is None
    assert [m.subject for m in mail.outbox] == [f"Confirme su correo para el caso {case.folio}"]
    assert mail.outbox[0].to == ["ana@example.com"]
    assert "/presentar/confirmar/" in mail.outbox[0].body
    assert "203.0.113.7" not in str(list(case.events.values_list("data", flat=True)))


def test_documents_are_attached_to_the_filing(client: Client) -> None:
    files = [
        SimpleUploadedFile("a.pdf", PDF, "application/pdf"),
        SimpleUploadedFile("b.txt", b"texto", "text/plain"),
    ]
    response = client.post("/presentar/", _queja(documentos=files))
    assert response.status_code == 201
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == ["a.pdf", "b.txt"]


def test_a_filled_honeypot_is_thanked_and_nothing_is_written(client: Client) -> None:
    contacts = Contact.objects.count()
    response = client.post("/presentar/", _queja(sitio_web="http://spam.example"))
    assert response.status_code == 200
    assert "Recibimos su envío" in response.content.decode()
    assert Case.objects.count() == 0
    assert Contact.objects.count() == contacts
    assert mail.outbox == []


def test_filings_from_one_address_are_throttled_in_spanish(client: Client, settings) -> None:
    settings.PUBLIC_FILING_THROTTLE_RATE = "2/h"
    for _n in range(2):
        assert client.post("/presentar/", _queja(), REMOTE_ADDR="198.51.100.9").status_code == 201
    refused = client.post("/presentar/", _queja(), REMOTE_ADDR="198.51.100.9")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Demasiados registros desde su conexión" in refused.content.decode()
    assert Case.objects.count() == 2
    # Another address is counted on its own; reading the portal is not counted.
    assert (
        client.get(f"/presentar/?servicio={QUEJA}", REMOTE_ADDR="198.51.100.9").status_code == 200
    )
    assert client.post("/presentar/", _queja(), REMOTE_ADDR="198.51.100.10").status_code == 201


def test_every_error_is_shown_at_once_and_the_text_is_kept(client: Client) -> None:
    long_subject = "x" * 201
    data = _queja(
        given_names="", email="no-es-correo", nss="12345678901", subject=long_subject,
        description="Mi descripción completa que no debo volver a escribir.",
    )  # fmt: skip
    response = client.post("/presentar/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Escriba su nombre." in page
    assert 'id="email-error">Introduzca una dirección de correo electrónico válida.<' in page
    assert 'id="nss-error"' in page and 'id="email-error"' in page
    assert 'id="given_names-error"' in page and 'id="subject-error"' in page
    assert "Mi descripción completa que no debo volver a escribir." in page
    assert 'value="Pérez"' in page
    assert Case.objects.count() == 0


def test_too_many_or_too_heavy_documents_are_refused_keeping_the_text(
    client: Client, settings
) -> None:
    settings.PUBLIC_FILING_MAX_FILES = 2
    files = [SimpleUploadedFile(f"{n}.pdf", PDF, "application/pdf") for n in range(3)]
    response = client.post("/presentar/", _queja(documentos=files))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Adjunte a lo más 2 documentos." in page
    assert "vuelva a elegir sus documentos" in page
    assert "La página falla al descargar mi constancia." in page
    settings.PUBLIC_FILING_MAX_UPLOAD_BYTES = 100
    heavy = SimpleUploadedFile("big.pdf", PDF + b"0" * 200, "application/pdf")
    response = client.post("/presentar/", _queja(documentos=[heavy]))
    assert response.status_code == 400
    assert "Los documentos suman más de 100" in response.content.decode()
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0


def test_a_document_of_a_refused_type_changes_nothing(client: Client) -> None:
    exe = SimpleUploadedFile("x.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64, "application/pdf")
    response = client.post("/presentar/", _queja(documentos=[exe]))
    assert response.status_code == 400
    assert "La página falla al descargar mi constancia." in response.content.decode()
    assert Case.objects.count() == 0


def test_an_over_long_description_is_refused_keeping_the_other_fields(client: Client) -> None:
    response = client.post("/presentar/", _queja(description="y" * 10_001))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="description-error"' in page
    assert 'value="ana@example.com"' in page
    assert Case.objects.count() == 0


def test_an_anonymous_denuncia_is_routed_at_once_with_its_sealed_identity(
    client: Client, caplog, django_capture_on_commit_callbacks
) -> None:
    data = {
        "servicio": DENUNCIA,
        "anonymous": "on",
        "reporter_identity": "Juan, empleado del área",
        "given_names": "Debe ignorarse",
        "email": "nadie@example.com",
        "description": "Un servidor público pidió dinero por agilizar un trámite.",
        "sitio_web": "",
        TOKEN_FIELD: filing_token_new(),
    }
    with caplog.at_level("DEBUG"), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/presentar/", data, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.anonymous is True and case.contact is None and case.contact_email == ""
    assert case.sealed_reporter_identity == "Juan, empleado del área"
    assert case.awaiting_email_confirmation is False
    assert case.status == CaseStatus.ASSIGNED  # routed in-process (eager tasks)
    assert all("nadie@example.com" not in m.to for m in mail.outbox)
    assert "192.0.2.44" not in caplog.text
    assert "Juan" not in response.content.decode()


def test_a_queja_cannot_be_anonymous(client: Client) -> None:
    response = client.post("/presentar/", _queja(anonymous="on", email=""))
    assert response.status_code == 400  # the checkbox is ignored: the e-mail is still needed
    assert "Escriba su correo electrónico" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_body_over_the_request_limit_is_refused_before_it_is_read(
    client: Client, settings
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024
    heavy = SimpleUploadedFile("grande.pdf", PDF + b"0" * (2 * 1024 * 1024), "application/pdf")
    response = client.post("/presentar/", _queja(documentos=[heavy]))
    assert response.status_code == 413
    assert "El cuerpo de la solicitud pasa del máximo" in response.content.decode()
    assert Case.objects.count() == 0
    form = "&".join(f"{k}={v}" for k, v in _queja(description="x" * (3 * 1024 * 1024)).items())
    refused = client.post("/presentar/", form, content_type="application/x-www-form-urlencoded")
    assert refused.status_code == 413
    assert Case.objects.count() == 0


def test_staff_see_that_a_held_filing_waits_for_its_email(client: Client, supervisor) -> None:
    client.post("/presentar/", _queja())
    case = Case.objects.get()
    client.force_login(supervisor)
    page = client.get(f"/casos/{case.folio}/").content.decode()
    assert 'id="correo-por-confirmar"' in page
    Case.objects.filter(pk=case.pk).update(awaiting_email_confirmation=False)
    assert 'id="correo-por-confirmar"' not in client.get(f"/casos/{case.folio}/").content.decode()
