"""Intake (case_create): validation, contact upsert, SLA snapshot, CREATED event, routing on commit."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from cases.events import Actor
from cases.models import Case, CaseEvent
from cases.services import CaseInput, case_create
from catalog.models import SlaPolicy
from contacts.models import Contact
from contacts.services import ContactInput
from infonavit_atencion.core.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db

TIJUANA = ZoneInfo("America/Tijuana")
MEXICO = ZoneInfo("America/Mexico_City")
# Friday 13 November 2026, 10:00 in Tijuana; Monday 16 November is an official holiday.
FRIDAY_10_TIJUANA = dt.datetime(2026, 11, 13, 10, 0, tzinfo=TIJUANA)
NOW = FRIDAY_10_TIJUANA + dt.timedelta(minutes=5)
ANA = ContactInput(
    given_names="Ana", first_surname="Pérez", second_surname="López", nss="92919084431"
)


def _queja(**overrides) -> CaseInput:
    values = {
        "service": "QUEJA_ATENCION_CESI",
        "channel": "CESI",
        "office": "CESI_TIJUANA",
        "contact": ANA,
        "description": "Me hicieron esperar tres horas.",
        "received_at": FRIDAY_10_TIJUANA,
    }
    values.update(overrides)
    return CaseInput(**values)


def test_a_presencial_queja_counts_its_terms_on_the_office_calendar(agent):
    # When an agent registers a queja at the Cesi Tijuana on Friday 13 Nov 2026 at 10:00
    result = case_create(_queja(), Actor(user=agent), NOW)
    case = result.case

    # Then the case is new, with a folio and a tracking code, and a new contact
    assert re.fullmatch(r"ATN-2026-\d{8}", case.folio)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{10}", case.tracking_code)
    assert case.status == "new"
    assert case.kind == "complaint"
    assert result.contact_created
    assert case.sla_calendar.code == "CESI_TIJUANA"
    # First response, 8 business hours on 08:30–14:30: Friday 10:00–14:30 gives 4.5 h; Monday
    # 16 is a holiday; Tuesday 17 from 08:30 the remaining 3.5 h end at 12:00 (UTC−8 → 20:00 UTC).
    assert case.first_response_due_at == dt.datetime(2026, 11, 17, 20, 0, tzinfo=dt.UTC)
    # Resolution, 15 business days strictly after Friday 13: 17,18,19,20,23,24,25,26,27,30 Nov,
    # 1,2,3,4,7 Dec → closing of Monday 7 Dec at 14:30 Tijuana = 22:30 UTC.
    assert case.resolution_due_at == dt.datetime(2026, 12, 7, 22, 30, tzinfo=dt.UTC)
    assert case.warn_at < case.resolution_due_at
    assert case.sla_state == "on_track"
    # And exactly one CREATED event, by the agent, with the case's dimensions
    events = list(CaseEvent.objects.filter(case=case))
    assert [(e.kind, e.actor_user_id, e.channel.code, e.office.code) for e in events] == [
        ("created", agent.pk, "CESI", "CESI_TIJUANA")
    ]


def test_a_digital_case_counts_on_the_institutional_calendar(agent):
    result = case_create(
        _queja(service="QUEJA_CANALES_DIGITALES", channel="MICUENTA", office=None),
        Actor(user=agent),
        NOW,
    )
    assert result.case.sla_calendar.code == "INSTITUCIONAL"
    assert result.case.office is None


def test_a_policy_naming_a_calendar_wins_over_the_office(agent):
    # ASESORIA_TELEFONICA (the INFONATEL override of the asesoría service) names INFONATEL.
    result = case_create(
        CaseInput(
            service="ASESORIA_PRODUCTO_CREDITO",
            channel="INFONATEL",
            office="INFONATEL_CC",
            contact=ANA,
            description="¿Qué crédito me conviene?",
            received_at=NOW,
        ),
        Actor(user=agent),
        NOW,
    )
    assert result.case.sla_policy.code == "ASESORIA_TELEFONICA"
    assert result.case.sla_calendar.code == "INFONATEL"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"service": "NO_EXISTE"}, "service", "does_not_exist"),
        ({"channel": "PATRON", "office": None}, "service", "not_available_on_channel"),
        ({"office": None}, "office", "required"),
        ({"office": "DEL_BC"}, "office", "not_served"),
        ({"received_at": NOW + dt.timedelta(hours=1)}, "received_at", "future"),
        ({"received_at": NOW - dt.timedelta(days=31)}, "received_at", "too_old"),
        ({"anonymous": True, "contact": None}, "anonymous", "not_allowed"),
        ({"contact": None}, "contact", "required"),
        ({"description": "  "}, "description", "required"),
        ({"priority": "critica"}, "priority", "invalid_choice"),
        ({"resolution": "Se orientó al ciudadano."}, "resolution", "not_allowed"),
        (
            {"contact": ContactInput(given_names="Ana", first_surname="Pérez", nss="92919084432")},
            "contact.nss",
            "nss_check_digit",
        ),
        ({"contact": ContactInput(nss="12345678903")}, "contact.given_names", "required"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_an_invalid_intake_is_refused_with_a_field_error_and_writes_nothing(
    agent, overrides, field, code
):
    cases, contacts = Case.objects.count(), Contact.objects.count()

    with pytest.raises(ValidationFailed) as refusal:
        case_create(_queja(**overrides), Actor(user=agent), NOW)

    assert (field, code) in [(e.field, e.code) for e in refusal.value.errors]
    assert all(e.message.strip() for e in refusal.value.errors)
    assert (Case.objects.count(), Contact.objects.count()) == (cases, contacts)


def test_backdating_beyond_30_days_is_allowed_for_imports(agent):
    old = NOW - dt.timedelta(days=90)
    result = case_create(_queja(received_at=old), Actor(user=agent), NOW, allow_backdating=True)
    assert result.case.received_at == old


def test_an_exceptional_case_requires_its_instrument(agent):
    data = _queja(service="CASO_NO_PREVISTO", channel="ESCRITO", office="DEL_BC")

    with pytest.raises(ValidationFailed) as refusal:
        case_create(data, Actor(user=agent), NOW)
    assert [e.field for e in refusal.value.errors] == ["instrument_reference"]

    ok = case_create(
        _queja(
            service="CASO_NO_PREVISTO",
            channel="ESCRITO",
            office="DEL_BC",
            instrument_reference="Dictamen DC/2026/017",
        ),
        Actor(user=agent),
        NOW,
    )
    assert ok.case.kind == "exceptional"
    assert ok.case.instrument_reference == "Dictamen DC/2026/017"


def test_intake_reuses_the_contact_by_nss_or_curp_and_warns_of_an_open_case(agent):
    first = case_create(_queja(), Actor(user=agent), NOW)
    second = case_create(
        _queja(contact=ContactInput(nss="92919084431", email="ana@example.com")),
        Actor(user=agent),
        NOW,
    )

    assert second.case.contact_id == first.case.contact_id
    assert not second.contact_created
    assert "open_case_same_service" in second.warnings
    contact = Contact.objects.get(pk=first.case.contact_id)
    assert contact.email == "ana@example.com"
    assert contact.given_names == "Ana"


def test_an_nss_and_curp_of_two_different_contacts_are_refused(agent):
    Contact.objects.create(given_names="Ana", first_surname="Pérez", nss="92919084431")
    Contact.objects.create(given_names="Beto", first_surname="Ruiz", curp="BOXW310820HNERXN09")
    cases = Case.objects.count()

    with pytest.raises(ValidationFailed) as refusal:
        case_create(
            _queja(contact=ContactInput(nss="92919084431", curp="BOXW310820HNERXN09")),
            Actor(user=agent),
            NOW,
        )

    assert refusal.value.errors[0].code == "identity_conflict"
    assert Case.objects.count() == cases


def test_an_anonymous_denuncia_has_no_contact_and_keeps_the_identity_sealed(agent):
    result = case_create(
        CaseInput(
            service="DENUNCIA_COYOTES",
            channel="CESI",
            office="CESI_TIJUANA",
            anonymous=True,
            sealed_reporter_identity="Juan, vecino",
            description="Un gestor cobra por trámites gratuitos afuera del Cesi.",
            received_at=NOW,
        ),
        Actor(user=agent),
        NOW,
    )
    assert result.case.contact is None
    assert result.case.anonymous
    assert result.case.sealed_reporter_identity == "Juan, vecino"


def test_first_contact_resolution_creates_the_case_resolved_under_the_owner_and_does_not_route(
    agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = case_create(
            CaseInput(
                service="CONSTANCIA_INTERESES",
                channel="CESI",
                office="CESI_TIJUANA",
                contact=ANA,
                description="Solicita su constancia de intereses 2025.",
                resolution="Se entregó la constancia impresa.",
                received_at=FRIDAY_10_TIJUANA,
            ),
            Actor(user=agent),
            NOW,
        )
    case = result.case
    assert len(callbacks) == 1  # the acknowledgement e-mail only: no routing is queued
    assert case.status == "resolved"
    assert (case.directorate, case.area) == (case.service.directorate, case.service.area)
    assert case.resolved_at == NOW
    assert case.first_response_at == NOW
    assert case.sla_state == "met"
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", "data__to"))
    assert kinds == [("created", None), ("status_changed", "resolved")]


def test_a_second_case_with_the_same_external_reference_for_a_client_conflicts():
    from accounts.services import api_client_create

    client, _key = api_client_create("portal", "MICUENTA", ["cases:write"])
    data = _queja(
        service="QUEJA_CANALES_DIGITALES",
        channel="MICUENTA",
        office=None,
        external_reference="MC-1",
    )
    case_create(data, Actor(client=client), NOW)
    with pytest.raises(Conflict):
        case_create(data, Actor(client=client), NOW)
    assert Case.objects.filter(external_reference="MC-1").count() == 1


def test_an_api_client_may_only_register_on_its_own_channel():
    from accounts.services import api_client_create

    client, _key = api_client_create("portal", "MICUENTA", ["cases:write"])
    with pytest.raises(ValidationFailed) as refusal:
        case_create(_queja(), Actor(client=client), NOW)
    assert refusal.value.errors[0].code == "channel_mismatch"


def test_later_policy_edits_do_not_rewrite_existing_cases(agent):
    case = case_create(_queja(), Actor(user=agent), NOW).case
    due = case.resolution_due_at

    # Edited as the admin does (a save: intake's catalog snapshot sees it at once)
    policy = SlaPolicy.objects.get(code="QUEJA_15DH")
    policy.resolution_value = 5
    policy.save()

    case.refresh_from_db()
    assert case.resolution_due_at == due
    assert case.sla_resolution_value == 15
    newer = case_create(_queja(), Actor(user=agent), NOW).case
    assert newer.sla_resolution_value == 5


def test_folios_are_unique_and_increasing(agent):
    folios = [case_create(_queja(), Actor(user=agent), NOW).case.folio for _ in range(3)]
    assert len(set(folios)) == 3
    assert folios == sorted(folios)
