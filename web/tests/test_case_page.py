"""The case page: timeline, actions by status and role, comments, attachments, contact card."""

from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import dateformat, timezone

from cases.events import Actor
from cases.models import Case, CaseEvent, Comment
from cases.services import TransitionInput, case_transition
from catalog.models import Macro, Service
from contacts.models import ContactAccessLog
from tests.support.cases import make_case, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def quejas_staff(db):
    return staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")


@pytest.fixture
def case(agent):
    return make_case(Actor(user=agent), description="Texto con <script>alert(1)</script> dentro")


def test_the_page_shows_the_case_its_timeline_and_escapes_text(client, case, quejas_staff):
    client.force_login(quejas_staff)
    response = client.get(f"/casos/{case.folio}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "Registrado" in html and "Turnado" in html
    assert [spec.key for spec in response.context["actions"]] == [
        "take",
        "resolve",
        "transfer",
        "reclassify",
    ]


def test_a_case_outside_the_scope_is_404(client, case):
    outsider = staff("otra_area", "area_staff", area_code="CARTERA_CANCELACION")
    client.force_login(outsider)
    assert client.get(f"/casos/{case.folio}/").status_code == 404
    assert client.post(f"/casos/{case.folio}/accion/", {"action": "take"}).status_code == 404
    assert client.post(f"/casos/{case.folio}/comentarios/", {"body": "x"}).status_code == 404
    assert client.post(f"/casos/{case.folio}/contacto/").status_code == 404
    assert Case.objects.get(pk=case.pk).version == case.version
    assert ContactAccessLog.objects.count() == 0


def test_take_then_resolve(client, case, quejas_staff):
    client.force_login(quejas_staff)
    taken = client.post(f"/casos/{case.folio}/accion/", {"action": "take", "version": case.version})
    assert taken.status_code == 302
    assert Case.objects.get(pk=case.pk).assignee == quejas_staff
    client.post(
        f"/casos/{case.folio}/accion/",
        {"action": "resolve", "resolution": "Se corrigió la constancia."},
    )
    resolved = Case.objects.get(pk=case.pk)
    assert (resolved.status, resolved.resolution) == ("resolved", "Se corrigió la constancia.")


def test_a_refused_action_says_why_and_changes_nothing(client, case, quejas_staff):
    client.force_login(quejas_staff)
    response = client.post(
        f"/casos/{case.folio}/accion/", {"action": "resolve", "resolution": ""}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Escriba la resolución."]
    assert Case.objects.get(pk=case.pk).status == "assigned"


def test_a_stale_page_is_refused(client, case, quejas_staff):
    client.force_login(quejas_staff)
    response = client.post(
        f"/casos/{case.folio}/accion/", {"action": "take", "version": case.version - 1}, follow=True
    )
    assert "recárguelo" in str(next(iter(response.context["messages"])))
    assert Case.objects.get(pk=case.pk).status == "assigned"


def test_the_role_limits_the_actions(client, agent):
    case = make_case(Actor(user=agent), channel="CESI", office="CESI_CDMX_BENITO_JUAREZ")
    client.force_login(agent)
    assert [spec.key for spec in client.get(f"/casos/{case.folio}/").context["actions"]] == [
        "take",
        "resolve",
    ]
    response = client.post(f"/casos/{case.folio}/accion/", {"action": "cancel", "reason": "x"})
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status == "assigned"


def test_a_supervisor_may_cancel_with_a_reason(client, case, supervisor):
    client.force_login(supervisor)
    page = client.get(f"/casos/{case.folio}/").content.decode()
    assert 'data-confirm="¿Cancelar este caso?' in page
    client.post(f"/casos/{case.folio}/accion/", {"action": "cancel", "reason": "Duplicado"})
    assert Case.objects.get(pk=case.pk).status == "cancelled"


def test_a_public_comment_is_the_first_response(client, case, quejas_staff):
    client.force_login(quejas_staff)
    client.post(
        f"/casos/{case.folio}/comentarios/", {"body": "Ya revisamos su caso.", "public": "on"}
    )
    comment = Comment.objects.get(case=case)
    assert (comment.body, comment.public, comment.author_user) == (
        "Ya revisamos su caso.",
        True,
        quejas_staff,
    )
    assert Case.objects.get(pk=case.pk).first_response_at is not None


def test_macros_of_the_service_are_offered(client, case, quejas_staff):
    service = Service.objects.get(code="QUEJA_CANALES_DIGITALES")
    Macro.objects.create(service=service, title="Acuse", body="Recibimos su queja.")
    Macro.objects.create(service=service, title="Inactiva", body="No", active=False)
    client.force_login(quejas_staff)
    response = client.get(f"/casos/{case.folio}/")
    assert [c.title for c in response.context["macros"]] == ["Acuse"]
    assert 'data-body="Recibimos su queja."' in response.content.decode()


def test_upload_and_download_an_attachment(client, case, quejas_staff, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client.force_login(quejas_staff)
    upload = SimpleUploadedFile("nota.txt", b"Hola, esta es una nota.", content_type="text/plain")
    client.post(f"/casos/{case.folio}/adjuntos/", {"file": upload})
    attachment = case.attachments.get()
    download = client.get(f"/casos/{case.folio}/adjuntos/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Hola, esta es una nota."
    assert download["Content-Disposition"].startswith("attachment")
    outsider = staff("otra_area", "area_staff", area_code="CARTERA_CANCELACION")
    client.force_login(outsider)
    assert client.get(f"/casos/{case.folio}/adjuntos/{attachment.pk}/").status_code == 404


def test_a_refused_upload_says_why(client, case, quejas_staff, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client.force_login(quejas_staff)
    upload = SimpleUploadedFile(
        "x.html", b"<html><script>1</script></html>", content_type="text/plain"
    )
    response = client.post(f"/casos/{case.folio}/adjuntos/", {"file": upload}, follow=True)
    assert "Tipo de archivo no permitido" in str(next(iter(response.context["messages"])))
    assert case.attachments.count() == 0


def test_the_contact_is_masked_until_shown_and_each_show_is_logged(client, case, quejas_staff):
    client.force_login(quejas_staff)
    page = client.get(f"/casos/{case.folio}/").content.decode()
    assert "*******4431" in page and "92919084431" not in page
    shown = client.post(f"/casos/{case.folio}/contacto/", HTTP_HX_REQUEST="true")
    assert "92919084431" in shown.content.decode()
    log = ContactAccessLog.objects.get()
    assert (log.user, log.contact_id, log.case_id) == (quejas_staff, case.contact_id, case.pk)


def test_a_transfer_out_of_sight_goes_back_to_the_queue(client, case, quejas_staff):
    case_transition(case.folio, TransitionInput("take"), Actor(user=quejas_staff), timezone.now())
    client.force_login(quejas_staff)
    response = client.post(
        f"/casos/{case.folio}/accion/",
        {"action": "transfer", "area": "CARTERA_CANCELACION", "reason": "No es de quejas"},
    )
    assert response["Location"] == "/casos/"
    assert CaseEvent.objects.filter(case=case, kind="transferred").count() == 1


def test_times_are_shown_in_the_viewer_office_timezone(client, agent):
    tijuana = staff("asesor_tj", "agent", office_code="CESI_TIJUANA")
    case = make_case(Actor(user=agent))
    case_transition(case.folio, TransitionInput("take"), Actor(user=tijuana), timezone.now())
    client.force_login(tijuana)
    html = client.get(f"/casos/{case.folio}/").content.decode()
    local = case.received_at.astimezone(ZoneInfo("America/Tijuana"))
    assert f'datetime="{dateformat.format(local, "c")}"' in html
    assert (
        local.utcoffset()
        != case.received_at.astimezone(ZoneInfo("America/Mexico_City")).utcoffset()
    )


def test_showing_the_contact_without_htmx_renders_a_page(client, case, quejas_staff):
    client.force_login(quejas_staff)
    response = client.post(f"/casos/{case.folio}/contacto/")
    assert response.status_code == 200
    assert "92919084431" in response.content.decode()
    assert ContactAccessLog.objects.count() == 1


def test_actions_and_content_forms_need_post(client, case, quejas_staff):
    client.force_login(quejas_staff)
    for path in ("accion", "comentarios", "adjuntos", "contacto"):
        assert client.get(f"/casos/{case.folio}/{path}/").status_code == 405
    assert ContactAccessLog.objects.count() == 0
