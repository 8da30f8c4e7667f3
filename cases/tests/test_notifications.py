"""E-mail notices (issue 4): acknowledgement, assignment, resolution — queued on commit, once."""

import datetime as dt
from smtplib import SMTPException
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from accounts.services import UserPlacement, user_create
from cases.events import Actor
from cases.models import Case, CaseEvent, RoutingRule
from cases.notices.notifications import notify_acknowledgement, notify_assignment, spanish_date
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from cases.tasks import send_acknowledgement, send_assignment_notice
from catalog.models import Area
from contacts.services import ContactInput
from tests.support.accounts import TEST_PASSWORD
from tests.support.cases import READ_WRITE, client_for

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
# Wednesday 18 Nov 2026 10:00 in Mexico City; a digital queja on INSTITUCIONAL (Mon–Fri
# 09:00–18:00), 15 business days → due Wednesday 9 Dec 18:00 local.
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
ANA = ContactInput(
    given_names="Ana", first_surname="Pérez", nss="92919084431", email="ana.perez@example.com"
)


def _queja(agent, contact=ANA, **overrides) -> Case:  # agent: a user or an Actor
    values = {
        "service": "QUEJA_CANALES_DIGITALES",
        "channel": "MICUENTA",
        "contact": contact,
        "description": "La página falla al descargar mi constancia.",
        "received_at": RECEIVED,
    }
    values.update(overrides)
    actor = agent if isinstance(agent, Actor) else Actor(user=agent)
    return case_create(CaseInput(**values), actor, RECEIVED).case


def _notified(case, template=None) -> list[CaseEvent]:
    events = CaseEvent.objects.filter(case=case, kind="notified").order_by("id")
    return list(events.filter(data__template=template) if template else events)


def _staff(username: str, area_code: str, email: str):  # type: ignore[no-untyped-def]
    user = user_create(username, "area_staff", TEST_PASSWORD, UserPlacement(area_code=area_code))
    user.email = email
    user.first_name, user.last_name = "Luis", "Gómez"
    user.save(update_fields=["email", "first_name", "last_name"])
    return user


class FailingBackend(BaseEmailBackend):
    attempts = 0

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        FailingBackend.attempts += 1
        raise SMTPException("servidor de correo caído")


def test_dates_for_the_citizen_are_written_in_spanish_in_their_timezone():
    # 00:30 in Mexico City, 22:30 the day before in Tijuana.
    instant = dt.datetime(2026, 11, 19, 6, 30, tzinfo=dt.UTC)
    assert spanish_date(instant) == "19 de noviembre de 2026"
    assert spanish_date(instant, "America/Tijuana") == "18 de noviembre de 2026"
    assert spanish_date(instant, with_time=True) == "19 de noviembre de 2026, 00:30"


def test_creating_a_case_sends_one_acknowledgement_with_folio_and_tracking_code(
    agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _queja(agent)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana.perez@example.com"]
    assert message.subject == f"Registramos su caso {case.folio}"
    assert f"Folio: {case.folio}" in message.body
    assert f"Código de seguimiento: {case.tracking_code}" in message.body
    assert "Servicio: Queja sobre Mi Cuenta Infonavit o la app" in message.body
    assert "a más tardar el 9 de diciembre de 2026" in message.body
    assert f"/consulta/?folio={case.folio}" in message.body
    created = CaseEvent.objects.get(case=case, kind="created")
    [notified] = _notified(case)
    assert notified.data == {"template": "acknowledgement", "event": created.pk, "recipients": 1}
    assert notified.actor_user is None and notified.actor_client is None


def test_a_first_contact_resolution_is_acknowledged_with_its_resolution(
    agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _queja(
            agent,
            service="CONSTANCIA_INTERESES",
            description="Solicita su constancia de intereses 2025.",
            resolution="Se entregó la constancia en su correo.",
        )

    [message] = mail.outbox
    assert "quedó resuelto en el primer contacto" in message.body
    assert "Se entregó la constancia en su correo." in message.body
    assert case.tracking_code in message.body
    assert [e.data["template"] for e in _notified(case)] == ["acknowledgement"]


def test_no_acknowledgement_for_an_anonymous_denuncia_or_a_contact_without_email(
    agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        anonymous = _queja(
            agent,
            contact=None,
            anonymous=True,
            service="DENUNCIA_COYOTES",
            description="Un gestor cobra por trámites gratuitos.",
        )
        no_email = _queja(
            agent,
            contact=ContactInput(
                given_names="Eva", first_surname="Ruiz", curp="BOXW310820HNERXN09"
            ),
        )

    assert mail.outbox == []
    assert _notified(anonymous) == [] and _notified(no_email) == []


def test_notices_go_to_the_e_mail_the_case_came_with_not_the_contact_bases(
    agent, django_capture_on_commit_callbacks
):
    # Given Ana's record in the base with her e-mail, and a client that may not change it
    _queja(agent)
    mail.outbox.clear()
    _, portal = client_for("Portal", READ_WRITE)
    portal_actor = Actor(client=portal)
    named_only = ContactInput(given_names="Ana", first_surname="Pérez", nss=ANA.nss)
    other_email = ContactInput(
        given_names="Anita", first_surname="Pérez", nss=ANA.nss, email="otro@example.com"
    )

    # When it registers one case naming her without an e-mail and one with another e-mail
    with django_capture_on_commit_callbacks(execute=True):
        silent = _queja(portal_actor, contact=named_only)
        other = _queja(portal_actor, contact=other_email)

    # Then the first case mails no one, the second its own address, by the name it came with
    assert _notified(silent) == []
    [message] = mail.outbox
    assert message.to == ["otro@example.com"]
    assert message.body.startswith("Hola, Anita:")
    assert message.subject == f"Registramos su caso {other.folio}"


def test_running_the_acknowledgement_task_again_sends_nothing(
    agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _queja(agent)

    assert send_acknowledgement.delay(case.pk).get() == 0

    assert len(mail.outbox) == 1
    assert len(_notified(case, "acknowledgement")) == 1


def test_assign_sends_the_assignment_notice_to_the_assignee(
    agent, django_capture_on_commit_callbacks
):
    member = _staff("quejas1", "OPERACIONES_QUEJAS", "luis.gomez@infonavit.test")
    case = case_route(_queja(agent).pk, RECEIVED)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        case_transition(
            case.folio, TransitionInput("assign", assignee="quejas1"), Actor(user=member), RECEIVED
        )

    [message] = mail.outbox
    assert message.to == ["luis.gomez@infonavit.test"]
    assert message.subject == f"Se le asignó el caso {case.folio}"
    assert "Hola, Luis Gómez:" in message.body
    assert "Vence: 9 de diciembre de 2026, 18:00 (hora del centro)" in message.body
    assigned = CaseEvent.objects.get(case=case, kind="assigned")
    assert [e.data for e in _notified(case, "assignment")] == [
        {"template": "assignment", "event": assigned.pk, "recipients": 1}
    ]
    assert send_assignment_notice.delay(case.pk).get() == 0
    assert len(mail.outbox) == 1


def test_the_assignment_notice_says_the_time_left_in_the_unit_of_the_term(agent):
    member = _staff("quejas1", "OPERACIONES_QUEJAS", "luis.gomez@infonavit.test")
    case = case_route(_queja(agent).pk, RECEIVED)
    case_transition(
        case.folio, TransitionInput("assign", assignee="quejas1"), Actor(user=member), RECEIVED
    )
    mail.outbox.clear()

    assert notify_assignment(case.pk, RECEIVED) == 1

    [message] = mail.outbox
    # 15 business days, counted on the case's calendar from the next business day
    assert "Vence: 9 de diciembre de 2026, 18:00 (hora del centro)\n" in message.body
    assert "Tiempo restante: 15 días hábiles\n" in message.body


def test_routing_that_assigns_someone_sends_the_assignment_notice(
    agent, django_capture_on_commit_callbacks
):
    member = _staff("quejas1", "OPERACIONES_QUEJAS", "luis.gomez@infonavit.test")
    area = Area.objects.get(code="OPERACIONES_QUEJAS")
    RoutingRule.objects.create(
        name="Turnos", order=1, kinds=["complaint"], area=area, assignment_strategy="round_robin"
    )

    with django_capture_on_commit_callbacks(execute=True):
        case = _queja(agent)

    case.refresh_from_db()
    assert case.assignee == member
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana.perez@example.com",
        "luis.gomez@infonavit.test",
    ]
    assert len(_notified(case, "assignment")) == 1


def test_resolve_sends_the_resolution_notice_with_the_status_link(
    agent, area_staff, django_capture_on_commit_callbacks
):
    case = case_route(_queja(agent).pk, RECEIVED)
    case_transition(case.folio, TransitionInput("take"), Actor(user=area_staff), RECEIVED)
    mail.outbox.clear()
    resolved_at = RECEIVED + dt.timedelta(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        case_transition(
            case.folio,
            TransitionInput("resolve", resolution="Se corrigió la descarga."),
            Actor(user=area_staff),
            resolved_at,
        )

    [message] = mail.outbox
    assert message.to == ["ana.perez@example.com"]
    assert message.subject == f"Su caso {case.folio} fue resuelto"
    assert "fue resuelto el 18 de noviembre de 2026" in message.body
    assert "Se corrigió la descarga." in message.body
    assert f"/consulta/?folio={case.folio}" in message.body
    # 10 business days strictly after Wed 18 Nov: 19, 20, 23–27, 30 Nov, 1, 2 Dec.
    assert "a más tardar el 2 de diciembre de 2026" in message.body
    assert case.tracking_code not in message.body
    assert len(_notified(case, "resolution")) == 1


def test_take_and_transfer_send_no_assignment_notice(
    agent, area_staff, django_capture_on_commit_callbacks
):
    case = case_route(_queja(agent).pk, RECEIVED)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case_transition(case.folio, TransitionInput("take"), Actor(user=area_staff), RECEIVED)
        case_transition(
            case.folio,
            TransitionInput("transfer", area="CARTERA_COBRANZA", reason="Pagos"),
            Actor(user=area_staff),
            RECEIVED,
        )

    assert callbacks == []
    assert mail.outbox == []


def test_a_failing_mail_server_never_breaks_the_case_and_the_task_retries(
    agent, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "cases.tests.test_notifications.FailingBackend"
    FailingBackend.attempts = 0

    with django_capture_on_commit_callbacks(execute=True):
        case = _queja(agent)

    case.refresh_from_db()
    assert case.status == "assigned"  # created and routed all the same
    assert FailingBackend.attempts == 1  # in-process, the retry is handed to the enqueue guard
    assert _notified(case) == []

    # The service raises; the task retries it (five times) and then gives up, sending nothing.
    with pytest.raises(SMTPException):
        notify_acknowledgement(case.pk, RECEIVED)
    FailingBackend.attempts = 0
    # As on a worker: a retry is scheduled instead of propagating to the caller.
    monkeypatch.setattr(send_acknowledgement.app.conf, "task_eager_propagates", False)
    result = send_acknowledgement.apply(args=[case.pk])
    assert FailingBackend.attempts == 6
    assert result.state == "FAILURE" and isinstance(result.result, SMTPException)
    assert _notified(case) == []


def test_a_notice_recorded_after_routing_committed_copies_the_routed_case(agent, monkeypatch):
    # Given a case whose routing commits (a minute later) while its acknowledgement is sent
    case = _queja(agent)
    routed_at = RECEIVED + dt.timedelta(minutes=1)
    monkeypatch.setattr(
        "cases.notices.notifications._send", lambda *_: case_route(case.pk, routed_at)
    )

    # When the task, which read its clock and the case before routing, records the notice
    assert notify_acknowledgement(case.pk, RECEIVED) == 1

    # Then the NOTIFIED event shows the routed case and follows ROUTED in the timeline
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "id"))
    assert [(e.kind, e.status) for e in events] == [
        ("created", "new"),
        ("routed", "assigned"),
        ("notified", "assigned"),
    ]
    assert events[2].at == routed_at
    assert (events[2].directorate_id, events[2].area_id) == (
        events[1].directorate_id,
        events[1].area_id,
    )
