"""The notice sweeper: e-mails lost while the broker was down are sent after it, once each."""

import datetime as dt

import pytest
from django.core import mail

from accounts.services import UserPlacement, user_create
from cases.events import Actor
from cases.models import Case, RoutingRule
from cases.notices.sweep import NOTICES, notices_sweep
from cases.routing.engine import case_route
from cases.services import TransitionInput, case_transition
from cases.tasks import (
    send_resolution_notice,
)
from catalog.models import Area
from contacts.services import ContactInput
from tests.support.accounts import TEST_PASSWORD

from .support import NOTHING, PAST_GRACE, RECEIVED, latest_event, notified, queja, sweep_counts

pytestmark = pytest.mark.django_db


def _staff(username: str, email: str = ""):  # type: ignore[no-untyped-def]
    user = user_create(
        username, "area_staff", TEST_PASSWORD, UserPlacement(area_code="OPERACIONES_QUEJAS")
    )
    user.email = email
    user.save(update_fields=["email"])
    return user


def _resolve(case, staff, at) -> Case:  # type: ignore[no-untyped-def]
    resolution = TransitionInput("resolve", resolution="Se corrigió la descarga.")
    return case_transition(case.folio, resolution, Actor(user=staff), at)


def test_notices_lost_with_the_broker_are_mailed_once_by_the_sweep(
    agent, area_staff, broker_down, django_capture_on_commit_callbacks
):
    # Given a case registered, and later resolved, while the broker was down
    with broker_down() as attempts, django_capture_on_commit_callbacks(execute=True):
        case = queja(agent)
    case_route(case.pk, RECEIVED)  # as the routing sweeper does
    case_transition(case.folio, TransitionInput("take"), Actor(user=area_staff), RECEIVED)
    with broker_down() as more, django_capture_on_commit_callbacks(execute=True):
        _resolve(case, area_staff, RECEIVED + dt.timedelta(hours=1))
    # (the intake publishes one message: routing, which then queues the acknowledgement)
    assert attempts + more == [
        "cases.tasks.route_new_case",
        "cases.tasks.send_resolution_notice",
    ]
    assert mail.outbox == []
    created, resolved = (
        latest_event(case, "created"),
        latest_event(case, "status_changed", action="resolve"),
    )

    # When the sweeper runs past the grace, and again five minutes later
    first = notices_sweep(resolved.at + PAST_GRACE)
    second = notices_sweep(resolved.at + PAST_GRACE + dt.timedelta(minutes=5))

    # Then the citizen got the acknowledgement and the resolution, once each
    assert first == sweep_counts(acknowledgement=1, resolution=1)
    assert second == NOTHING
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ana.perez@example.com"], f"Registramos su caso {case.folio}"),
        (["ana.perez@example.com"], f"Su caso {case.folio} fue resuelto"),
    ]
    assert notified(case, "acknowledgement") == [
        {"template": "acknowledgement", "event": created.pk, "recipients": 1}
    ]
    assert notified(case, "resolution") == [
        {"template": "resolution", "event": resolved.pk, "recipients": 1}
    ]


def test_a_term_extension_lost_with_the_broker_is_told_once(
    agent, broker_down, django_capture_on_commit_callbacks
):
    # Given a data correction (20 + 10 business days) registered, and its term extended, while
    # the broker was down
    staff = user_create(
        "operaciones", "area_staff", TEST_PASSWORD, UserPlacement(area_code="OPERACIONES_DATOS")
    )
    extend = TransitionInput("extend", reason="Se consultan los expedientes.")
    with broker_down() as attempts, django_capture_on_commit_callbacks(execute=True):
        case = queja(agent, service="CORRECCION_DATOS")
        case_route(case.pk, RECEIVED)  # as the routing sweeper does
        case_transition(case.folio, extend, Actor(user=staff), RECEIVED)
    assert attempts == [
        "cases.tasks.route_new_case",
        "cases.tasks.send_extension_notice",
    ]

    # When the sweeper runs past the grace, twice
    first = notices_sweep(RECEIVED + PAST_GRACE)
    second = notices_sweep(RECEIVED + PAST_GRACE + dt.timedelta(minutes=5))

    # Then the citizen gets the acknowledgement and is told of the new term, once each
    assert (first, second) == (sweep_counts(acknowledgement=1, extension=1), NOTHING)
    assert [m.subject for m in mail.outbox] == [
        f"Registramos su caso {case.folio}",
        f"Se amplió el plazo de su caso {case.folio}",
    ]


