"""What the comment and attachment tests share: a routed case and a snapshot of its rows."""

import datetime as dt
from zoneinfo import ZoneInfo

from cases.events import Actor
from cases.models import Attachment, Case, CaseEvent, Comment
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from contacts.services import ContactInput

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
LATER = RECEIVED + dt.timedelta(hours=2)


def routed_case(agent) -> Case:
    case = case_create(
        CaseInput(
            service="QUEJA_CANALES_DIGITALES",
            channel="MICUENTA",
            contact=ContactInput(given_names="Ana", first_surname="Pérez", nss="92919084431"),
            description="La página falla al descargar mi constancia.",
            received_at=RECEIVED,
        ),
        Actor(user=agent),
        RECEIVED,
    ).case
    routed = case_route(case.pk, RECEIVED)
    assert routed is not None
    return routed


def act(case, action, user, at, **kwargs) -> Case:
    return case_transition(
        case.folio, TransitionInput(action=action, **kwargs), Actor(user=user), at
    )


def snapshot(case: Case) -> tuple[dict, int, int, int]:
    return (
        Case.objects.values().get(pk=case.pk),
        CaseEvent.objects.filter(case=case).count(),
        Comment.objects.filter(case=case).count(),
        Attachment.objects.filter(case=case).count(),
    )
