"""The one extension of a legal term (ARCO, access to information, 20 + 10 trámites) and the
ARCO right asked again when a case is reclassified into (or out of) an ARCO service."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from accounts.services import UserPlacement, user_create
from cases.events import Actor
from cases.models import Case, CaseEvent
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from cases.timeline_check import case_timeline_problems
from contacts.models import ArcoRequest
from contacts.services import ContactInput
from infonavit_atencion.core.errors import InvalidTransition, ValidationFailed
from tests.support.accounts import TEST_PASSWORD
from tests.support.cases import PROBLEM, session_for

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
# Friday 13 November 2026, 10:00 (Monday 16 is a holiday). An ARCO request is due on the 20th
# business day after it on the INSTITUCIONAL calendar (Mon–Fri 09:00–18:00): Monday 14 December,
# 18:00. Ten more business days (25 December is a holiday): 15–18, 21–24, 28, 29 → Tuesday 29
# December, 18:00.
NOW = dt.datetime(2026, 11, 13, 10, 0, tzinfo=MX)
DUE = dt.datetime(2026, 12, 14, 18, 0, tzinfo=MX)
EXTENDED_DUE = dt.datetime(2026, 12, 29, 18, 0, tzinfo=MX)
ANA = ContactInput(
    given_names="Ana", first_surname="Pérez", nss="92919084431", email="ana@example.com"
)


@pytest.fixture
def transparency(db):  # type: ignore[no-untyped-def]
    return user_create(
        "transparencia",
        "area_staff",
        TEST_PASSWORD,
        UserPlacement(area_code="OPERACIONES_TRANSPARENCIA"),
    )


def _case(agent, service: str = "DERECHOS_ARCO", *, right: str = "access", **extra) -> Case:  # type: ignore[no-untyped-def]
    case = case_create(
        CaseInput(
            service=service,
            channel=extra.pop("channel", "CESI"),
            office=extra.pop("office", "CESI_CDMX_BENITO_JUAREZ"),
            contact=extra.pop("contact", ANA),
            description="Quiero saber qué datos míos tiene el Instituto.",
            arco_right=right,
            **extra,
        ),
        Actor(user=agent),
        NOW,
    ).case
    routed = case_route(case.pk, NOW)
    assert routed is not None
    return routed


def _act(case: Case, user, at: dt.datetime, action: str = "extend", **kwargs) -> Case:  # type: ignore[no-untyped-def]
    return case_transition(
        case.folio, TransitionInput(action=action, **kwargs), Actor(user=user), at
    )


REASON = "Se requiere consultar los expedientes de la delegación."


def test_an_arco_term_is_extended_once_by_ten_business_days_and_the_titular_is_told(
    agent, transparency, django_capture_on_commit_callbacks
):
    case = _case(agent)
    assert (case.resolution_due_at, case.sla_extension_value) == (DUE, 10)
    day_19 = dt.datetime(2026, 12, 11, 12, 0, tzinfo=MX)  # at risk by then (warn at 70 %)

    with django_capture_on_commit_callbacks(execute=True):
        case = _act(case, transparency, day_19, reason=REASON)

    assert case.resolution_due_at == EXTENDED_DUE
    assert case.sla_extended_at == day_19
    assert (case.status, case.sla_state) == ("assigned", "on_track")
    # The warning re-applies its 70 % to the ten days (90 open hours → 63: Wednesday 23, 18:00).
    assert case.warn_at == dt.datetime(2026, 12, 23, 18, 0, tzinfo=MX)
    event = CaseEvent.objects.get(case=case, kind="sla_extended")
    assert event.data["reason"] == REASON
    assert event.data["extension"] == {"value": 10, "unit": "business_days"}
    assert dt.datetime.fromisoformat(event.data["from_due"]) == DUE
    assert dt.datetime.fromisoformat(event.data["to_due"]) == EXTENDED_DUE
    # The titular is told, with the new date and the reason, once.
    extension_mails = [m for m in mail.outbox if "amplió el plazo" in m.subject]
    assert len(extension_mails) == 1
    assert extension_mails[0].to == ["ana@example.com"]
    assert "29 de diciembre de 2026" in extension_mails[0].body
    assert REASON in extension_mails[0].body
    assert case_timeline_problems([case.pk]) == {}

    # A second extension is refused and changes nothing.
    with pytest.raises(InvalidTransition, match="una vez"):
        _act(case, transparency, day_19 + dt.timedelta(days=1), reason=REASON)
    assert Case.objects.get(pk=case.pk).version == case.version


def test_the_extension_is_refused_after_the_term_ran_out_without_a_reason_or_on_other_terms(
    agent, transparency, area_staff
):
    case = _case(agent)
    with pytest.raises(InvalidTransition, match="venció"):
        _act(case, transparency, DUE + dt.timedelta(seconds=1), reason=REASON)
    with pytest.raises(ValidationFailed) as refused:
        _act(case, transparency, NOW, reason="  ")
    assert refused.value.errors[0].field == "reason"
    assert Case.objects.get(pk=case.pk).sla_extended_at is None

    # A queja's term (15 business days) admits no extension.
    queja = _case(agent, "QUEJA_ATENCION_CESI", right="")
    with pytest.raises(InvalidTransition, match="no admite"):
        _act(queja, area_staff, NOW, reason=REASON)


def test_a_wait_and_the_extension_both_move_the_term(supervisor, transparency):
    # Filed by e-mail, where access to information is offered too.
    case = _act(_case(supervisor, channel="CORREO", office=None), transparency, NOW, action="take")
    # Waiting on the titular from Monday 14 December 09:00 to Wednesday 16 December 09:00:
    # two business days (18 open hours) of stopped clock.
    paused_from = dt.datetime(2026, 12, 14, 9, 0, tzinfo=MX)
    case = _act(case, transparency, paused_from, action="pause", reason="Falta identificación")
    # Past the original due, but the clock is stopped: the extension is still on time.
    case = _act(case, transparency, DUE + dt.timedelta(hours=16), reason=REASON)
    assert case.resolution_due_at == EXTENDED_DUE
    case = _act(case, transparency, dt.datetime(2026, 12, 16, 9, 0, tzinfo=MX), action="resume")
    # Two open days later: Thursday 31 December, 18:00.
    assert case.resolution_due_at == dt.datetime(2026, 12, 31, 18, 0, tzinfo=MX)

    # Reclassified to access to information (20 + 10 as well): the same wait and extension
    # move the new term, counted again from reception.
    case = _act(case, transparency, dt.datetime(2026, 12, 17, 9, 0, tzinfo=MX), action="reclassify",
                service="ACCESO_INFORMACION")  # fmt: skip
    assert (case.service.code, case.sla_extended_at is not None) == ("ACCESO_INFORMACION", True)
    assert case.resolution_due_at == dt.datetime(2026, 12, 31, 18, 0, tzinfo=MX)
    assert case_timeline_problems([case.pk]) == {}


def test_reclassifying_an_extended_case_to_a_term_without_extension_drops_it(agent, transparency):
    case = _act(_case(agent), transparency, NOW, reason=REASON)
    case = _act(case, transparency, NOW + dt.timedelta(hours=1), action="reclassify",
                service="SOLICITUD_INFORMACION")  # fmt: skip
    assert (case.sla_extended_at, case.sla_extension_value) == (None, None)
    event = CaseEvent.objects.get(case=case, kind="reclassified")
    assert event.data["extension_dropped"] is True
    # The information service's own term, from reception, on the Cesi's own calendar (a policy
    # without a calendar, a presencial channel): 5 business days → Monday 23 Nov at its 14:30
    # closing.
    assert case.resolution_due_at == dt.datetime(2026, 11, 23, 14, 30, tzinfo=MX)


def test_reclassifying_into_an_arco_service_asks_the_right_again(agent, transparency, supervisor):
    case = _case(agent, "SOLICITUD_INFORMACION", right="")
    with pytest.raises(ValidationFailed) as refused:
        _act(case, supervisor, NOW, action="reclassify", service="DERECHOS_ARCO")
    assert (refused.value.errors[0].field, refused.value.errors[0].code) == (
        "arco_right",
        "required",
    )
    assert Case.objects.get(pk=case.pk).service.code == "SOLICITUD_INFORMACION"

    case = _act(case, supervisor, NOW, action="reclassify", service="DERECHOS_ARCO",
                arco_right="rectification")  # fmt: skip
    assert ArcoRequest.objects.get(case=case).right == "rectification"
    assert (
        CaseEvent.objects.get(case=case, kind="reclassified").data["arco_right"] == "rectification"
    )
    assert case.sla_extension_value == 10

    # Out of ARCO, a right is refused (it means nothing on another service).
    with pytest.raises(ValidationFailed) as refused:
        _act(case, supervisor, NOW, action="reclassify", service="SOLICITUD_INFORMACION",
             arco_right="access")  # fmt: skip
    assert refused.value.errors[0].code == "not_allowed"


def test_an_anonymous_denuncia_cannot_be_reclassified_out_of_the_denuncias(agent, supervisor):
    case = case_create(
        CaseInput(service="DENUNCIA_CORRUPCION", channel="CESI", office="CESI_CDMX_BENITO_JUAREZ",
                  anonymous=True, description="Me pidieron dinero por agilizar el trámite."),
        Actor(user=agent),
        NOW,
    ).case  # fmt: skip
    case_route(case.pk, NOW)
    with pytest.raises(ValidationFailed) as refused:
        _act(case, supervisor, NOW, action="reclassify", service="SOLICITUD_INFORMACION")
    assert refused.value.errors[0].code == "anonymous_report"


@pytest.fixture
def before_due(monkeypatch):  # type: ignore[no-untyped-def]
    """The pages and the API read the clock: pin it inside the term, whatever today is."""
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 1, 10, 0, tzinfo=MX))


def test_the_api_extends_and_refuses_agents(agent, transparency, before_due):
    case = _case(agent)
    url = f"/api/v1/cases/{case.folio}/transitions/"
    answer = session_for(agent).post(url, {"action": "extend", "reason": REASON}, format="json")
    assert answer.status_code == 403
    answer = session_for(transparency).post(
        url, {"action": "extend", "reason": REASON}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["sla"]["resolution_due_at"] is not None
    assert Case.objects.get(pk=case.pk).resolution_due_at > DUE
    again = session_for(transparency).post(
        url, {"action": "extend", "reason": REASON}, format="json"
    )
    assert (again.status_code, again["Content-Type"]) == (409, PROBLEM)


def test_the_case_page_offers_the_extension_only_where_the_term_admits_it(
    agent, transparency, supervisor, client, before_due
):
    # A queja's term admits none: not offered, even to a supervisor.
    queja = _case(agent, "QUEJA_ATENCION_CESI", right="")
    client.force_login(supervisor)
    page = client.get(f"/casos/{queja.folio}/").content.decode()
    assert 'value="reclassify"' in page
    assert 'value="extend"' not in page

    case = _case(agent)
    client.force_login(transparency)
    page = client.get(f"/casos/{case.folio}/").content.decode()
    assert 'value="extend"' in page
    answer = client.post(
        f"/casos/{case.folio}/accion/",
        {"action": "extend", "reason": REASON, "version": case.version},
        follow=True,
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert 'id="plazo-ampliado"' in page
    assert 'value="extend"' not in page  # once only
    assert Case.objects.get(pk=case.pk).sla_extended_at is not None