def test_notices_sent_on_the_normal_path_are_not_queued_again(
    agent, django_capture_on_commit_callbacks, django_assert_num_queries
):
    # Given a case acknowledged, assigned by routing and resolved, each e-mail sent on commit
    member = _staff("quejas1", "luis.gomez@infonavit.test")
    area = Area.objects.get(code="OPERACIONES_QUEJAS")
    RoutingRule.objects.create(
        name="Turnos", order=1, kinds=["complaint"], area=area, assignment_strategy="round_robin"
    )
    with django_capture_on_commit_callbacks(execute=True):
        case = queja(agent)
    with django_capture_on_commit_callbacks(execute=True):
        _resolve(case, member, RECEIVED + dt.timedelta(hours=1))
    assert len(mail.outbox) == 3
    resolved = latest_event(case, "status_changed", action="resolve")

    # When the sweeper runs: one query per notice, whatever the window holds
    with django_assert_num_queries(len(NOTICES)):
        queued = notices_sweep(resolved.at + PAST_GRACE)

    # Then nothing is queued or sent again
    assert queued == NOTHING
    assert len(mail.outbox) == 3


def test_only_causes_past_the_grace_and_inside_the_look_back_are_swept(
    agent, broker_down, django_capture_on_commit_callbacks, settings
):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        case = queja(agent)
    created = latest_event(case, "created").at
    grace = dt.timedelta(seconds=settings.NOTICE_SWEEP_GRACE_SECONDS)
    look_back = dt.timedelta(seconds=settings.NOTICE_SWEEP_LOOKBACK_SECONDS)
    assert (grace, look_back) == (dt.timedelta(minutes=5), dt.timedelta(hours=24))

    # Inside the grace the normal path may still deliver; past the look-back it is too late
    assert notices_sweep(created + grace) == NOTHING
    assert notices_sweep(created + look_back + dt.timedelta(seconds=1)) == NOTHING
    # A shorter grace from the settings is honoured
    settings.NOTICE_SWEEP_GRACE_SECONDS = 60
    assert notices_sweep(created + dt.timedelta(seconds=60)) == NOTHING
    assert mail.outbox == []

    assert notices_sweep(created + dt.timedelta(seconds=61)) == sweep_counts(acknowledgement=1)
    assert [m.subject for m in mail.outbox] == [f"Registramos su caso {case.folio}"]


def test_a_sweep_stops_at_the_first_failed_publish_and_the_next_one_catches_up(
    agent, broker_down, django_capture_on_commit_callbacks
):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        cases = [queja(agent), queja(agent, description="Otra queja sobre la página.")]
    sweep_at = RECEIVED + PAST_GRACE

    with broker_down() as attempts:
        still_down = notices_sweep(sweep_at)

    assert still_down == NOTHING
    assert attempts == ["cases.tasks.send_acknowledgement"]  # not one timeout per case
    assert notices_sweep(sweep_at) == sweep_counts(acknowledgement=2)
    assert sorted(m.subject for m in mail.outbox) == sorted(
        f"Registramos su caso {case.folio}" for case in cases
    )


def test_citizen_notices_without_an_address_are_not_queued(
    agent, area_staff, broker_down, django_capture_on_commit_callbacks
):
    # Given an anonymous denuncia and a contact without e-mail, registered and resolved with
    # the broker down
    with broker_down() as attempts, django_capture_on_commit_callbacks(execute=True):
        anonymous = queja(
            agent,
            contact=None,
            anonymous=True,
            service="DENUNCIA_COYOTES",
            description="Un gestor cobra por trámites gratuitos.",
        )
        no_email = queja(
            agent,
            contact=ContactInput(
                given_names="Eva", first_surname="Ruiz", curp="BOXW310820HNERXN09"
            ),
        )
        case_route(no_email.pk, RECEIVED)
        case_transition(no_email.folio, TransitionInput("take"), Actor(user=area_staff), RECEIVED)
        _resolve(no_email, area_staff, RECEIVED)
    assert "cases.tasks.send_resolution_notice" in attempts

    # When the sweeper runs, then neither is queued
    assert notices_sweep(RECEIVED + PAST_GRACE) == NOTHING
    assert mail.outbox == []
    assert notified(anonymous, "acknowledgement") == notified(no_email, "resolution") == []


