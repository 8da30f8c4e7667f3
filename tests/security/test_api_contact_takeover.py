"""Issue 14: an API client cannot learn a name from an NSS, nor take over a citizen's e-mail.

The attack: a client with ``cases:write`` but not ``contacts:read`` registers a case with
somebody else's NSS and its own e-mail. It must see back only what it sent (masked, SPEC §8),
the person's record in the single contact base must not change, and the notices of the
person's own cases must keep reaching the person. Only staff and a client with
``contacts:write`` change the base, and each change is kept in the contact's history.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.forms.models import model_to_dict
from django.test import Client

from accounts.services import api_client_create
from cases.events import Actor
from cases.models import Case
from cases.representation import case_document
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from contacts.models import Contact
from contacts.services import ContactInput
from infonavit_atencion.core.api_scopes import Scope

from .support import token_client

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
VICTIM_NSS = "92919084431"
VICTIM_CURP = "BOXW310820HNERXN09"
VICTIM_EMAIL = "ana.perez@example.com"
VICTIM_PHONE = "5512345678"
ATTACKER_EMAIL = "buzon@atacante.example"
ATTACKER_PHONE = "5599998888"
ATTACK = {
    "service": "QUEJA_CANALES_DIGITALES",
    "contact": {
        "nss": VICTIM_NSS,
        "given_names": "Quien",
        "first_surname": "Sea",
        "email": ATTACKER_EMAIL,
        "phone": ATTACKER_PHONE,
    },
    "description": "Quiero saber de quién es este NSS.",
}
# What a client without contacts:read is shown of the attack case: what it sent, masked.
ATTACK_CONTACT = {
    "given_names": "Quien",
    "first_surname": "Sea",
    "second_surname": "",
    "type": "derechohabiente",
    "nss": "*******4431",
    "curp": None,
    "rfc": "",
    "email": "*" * (len(ATTACKER_EMAIL) - 4) + ATTACKER_EMAIL[-4:],
    "phone": "******8888",
}


def _victim_case(agent) -> Case:  # type: ignore[no-untyped-def]
    """Ana's own queja, registered at her Cesi with her e-mail."""
    contact = ContactInput(
        given_names="Ana",
        first_surname="Pérez",
        second_surname="López",
        nss=VICTIM_NSS,
        curp=VICTIM_CURP,
        email=VICTIM_EMAIL,
        phone=VICTIM_PHONE,
    )
    data = CaseInput(
        service="QUEJA_CANALES_DIGITALES",
        channel="MICUENTA",
        contact=contact,
        description="La página falla al descargar mi constancia.",
        received_at=RECEIVED,
    )
    return case_create(data, Actor(user=agent), RECEIVED).case


def _client(name: str, scopes: list[str]) -> Client:
    _, key = api_client_create(name, "MICUENTA", [str(scope) for scope in scopes])
    return token_client(key)


@pytest.fixture
def attacker():  # type: ignore[no-untyped-def]
    return _client("sistema_curioso", [Scope.CASES_READ, Scope.CASES_WRITE])


def _victim_row() -> dict:
    return model_to_dict(Contact.objects.get(nss=VICTIM_NSS))


