"""The intake page and its htmx fragments: who may use it, defaults, services, SLA, contacts."""

import pytest

from accounts.services import UserPlacement, user_create
from cases.events import Actor
from cases.services import CaseInput, case_create
from contacts.services import ContactInput, contact_upsert
from tests.support.accounts import TEST_PASSWORD
from tests.support.intake import ANA_CURP, ANA_NSS, NEW_URL, NOW, logged_in

pytestmark = pytest.mark.django_db


# --- Permissions -----------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    # When someone not logged in opens the intake page
    response = client.get(NEW_URL)

    # Then they are redirected to the login page, coming back here afterwards
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={NEW_URL}"


def test_area_staff_may_not_register_cases(area_staff):
    # When a member of an area opens the intake page or one of its fragments
    client = logged_in(area_staff)

    # Then each answers 403
    assert client.get(NEW_URL).status_code == 403
    assert client.get(f"{NEW_URL}servicios/?channel=CESI").status_code == 403
    assert client.get(f"{NEW_URL}identificador/nss/?nss={ANA_NSS}").status_code == 403


@pytest.mark.parametrize("role", ["agent", "supervisor", "admin_user"])
def test_agents_supervisors_and_administrators_see_the_form(role, request):
    # Given a user of a registering role
    user = request.getfixturevalue(role)

    # When they open the intake page
    response = logged_in(user).get(NEW_URL)

    # Then the form is there
    assert response.status_code == 200
    assert 'id="intake-form"' in response.content.decode()


def test_saving_without_the_csrf_token_is_refused(agent):
    # Given a browser that enforces CSRF
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)

    # When a form is posted without the token
    response = client.post(NEW_URL, {"_action": "save", "description": "x"})

    # Then it is refused
    assert response.status_code == 403


# --- Defaults from the profile -----------------------------------------------------------------


def test_an_agent_registers_at_their_office_on_its_presencial_channel_by_default(agent):
    # When the Cesi agent opens the page
    form = logged_in(agent).get(NEW_URL).context["form"]

    # Then their office is the only one offered and the Cesi channel comes first and preselected
    assert form.fields["office"].choices == [
        ("CESI_CDMX_BENITO_JUAREZ", "Cesi Ciudad de México Benito Juárez")
    ]
    assert form.initial["office"] == "CESI_CDMX_BENITO_JUAREZ"
    assert form.initial["channel"] == "CESI"
    assert [code for code, _name in form.fields["channel"].choices] == ["CESI", "ESCRITO"]


def test_a_contact_centre_agent_defaults_to_the_phone_channel(db):
    # Given an agent of the contact centre
    user = user_create(
        "telefonista", "agent", TEST_PASSWORD, UserPlacement(office_code="INFONATEL_CC")
    )

    # When they open the page
    form = logged_in(user).get(NEW_URL).context["form"]

    # Then the telephone channel is preselected
    assert form.initial["channel"] == "INFONATEL"


# --- Service picker and SLA in plain Spanish -------------------------------------------------


def test_the_service_picker_lists_only_services_of_the_channel_matching_the_search(agent):
    # When the agent searches "denuncia" among the Cesi services
    response = logged_in(agent).get(
        f"{NEW_URL}servicios/", {"channel": "CESI", "service_q": "denuncia coyotes"}
    )

    # Then the picker offers exactly the matching service
    options = response.context["form"].fields["service"].widget.choices
    assert options == [
        ("", "— Elija un servicio —"),
        ("DENUNCIA_COYOTES", "Denuncia de coyotes o falsos gestores"),
    ]


def test_a_service_not_offered_on_the_channel_is_not_listed(agent):
    # When the agent searches the balance inquiry among written-channel services
    client = logged_in(agent)
    written = client.get(f"{NEW_URL}servicios/", {"channel": "ESCRITO", "service_q": "saldo"})
    at_cesi = client.get(f"{NEW_URL}servicios/", {"channel": "CESI", "service_q": "saldo"})

    # Then it is offered at the Cesi but not in writing
    def codes(response):
        return [code for code, _name in response.context["form"].fields["service"].widget.choices]

    assert "SALDO_CREDITO" not in codes(written)
    assert "SALDO_CREDITO" in codes(at_cesi)