def _resolved_and_reopened(agent, area_staff, description: str) -> Case:  # type: ignore[no-untyped-def]
    case = queja(agent, description=description)
    case_route(case.pk, RECEIVED)
    case_transition(case.folio, TransitionInput("take"), Actor(user=area_staff), RECEIVED)
    _resolve(case, area_staff, RECEIVED)
    reopen = TransitionInput("reopen", reason="Sigue fallando.")
    return case_transition(case.folio, reopen, Actor(), RECEIVED)


def test_resolutions_told_at_intake_or_superseded_are_not_queued(
    agent, area_staff, broker_down, django_capture_on_commit_callbacks
):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        # Resolved at intake: the acknowledgement carries the resolution
        at_intake = queja(
            agent,
            service="CONSTANCIA_INTERESES",
            description="Solicita su constancia de intereses 2025.",
            resolution="Se entregó la constancia en su correo.",
        )
        # Resolved (notice lost), then reopened by the citizen; and another one too …
        reopened = _resolved_and_reopened(agent, area_staff, "Otra queja sobre la página.")
        again = _resolved_and_reopened(agent, area_staff, "Una queja más sobre la página.")
    # … resolved again since, with the broker back: that resolution's notice was sent
    with django_capture_on_commit_callbacks(execute=True):
        _resolve(again, area_staff, RECEIVED + dt.timedelta(hours=1))
    mail.outbox.clear()

    queued = notices_sweep(RECEIVED + dt.timedelta(hours=1) + PAST_GRACE)

    assert queued == sweep_counts(acknowledgement=3)
    assert send_resolution_notice.apply(args=[at_intake.pk]).get() == 0
    assert notified(at_intake, "resolution") == notified(reopened, "resolution") == []
    assert len(notified(again, "resolution")) == 1
    assert sorted(m.subject for m in mail.outbox) == sorted(
        f"Registramos su caso {case.folio}" for case in (at_intake, reopened, again)
    )


def test_only_the_current_assignment_to_someone_with_email_is_queued(
    agent, broker_down, django_capture_on_commit_callbacks
):
    # Given three cases (of a citizen without e-mail) routed round robin with the broker down:
    # to Luis, to Mara (no e-mail) and to Luis again, the last one reassigned to Sofía since
    luis = _staff("quejas1", "luis.gomez@infonavit.test")
    _staff("quejas2")
    area = Area.objects.get(code="OPERACIONES_QUEJAS")
    RoutingRule.objects.create(
        name="Turnos", order=1, kinds=["complaint"], area=area, assignment_strategy="round_robin"
    )
    eva = ContactInput(given_names="Eva", first_surname="Ruiz", curp="BOXW310820HNERXN09")
    cases = [queja(agent, contact=eva, description=f"Queja {n} sobre la página.") for n in range(3)]
    with broker_down() as attempts, django_capture_on_commit_callbacks(execute=True):
        routed = [case_route(case.pk, RECEIVED) for case in cases]
    assert [case.assignee.username for case in routed if case and case.assignee] == [
        "quejas1",
        "quejas2",
        "quejas1",
    ]
    assert attempts == ["cases.tasks.send_assignment_notice"] * 3
    _staff("quejas3", "sofia.lara@infonavit.test")
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(
            cases[2].folio,
            TransitionInput("assign", assignee="quejas3"),
            Actor(user=luis),
            RECEIVED,
        )
    assert [m.to for m in mail.outbox] == [["sofia.lara@infonavit.test"]]
    mail.outbox.clear()

    # When the sweeper runs
    queued = notices_sweep(RECEIVED + PAST_GRACE)

    # Then only Luis's assignment that still stands is mailed
    assert queued == sweep_counts(assignment=1)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["luis.gomez@infonavit.test"], f"Se le asignó el caso {cases[0].folio}")
    ]