def test_the_answer_and_its_replay_show_only_what_the_client_sent(agent, attacker):
    _victim_case(agent)

    created = attacker.post("/api/v1/cases/", ATTACK, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    replay = attacker.post("/api/v1/cases/", ATTACK, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert created.status_code == 201
    assert created.json()["contact"] == ATTACK_CONTACT
    assert (replay.status_code, replay.content) == (201, created.content)
    for secret in ("Ana", "Pérez", "López", VICTIM_CURP[-4:], VICTIM_EMAIL[-4:], "5678"):
        assert secret not in created.content.decode()
    # The case links to the one contact of the single base, as intake by NSS always did.
    case = Case.objects.get(folio=created.json()["folio"])
    assert case.contact_id == Contact.objects.get(nss=VICTIM_NSS).pk


def test_reading_the_case_back_shows_the_same_contact(agent, attacker):
    _victim_case(agent)
    folio = attacker.post("/api/v1/cases/", ATTACK, format="json").json()["folio"]

    detail = attacker.get(f"/api/v1/cases/{folio}/").json()
    listed = attacker.get("/api/v1/cases/").json()["results"]
    webhook = case_document(Case.objects.get(folio=folio))

    assert detail["contact"] == ATTACK_CONTACT
    assert [row["contact"] for row in listed] == [ATTACK_CONTACT]
    assert webhook["contact"] == ATTACK_CONTACT


def test_the_victims_contact_is_not_changed(agent, attacker):
    _victim_case(agent)
    before = _victim_row()

    response = attacker.post("/api/v1/cases/", ATTACK, format="json")

    assert response.status_code == 201
    assert _victim_row() == before
    # Its history holds its creation at the Cesi only.
    victim = Contact.objects.get(nss=VICTIM_NSS)
    history = victim.history.values_list("history_type", flat=True)  # type: ignore[attr-defined]
    assert list(history) == ["+"]


def test_the_victims_older_case_still_mails_the_victim(
    agent, attacker, area_staff, django_capture_on_commit_callbacks
):
    older = case_route(_victim_case(agent).pk, RECEIVED)
    case_transition(older.folio, TransitionInput("take"), Actor(user=area_staff), RECEIVED)
    with django_capture_on_commit_callbacks(execute=True):
        attack = attacker.post("/api/v1/cases/", ATTACK, format="json")
    assert attack.status_code == 201
    # The attack case's own acknowledgement goes where that case came from, with its name.
    [acknowledgement] = mail.outbox
    assert acknowledgement.to == [ATTACKER_EMAIL]
    assert acknowledgement.body.startswith("Hola, Quien:")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        case_transition(
            older.folio,
            TransitionInput("resolve", resolution="Se corrigió la descarga."),
            Actor(user=area_staff),
            RECEIVED + dt.timedelta(hours=1),
        )

    [message] = mail.outbox
    assert message.to == [VICTIM_EMAIL]
    assert message.subject == f"Su caso {older.folio} fue resuelto"
    assert message.body.startswith("Hola, Ana:")
    assert "/encuesta/" in message.body  # the survey link reaches Ana, not the attacker


def test_a_client_with_contacts_write_updates_the_base_and_it_is_logged(agent):
    _victim_case(agent)
    writer = _client("sistema_titular", [Scope.CASES_READ, Scope.CASES_WRITE, Scope.CONTACTS_WRITE])

    response = writer.post("/api/v1/cases/", ATTACK, format="json")

    assert response.status_code == 201
    contact = Contact.objects.get(nss=VICTIM_NSS)
    assert (contact.email, contact.phone) == (ATTACKER_EMAIL, ATTACKER_PHONE)
    # Names are never overwritten by intake, even by a writer.
    assert (contact.given_names, contact.first_surname) == ("Ana", "Pérez")
    change = contact.history.order_by("-history_id").first()  # type: ignore[attr-defined]
    assert (change.history_type, change.history_user) == ("~", None)
    assert change.history_change_reason == "Registro de caso por la API: sistema_titular"


def test_staff_intake_changing_a_contact_is_logged_with_the_user(agent):
    earlier = _victim_case(agent)
    client = Client()
    client.force_login(agent)

    response = client.post(
        "/atencion/registro/",
        {
            "_action": "save",
            "channel": "CESI",
            "office": "CESI_CDMX_BENITO_JUAREZ",
            "service": "QUEJA_ATENCION_CESI",
            "contact_id": str(earlier.contact_id),
            "email": "ana.nueva@example.com",
            "phone": "",
            "subject": "Espera excesiva",
            "description": "Me hicieron esperar tres horas en ventanilla.",
            "priority": "normal",
        },
    )

    assert response.status_code == 302
    contact = Contact.objects.get(pk=earlier.contact_id)
    assert (contact.email, contact.phone) == ("ana.nueva@example.com", VICTIM_PHONE)
    change = contact.history.order_by("-history_id").first()  # type: ignore[attr-defined]
    assert (change.history_type, change.history_user) == ("~", agent)
    assert change.email == "ana.nueva@example.com"
    assert change.prev_record.email == VICTIM_EMAIL
    # The new case keeps what the office gave: the new e-mail and the record's phone.
    newest = Case.objects.exclude(pk=earlier.pk).get()
    assert (newest.contact_email, newest.contact_phone) == ("ana.nueva@example.com", VICTIM_PHONE)