def test_the_service_information_shows_its_public_text_and_the_sla_promise(agent, frozen_now):
    # When the agent picks the Cesi queja on Friday 13 November 2026 at 10:00
    response = logged_in(agent).get(
        f"{NEW_URL}servicios/informacion/",
        {"service": "QUEJA_ATENCION_CESI", "channel": "CESI", "office": "CESI_CDMX_BENITO_JUAREZ"},
    )
    html = response.content.decode()

    # Then 15 business days counted from Tuesday 17 (Monday 16 is a holiday) end on 7 December
    assert (
        response.context["preview"].sentence == "Respuesta a más tardar el 7 de diciembre de 2026"
    )
    assert "Respuesta a más tardar el 7 de diciembre de 2026" in html
    assert "15 días hábiles" in html
    # And the public information of the service is shown
    assert "Presente una queja por la atención que recibió" in html
    # And its promise is the due instant case_create snapshots
    case = case_create(
        CaseInput(
            service="QUEJA_ATENCION_CESI",
            channel="CESI",
            office="CESI_CDMX_BENITO_JUAREZ",
            contact=ContactInput(given_names="Ana", first_surname="Pérez", nss=ANA_NSS),
            description="x",
        ),
        Actor(user=agent),
        NOW,
    ).case
    assert response.context["preview"].resolution_due_at == case.resolution_due_at


def test_a_term_the_law_lets_extend_says_so(agent, frozen_now):
    # An ARCO request: 20 business days, extendable once by 10; a queja's term is not.
    arco = logged_in(agent).get(
        f"{NEW_URL}servicios/informacion/",
        {"service": "DERECHOS_ARCO", "channel": "CESI", "office": "CESI_CDMX_BENITO_JUAREZ"},
    )
    assert "ampliable una sola vez por 10 días hábiles" in arco.content.decode()
    queja = logged_in(agent).get(
        f"{NEW_URL}servicios/informacion/",
        {"service": "QUEJA_ATENCION_CESI", "channel": "CESI", "office": "CESI_CDMX_BENITO_JUAREZ"},
    )
    assert "ampliable" not in queja.content.decode()


def test_a_term_in_minutes_is_promised_with_its_hour(agent, frozen_now):
    # When the agent picks the balance inquiry (60 business minutes) at 10:00
    response = logged_in(agent).get(
        f"{NEW_URL}servicios/informacion/",
        {"service": "SALDO_CREDITO", "channel": "CESI", "office": "CESI_CDMX_BENITO_JUAREZ"},
    )

    # Then the promise names the day and the hour, and the service allows first-contact resolution
    assert (
        response.context["preview"].sentence
        == "Respuesta a más tardar el 13 de noviembre de 2026 a las 11:00"
    )
    html = response.content.decode()
    assert 'name="resolution"' in html
    assert 'name="anonymous"' not in html


def test_only_a_denuncia_offers_the_anonymous_mode(agent):
    client = logged_in(agent)
    # When the agent picks a denuncia, then the anonymous option appears
    denuncia = client.get(
        f"{NEW_URL}servicios/informacion/", {"service": "DENUNCIA_COYOTES", "channel": "CESI"}
    )
    assert 'name="anonymous"' in denuncia.content.decode()
    # When they pick a queja, then it does not
    queja = client.get(
        f"{NEW_URL}servicios/informacion/", {"service": "QUEJA_ATENCION_CESI", "channel": "CESI"}
    )
    assert 'name="anonymous"' not in queja.content.decode()


# --- Identifiers validated as typed ----------------------------------------------------------


def test_a_wrong_nss_check_digit_is_reported_as_typed(agent):
    response = logged_in(agent).get(f"{NEW_URL}identificador/nss/", {"nss": "92919084432"})

    assert response.context["feedback"].level == "error"
    assert "El dígito verificador del NSS no es correcto" in response.content.decode()


def test_a_valid_curp_is_confirmed(agent):
    response = logged_in(agent).get(f"{NEW_URL}identificador/curp/", {"curp": ANA_CURP})

    assert response.context["feedback"].level == "ok"
    assert "CURP válida." in response.content.decode()


def test_an_rfc_with_a_wrong_check_digit_is_a_warning_not_an_error(agent):
    # Given an RFC whose homoclave check digit does not match (GODE561231GR8 is valid)
    response = logged_in(agent).get(f"{NEW_URL}identificador/rfc/", {"rfc": "GODE561231GR9"})

    # Then the agent sees a warning and may go on
    assert response.context["feedback"].level == "warning"
    assert "El dígito verificador del RFC no coincide" in response.content.decode()
    assert "invalid-feedback" not in response.content.decode()


