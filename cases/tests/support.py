"""What several cases tests share: a routed case and a snapshot of its rows (comments and
attachments), the notice sweeper's cases and events, the shape of the case JSON."""

import datetime as dt
import re
import threading
import time
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connections
from rest_framework.test import APIClient

from accounts.services import api_client_create
from cases.api import views
from cases.events import Actor
from cases.models import Attachment, Case, CaseEvent, Comment
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from tests.support.cases import PROBLEM, READ_WRITE, ContactFactory

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
LATER = RECEIVED + dt.timedelta(hours=2)


def routed_case(agent) -> Case:
    case = case_create(
        CaseInput(
            service="QUEJA_CANALES_DIGITALES",
            channel="MICUENTA",
            contact=ContactFactory(),
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


PAST_GRACE = dt.timedelta(minutes=10)  # the default grace is five minutes
ANA = ContactFactory(email="ana.perez@example.com")
NOTHING = {
    "email_confirmation": 0,
    "acknowledgement": 0,
    "assignment": 0,
    "resolution": 0,
    "extension": 0,
    "calendar_change": 0,
    "public_comment": 0,
    "breach": 0,
}


def sweep_counts(**counts: int) -> dict[str, int]:
    return {**NOTHING, **counts}


def queja(agent, now=RECEIVED, contact=ANA, **overrides) -> Case:  # type: ignore[no-untyped-def]
    values = {
        "service": "QUEJA_CANALES_DIGITALES",
        "channel": "MICUENTA",
        "contact": contact,
        "description": "La página falla al descargar mi constancia.",
        "received_at": now,
    }
    values.update(overrides)
    return case_create(CaseInput(**values), Actor(user=agent), now).case


def latest_event(case, kind, **data) -> CaseEvent:  # type: ignore[no-untyped-def]
    lookups = {f"data__{key}": value for key, value in data.items()}
    return CaseEvent.objects.filter(case=case, kind=kind, **lookups).latest("at", "id")


def notified(case, template) -> list[dict]:  # type: ignore[no-untyped-def]
    events = CaseEvent.objects.filter(case=case, kind="notified", data__template=template)
    return [event.data for event in events.order_by("id")]


# Shapes every case-JSON test checks.
OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")
CASE_KEYS = [
    "folio",
    "kind",
    "status",
    "priority",
    "service",
    "channel",
    "office",
    "directorate",
    "area",
    "assignee",
    "contact",
    "subject",
    "description",
    "received_at",
    "created_at",
    "updated_at",
    "sla",
    "external_reference",
    "version",
]


def field_errors(response) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


def posted_twice_at_once(monkeypatch: Any, body: dict, idempotency_key: str) -> list[Any]:
    """Two identical intake requests under one Idempotency-Key, released together from two
    threads (each with its own connection) while intake is slowed down, so the second arrives
    while the first works; their answers. Needs committed data (a transactional test)."""
    original = views.case_create

    def slow_case_create(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(views, "case_create", slow_case_create)
    _, key = api_client_create("Portal Mi Cuenta", "MICUENTA", READ_WRITE)
    start = threading.Barrier(2)
    answers: list[Any] = []

    def send() -> None:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        try:
            start.wait()
            answers.append(
                api.post(
                    "/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY=idempotency_key
                )
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers
