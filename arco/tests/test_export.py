"""A contact's data export: everything held about them, for an ARCO access request, logged."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.test import Client

from arco.export import contact_data_export, contact_data_export_zip
from cases.events import Actor
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from cases.services.contacts import contact_merge
from cases.services.content import attachment_add, comment_add
from contacts.access import contact_reveal
from contacts.models import Contact, ContactAccessLog
from contacts.services import ContactInput
from infonavit_atencion.core.errors import PermissionDenied
from surveys.selectors import survey_token_for
from surveys.services import SurveyInput, survey_answer
from tests.support.cases import staff

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=MX)
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ANA = ContactInput(
    given_names="Ana",
    first_surname="Pérez",
    nss="92919084431",
    email="ana@example.com",
    phone="5512345678",
)


@pytest.fixture
def private_root(settings, tmp_path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return Path(settings.PRIVATE_MEDIA_ROOT)


@pytest.fixture
def transparency(db):
    """Staff of the Enlace de Transparencia, granted the export permission."""
    user = staff("transparencia", "area_staff", area_code="OPERACIONES_TRANSPARENCIA")
    user.user_permissions.add(Permission.objects.get(codename="export_contact_data"))
    return user


@pytest.fixture
def history(agent, admin_user, private_root):
    """Ana: a resolved queja (comments, an attachment, a survey answer), an ARCO access
    request, a duplicate record merged into hers, and one earlier view of her record."""
    boss = Actor(user=admin_user)
    queja = case_create(
        CaseInput(
            service="QUEJA_CANALES_DIGITALES",
            channel="MICUENTA",
            contact=ANA,
            subject="No descarga la constancia",
            description="La página falla al descargar mi constancia.",
            received_at=RECEIVED,
        ),
        Actor(user=agent),
        RECEIVED,
    ).case
    case_route(queja.pk, RECEIVED)
    later = RECEIVED + dt.timedelta(hours=1)
    comment_add(queja.folio, "Revisamos su constancia.", True, boss, later)
    comment_add(queja.folio, "Nota interna: falla del portal.", False, boss, later)
    attachment_add(queja.folio, ContentFile(PDF, name="constancia.pdf"), boss, later)
    case_transition(queja.folio, TransitionInput("take"), boss, later)
    case_transition(queja.folio, TransitionInput("resolve", resolution="Se corrigió."), boss, later)
    survey_answer(survey_token_for(queja), SurveyInput(csat=5, nps=9, comment="Muy bien"), later)
    arco = case_create(
        CaseInput(
            service="DERECHOS_ARCO",
            channel="CORREO",
            contact=ANA,
            description="Quiero todos mis datos.",
            arco_right="access",
        ),
        Actor(user=agent),
        NOW - dt.timedelta(days=1),
    ).case
    duplicate = Contact.objects.create(
        given_names="Ana", first_surname="Perez", curp="BOXW310820HNERXN09"
    )
    ana = Contact.objects.get(nss=ANA.nss)
    contact_merge(duplicate.pk, ana.pk, boss, NOW - dt.timedelta(hours=2))
    contact_reveal(ana, agent, queja.pk, NOW - dt.timedelta(hours=1))
    return {"ana": ana, "queja": queja, "arco": arco, "duplicate": duplicate}


def test_the_export_holds_everything_about_the_contact_unmasked(history, admin_user):
    ana, queja, arco = history["ana"], history["queja"], history["arco"]

    document = contact_data_export(ana, admin_user, NOW, arco_case=arco)

    assert document["generated_by"] == "administrador"
    assert document["arco_case"] == arco.folio
    contact = document["contact"]
    assert (contact["nss"], contact["curp"], contact["email"], contact["phone"]) == (
        "92919084431",
        "BOXW310820HNERXN09",  # taken from the merged duplicate
        "ana@example.com",
        "5512345678",
    )
    assert [m["id"] for m in document["merged_records"]] == [history["duplicate"].pk]
    assert [c["folio"] for c in document["cases"]] == [queja.folio, arco.folio]
    first, second = document["cases"]
    assert [(c["public"], c["body"]) for c in first["comments"]] == [
        (True, "Revisamos su constancia."),
        (False, "Nota interna: falla del portal."),
    ]
    assert [e["kind"] for e in first["events"]][:2] == ["created", "routed"]
    assert "survey_answered" in [e["kind"] for e in first["events"]]
    (attachment,) = first["attachments"]
    assert (attachment["name"], attachment["size"], attachment["content_type"]) == (
        "constancia.pdf",
        len(PDF),
        "application/pdf",
    )
    assert first["survey"] == {
        "csat": 5,
        "nps": 9,
        "comment": "Muy bien",
        "answered_at": first["survey"]["answered_at"],
    }
    assert (first["arco_right"], second["arco_right"]) == (None, "access")
    assert "reporter_identity" not in first
    assert "tracking_code" not in json.dumps(document)
    json.dumps(document)  # plain JSON types only


def test_the_export_is_logged_and_lists_itself_with_the_earlier_views(history, admin_user):
    ana, arco, duplicate = history["ana"], history["arco"], history["duplicate"]

    document = contact_data_export(ana, admin_user, NOW, arco_case=arco)

    rows = ContactAccessLog.objects.filter(reason="export")
    assert sorted((r.contact_id, r.user, r.case_id, r.at) for r in rows) == sorted(
        [
            (ana.pk, admin_user, arco.pk, NOW),
            (duplicate.pk, admin_user, arco.pk, NOW),
        ]
    )
    assert [(e["reason"], e["who"]) for e in document["access_log"]] == [
        ("case_page", "asesor"),
        ("export", "administrador"),
        ("export", "administrador"),
    ]


def test_only_administrators_and_holders_of_the_permission_may_export(history, agent, transparency):
    before = ContactAccessLog.objects.count()
    with pytest.raises(PermissionDenied):
        contact_data_export(history["ana"], agent, NOW)
    assert ContactAccessLog.objects.count() == before

    document = contact_data_export(history["ana"], transparency, NOW)
    assert document["generated_by"] == "transparencia"


def test_the_zip_holds_the_document_and_the_attachment_bytes(history, admin_user):
    export = contact_data_export_zip(history["ana"], admin_user, NOW)

    with zipfile.ZipFile(export.file) as archive:
        names = archive.namelist()
        document = json.loads(archive.read("datos.json"))
        (attachment,) = document["cases"][0]["attachments"]
        assert archive.read(attachment["file"]) == PDF
    assert sorted(names) == sorted(["datos.json", attachment["file"]])
    assert attachment["file"].startswith(f"adjuntos/{history['queja'].folio}/")
    assert export.filename.startswith(f"datos-contacto-{history['ana'].pk}-")
    assert "92919084431" not in export.filename


def test_a_missing_attachment_file_is_listed_without_bytes(history, admin_user, private_root):
    for path in private_root.rglob("*"):
        if path.is_file():
            path.unlink()

    export = contact_data_export_zip(history["ana"], admin_user, NOW)

    with zipfile.ZipFile(export.file) as archive:
        document = json.loads(archive.read("datos.json"))
        assert archive.namelist() == ["datos.json"]
    assert document["cases"][0]["attachments"][0]["file"] is None


# --- From the case page of an ARCO access request ------------------------------------------------


def _post_export(user, folio: str):
    client = Client()
    client.force_login(user)
    return client.post(f"/casos/{folio}/arco/exportar/")


def test_transparency_staff_answer_an_access_request_from_its_case_page(history, transparency):
    arco = history["arco"]
    case_route(arco.pk, NOW)
    client = Client()
    client.force_login(transparency)

    page = client.get(f"/casos/{arco.folio}/").content.decode()
    response = client.post(f"/casos/{arco.folio}/arco/exportar/")

    assert 'id="derecho-arco">Acceso<' in page
    assert "Exportar los datos del titular" in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        document = json.loads(archive.read("datos.json"))
    assert document["arco_case"] == arco.folio
    assert ContactAccessLog.objects.filter(reason="export", case=arco).count() == 2


def test_the_export_button_needs_the_permission_and_an_access_request(history, admin_user):
    arco, queja = history["arco"], history["queja"]
    case_route(arco.pk, NOW)
    without = staff("transparencia2", "area_staff", area_code="OPERACIONES_TRANSPARENCIA")
    client = Client()
    client.force_login(without)

    page = client.get(f"/casos/{arco.folio}/").content.decode()

    assert "Exportar los datos del titular" not in page
    assert _post_export(without, arco.folio).status_code == 403
    assert _post_export(admin_user, queja.folio).status_code == 404  # not an ARCO request
    outsider = staff("cartera", "area_staff", area_code="CARTERA_CANCELACION")
    outsider.user_permissions.add(Permission.objects.get(codename="export_contact_data"))
    assert _post_export(outsider, arco.folio).status_code == 404  # outside their scope
    assert ContactAccessLog.objects.filter(reason="export").count() == 0
    client.force_login(admin_user)
    assert client.get(f"/casos/{arco.folio}/arco/exportar/").status_code == 405


# --- From the administration ---------------------------------------------------------------------


def test_the_admin_action_exports_one_contact(history, admin_user):
    client = Client()
    client.force_login(admin_user)
    url = "/admin/contacts/contact/"

    one = client.post(url, {"action": "export_data", "_selected_action": [history["ana"].pk]})
    two = client.post(
        url,
        {"action": "export_data", "_selected_action": [history["ana"].pk, history["duplicate"].pk]},
        follow=True,
    )

    assert one.status_code == 200 and one["Content-Type"] == "application/zip"
    assert [str(m) for m in two.context["messages"]] == [
        "Elija un solo contacto para exportar sus datos."
    ]
    assert ContactAccessLog.objects.filter(reason="export").count() == 2  # Ana and her duplicate