def test_an_nss_already_registered_names_its_contact(agent):
    # Given Ana is in the contact base
    contact_upsert(ContactInput(given_names="Ana", first_surname="Pérez", nss=ANA_NSS))

    # When the agent types her NSS
    response = logged_in(agent).get(f"{NEW_URL}identificador/nss/", {"nss": "9291 908 4431"})

    # Then the page says the case will be linked to her
    assert response.context["feedback"].existing.name == "Ana Pérez"
    assert "se vinculará a ese contacto" in response.content.decode()


def test_an_unknown_identifier_kind_is_not_found(agent):
    assert logged_in(agent).get(f"{NEW_URL}identificador/pasaporte/").status_code == 404


# --- Without JavaScript: helper buttons re-display the whole form ------------------------------


def test_searching_without_javascript_keeps_everything_typed(agent):
    contact_upsert(ContactInput(given_names="Ana", first_surname="Pérez", nss=ANA_NSS))

    # When the agent presses "Buscar" with text typed elsewhere on the form
    response = logged_in(agent).post(
        NEW_URL,
        {
            "_action": "search",
            "contact_q": "Pérez Ana",
            "channel": "CESI",
            "office": "CESI_CDMX_BENITO_JUAREZ",
            "service": "QUEJA_ATENCION_CESI",
            "description": "Texto a medias",
        },
    )

    # Then the results are listed, nothing is saved and the typed text is still there
    assert response.status_code == 200
    assert [row.name for row in response.context["contact_results"]] == ["Ana Pérez"]
    html = response.content.decode()
    assert "Texto a medias</textarea>" in html
    assert '<option value="QUEJA_ATENCION_CESI" selected>' in html
    assert "Respuesta a más tardar el" in html


def test_changing_contact_without_javascript_clears_the_choice_only(agent):
    contact = contact_upsert(
        ContactInput(given_names="Ana", first_surname="Pérez", nss=ANA_NSS)
    ).contact

    # When the agent presses "Cambiar de contacto" on a form with a picked contact
    response = logged_in(agent).post(
        NEW_URL,
        {
            "_action": "clear_contact",
            "contact_id": str(contact.pk),
            "channel": "CESI",
            "subject": "Asunto escrito",
        },
    )

    # Then no contact is chosen any more and the rest of the form is kept
    assert response.context["contact"] is None
    assert 'value="Asunto escrito"' in response.content.decode()


def test_a_link_may_preselect_the_service(agent):
    response = logged_in(agent).get(NEW_URL, {"service": "SALDO_CREDITO"})

    assert response.context["service"].code == "SALDO_CREDITO"
    assert 'name="resolution"' in response.content.decode()


def test_the_contact_card_costs_the_same_queries_for_one_case_or_many(agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Given Ana with one open queja
    def queja():
        return case_create(
            CaseInput(
                service="QUEJA_ATENCION_CESI",
                channel="CESI",
                office="CESI_CDMX_BENITO_JUAREZ",
                contact=ContactInput(given_names="Ana", first_surname="Pérez", nss=ANA_NSS),
                description="Queja.",
            ),
            Actor(user=agent),
            NOW,
        ).case

    contact_id = queja().contact_id
    client = logged_in(agent)
    url = f"{NEW_URL}?contact_id={contact_id}&service=QUEJA_ATENCION_CESI"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)

    # When she has four more cases
    for _ in range(4):
        queja()
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)

    # Then the page lists them all for the same number of queries
    assert len(response.context["cases"].open) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_the_contact_card_fragment_asks_only_for_what_the_contact_lacks(agent):
    # Given Ana is registered with her NSS but no CURP
    contact = contact_upsert(
        ContactInput(given_names="Ana", first_surname="Pérez", nss=ANA_NSS)
    ).contact

    # When the agent picks her (htmx), with an e-mail already typed
    response = logged_in(agent).get(
        f"{NEW_URL}contactos/{contact.pk}/", {"email": "ana@example.com", "channel": "CESI"}
    )

    # Then the card carries her id and the contact fields are swapped for the missing ones only
    html = response.content.decode()
    assert f'name="contact_id" id="id_contact_id" value="{contact.pk}"' in html
    assert '<div id="contact-fields" hx-swap-oob="true">' in html
    assert 'name="curp"' in html
    assert 'name="nss"' not in html
    assert 'name="given_names"' not in html
    assert 'value="ana@example.com"' in html
