"""The citizen replies on the status page (SPEC §8): a public comment and a document, with the
folio and the tracking code only; anonymous denuncias alike; nothing ties it to an address."""

import datetime as dt
import logging

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from cases.events import Actor
from cases.models import Attachment, Case, CaseEvent, Comment
from cases.services import CaseInput, TransitionInput, case_create, case_transition, comment_add
from tests.support.cases import make_case, staff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh_counters(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    yield
    cache.clear()


def _reply(client, case, body, file=None):  # type: ignore[no-untyped-def]
    data = {"folio": case.folio, "code": case.tracking_code.lower(), "body": body}
    if file is not None:
        data["file"] = file
    return client.post("/consulta/", data)


def _waiting(agent, staff) -> Case:
    now = timezone.now() - dt.timedelta(hours=2)
    case = make_case(Actor(user=agent), now=now)
    case_transition(case.folio, TransitionInput("take"), Actor(user=staff), now)
    return case_transition(
        case.folio,
        TransitionInput("pause", reason="Falta su identificación"),
        Actor(user=staff),
        now,
    )


def test_the_looked_up_case_offers_a_reply_form_and_is_not_stored(client, agent):
    case = make_case(Actor(user=agent))
    response = client.post("/consulta/", {"folio": case.folio, "code": case.tracking_code})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="responder"' in html and 'enctype="multipart/form-data"' in html
    assert response["Cache-Control"] == "private, no-store"


def test_a_reply_with_a_document_is_shown_and_resumes_the_waiting_case(
    client, agent, area_staff, caplog
):
    case = _waiting(agent, area_staff)
    caplog.set_level(logging.DEBUG)

    response = _reply(
        client,
        case,
        "Adjunto mi identificación.",
        SimpleUploadedFile("ine.pdf", PDF, "application/pdf"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Recibimos su respuesta" in html and "Adjunto mi identificación." in html
    comment = Comment.objects.get(case=case)
    attachment = Attachment.objects.get(case=case)
    assert (comment.by_citizen, comment.public, comment.author_user) == (True, True, None)
    assert (attachment.original_name, attachment.content_type, attachment.uploaded_by_user) == (
        "ine.pdf",
        "application/pdf",
        None,
    )
    case.refresh_from_db()
    assert (case.status, case.first_response_at) == ("in_progress", None)
    event = CaseEvent.objects.get(case=case, kind="commented")
    assert event.data == {
        "comment": comment.pk,
        "public": True,
        "by": "citizen",
        "attachments": [attachment.pk],
    }
    # Nothing ties the reply to the sender's address: not the rows, not the logs.
    assert "127.0.0.1" not in str(event.data)
    assert not [
        r for r in caplog.records if case.folio in r.getMessage() and "127.0.0.1" in r.getMessage()
    ]


def test_a_refused_document_writes_nothing(client, agent):
    case = make_case(Actor(user=agent))
    script = SimpleUploadedFile("nota.html", b"<html><script>alert(1)</script>", "text/plain")

    response = _reply(client, case, "Mire esto.", script)

    assert response.status_code == 400
    assert "Tipo de archivo no permitido" in response.content.decode()
    assert (Comment.objects.count(), Attachment.objects.count()) == (0, 0)


def test_a_cancelled_case_takes_no_reply(client, agent):
    case = make_case(Actor(user=agent))
    case_transition(
        case.folio, TransitionInput("cancel", reason="Duplicado"), Actor(user=agent), timezone.now()
    )

    response = _reply(client, case, "¿Por qué?")

    assert response.status_code == 409
    assert "ya no admite comentarios" in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_wrong_code_is_the_look_up_s_404(client, agent):
    case = make_case(Actor(user=agent))
    response = client.post("/consulta/", {"folio": case.folio, "code": "NOESESTE", "body": "Hola"})
    assert response.status_code == 404
    assert Comment.objects.count() == 0


def test_the_reply_needs_csrf(agent):
    case = make_case(Actor(user=agent))
    strict = Client(enforce_csrf_checks=True)
    assert _reply(strict, case, "Hola").status_code == 403
    assert Comment.objects.count() == 0


def test_an_anonymous_denuncia_asks_and_reads_the_answer_by_folio_and_code(client, agent):
    denuncia = CaseInput(
        service="DENUNCIA_COYOTES",
        channel="MICUENTA",
        anonymous=True,
        description="Un gestor cobra.",
    )
    case = case_create(denuncia, Actor(user=agent), timezone.now()).case
    assert _reply(client, case, "¿Necesitan el nombre del gestor?").status_code == 200
    comment_add(case.folio, "Sí, si lo conoce.", True, Actor(user=agent), timezone.now())

    response = client.post("/consulta/", {"folio": case.folio, "code": case.tracking_code})

    html = response.content.decode()
    asked, answered = (
        html.index("¿Necesitan el nombre del gestor?"),
        html.index("Sí, si lo conoce."),
    )
    assert asked < answered
    assert "Usted" in html and "Infonavit" in html


def test_staff_see_the_reply_as_the_citizen_s_in_the_case_page(client, agent):
    case = make_case(Actor(user=agent))
    _reply(client, case, "Ya envié el documento.")
    quejas = staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    client.force_login(quejas)

    html = client.get(f"/casos/{case.folio}/").content.decode()

    assert "Respuesta del ciudadano" in html  # the comment's badge
    timeline = '<span class="text-body-secondary">(ciudadano)</span>: respuesta del ciudadano'
    assert timeline in html
