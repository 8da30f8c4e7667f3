"""Saving a case from the intake page: case_create's outcome, errors beside their fields, acuse."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from accounts.services import UserPlacement, user_create
from cases.events import Actor
from cases.models import Case
from cases.services import CaseInput, case_create
from contacts.models import Contact
from contacts.services import ContactInput, contact_upsert
from tests.support.accounts import TEST_PASSWORD
from tests.support.intake import ANA_CURP, ANA_NSS, NEW_URL, NOW, form_body, logged_in

pytestmark = pytest.mark.django_db


def _only_case() -> Case:
    return Case.objects.select_related("contact", "service", "office").get()


# --- A new contact, a folio and a tracking code ------------------------------------------------


def test_an_agent_registers_a_queja_for_a_new_contact_and_gets_folio_and_code(agent, frozen_now):
    client = logged_in(agent)

    # When the agent saves a queja for Ana, who is not in the contact base
    response = client.post(NEW_URL, form_body())

    # Then one case exists, created by the agent, with Ana as a new contact
    case = _only_case()
    assert response.status_code == 302
    assert response["Location"] == f"{NEW_URL}registrado/{case.folio}/"
    assert case.status == "new"
    assert case.created_by_user == agent
    assert case.channel.code == "CESI"
    assert case.office.code == "CESI_CDMX_BENITO_JUAREZ"
    assert case.contact.nss == ANA_NSS
    assert case.contact.full_name == "Ana Pérez López"
    # And the page after saving shows the folio and the tracking code prominently
    done = client.get(response["Location"])
    html = done.content.decode()
    assert re.search(rf'id="folio">{case.folio}<', html)
    assert re.search(rf'id="tracking-code">{case.tracking_code}<', html)
    assert "Se dio de alta al contacto en la base única." in html
    assert done["Cache-Control"] == "no-store"


def test_the_tracking_code_is_shown_only_once(agent, frozen_now):
    client = logged_in(agent)
    location = client.post(NEW_URL, form_body())["Location"]
    case = _only_case()
    assert case.tracking_code in client.get(location).content.decode()

    # When the page is opened again (reload, back button, another tab)
    again = client.get(location).content.decode()

    # Then the folio is still there but the code is not
    assert case.folio in again
    assert case.tracking_code not in again
    assert "El código de seguimiento sólo se muestra una vez" in again


def test_the_acuse_has_everything_the_citizen_needs_and_prints_alone(agent, frozen_now):
    client = logged_in(agent)
    location = client.post(NEW_URL, form_body())["Location"]
    case = _only_case()

    # When the page after saving is rendered
    html = client.get(location).content.decode()
    acuse = html[html.index('id="acuse"') :]

    # Then the acknowledgement carries folio, code, service, due date, office and instructions
    assert case.folio in acuse
    assert case.tracking_code in acuse
    assert "Queja sobre la atención en Cesi o Delegación (Queja)" in acuse
    assert "Respuesta a más tardar el 7 de diciembre de 2026 (15 días hábiles)" in acuse
    assert "13 de noviembre de 2026, 10:00" in acuse
    assert "Cesi Ciudad de México Benito Juárez" in acuse
    assert f"/consulta/?folio={case.folio}" in acuse
    assert "y escriba su folio y su código de seguimiento" in acuse
    # And its stylesheet prints the acuse alone
    assert "intake/acuse.css" in html
    css = Path(finders.find("intake/acuse.css")).read_text(encoding="utf-8")
    assert "@media print" in css
    assert "#acuse, #acuse * { visibility: visible; }" in css


def test_another_agent_cannot_open_the_acknowledgement_of_a_case_out_of_their_sight(
    agent, frozen_now
):
    location = logged_in(agent).post(NEW_URL, form_body())["Location"]
    other = user_create(
        "asesor2", "agent", TEST_PASSWORD, UserPlacement(office_code="CESI_TIJUANA")
    )

    assert logged_in(other).get(location).status_code == 404


# --- Errors beside their fields, nothing typed lost -------------------------------------------


def test_invalid_identifiers_are_shown_beside_their_fields_and_kept(agent):
    # When the agent saves with an NSS whose check digit is wrong and a malformed CURP
    response = logged_in(agent).post(
        NEW_URL, form_body(nss="92919084432", curp="BOXW310820HNERXN0", description="Algo pasó")
    )

    # Then nothing is created, each error sits beside its field and what was typed is kept
    assert response.status_code == 400
    assert Case.objects.count() == 0
    form = response.context["form"]
    assert form.errors["nss"] == [
        "El dígito verificador del NSS no es correcto; revise que esté bien escrito."
    ]
    assert form.errors["curp"] == ["La CURP debe tener 18 caracteres."]
    html = response.content.decode()
    assert 'value="92919084432"' in html
    assert 'value="BOXW310820HNERXN0"' in html
    assert "Algo pasó</textarea>" in html
    assert 'aria-invalid="true"' in html


def test_case_create_refusals_land_on_the_fields_they_name(agent):
    # When the agent saves without a description and without the contact's surname
    response = logged_in(agent).post(NEW_URL, form_body(description="", first_surname=""))

    # Then both refusals are shown at once, beside the description and the surname
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["description"] == ["Describa el caso."]
    assert form.errors["first_surname"] == ["Escriba el primer apellido."]
    assert Case.objects.count() == 0
    assert 'value="Ana"' in response.content.decode()


def test_a_service_not_offered_on_the_channel_is_refused_beside_the_service(agent):
    response = logged_in(agent).post(NEW_URL, form_body(channel="ESCRITO", service="SALDO_CREDITO"))

    assert response.status_code == 400
    assert response.context["form"].errors["service"] == [
        "Este servicio no se atiende por el canal elegido: elija otro servicio o cambie el canal."
    ]


def test_an_agent_cannot_register_at_another_office(agent):
    response = logged_in(agent).post(NEW_URL, form_body(office="CESI_TIJUANA"))

    assert response.status_code == 400
    assert "office" in response.context["form"].errors
    assert Case.objects.count() == 0


def test_an_rfc_check_digit_mismatch_does_not_stop_the_case_and_is_reported(agent, frozen_now):
    client = logged_in(agent)

    # When the agent saves with an RFC whose check digit does not match
    response = client.post(NEW_URL, form_body(rfc="GODE561231GR9"))

    # Then the case is created and the page after saving shows the warning
    assert response.status_code == 302
    assert _only_case().contact.rfc == "GODE561231GR9"
    assert (
        "El dígito verificador del RFC no coincide"
        in client.get(response["Location"]).content.decode()
    )


# --- An existing contact and its cases ----------------------------------------------------------


def _ana_with_open_queja(agent) -> Case:
    return case_create(
        CaseInput(
            service="QUEJA_ATENCION_CESI",
            channel="CESI",
            office="CESI_CDMX_BENITO_JUAREZ",
            contact=ContactInput(
                given_names="Ana", first_surname="Pérez", nss=ANA_NSS, curp=ANA_CURP
            ),
            description="Primera queja.",
        ),
        Actor(user=agent),
        NOW,
    ).case


def test_picking_a_contact_shows_its_visible_cases_and_warns_of_the_same_open_service(agent):
    earlier = _ana_with_open_queja(agent)
    contact = earlier.contact

    # When the agent picks Ana while the Cesi queja is chosen
    response = logged_in(agent).post(
        NEW_URL, {**form_body(), "_action": "", "pick_contact": str(contact.pk)}
    )

    # Then her card shows masked identifiers, the open case and the duplicate warning
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["contact_card"].nss == "*******4431"
    assert ANA_NSS not in html
    assert [case.folio for case in response.context["cases"].open] == [earlier.folio]
    assert "Este contacto ya tiene abierto un caso de este servicio:" in html
    # And nothing was saved
    assert Case.objects.count() == 1


def test_the_contact_card_fragment_lists_only_cases_the_agent_may_see(agent, supervisor):
    # Given Ana has a case at this Cesi and one registered in Tijuana
    mine = _ana_with_open_queja(agent)
    tijuana = user_create(
        "asesor_tj", "agent", TEST_PASSWORD, UserPlacement(office_code="CESI_TIJUANA")
    )
    case_create(
        CaseInput(
            service="SALDO_CREDITO",
            channel="CESI",
            office="CESI_TIJUANA",
            contact=ContactInput(nss=ANA_NSS),
            description="Saldo.",
            resolution="Se informó el saldo.",
        ),
        Actor(user=tijuana),
        NOW,
    )

    # When the Benito Juárez agent opens her card
    response = logged_in(agent).get(f"{NEW_URL}contactos/{mine.contact_id}/")

    # Then only the case of their office is listed
    cases = response.context["cases"]
    assert [case.folio for case in cases.open] == [mine.folio]
    assert cases.past == []
    # While a national supervisor sees both
    national = logged_in(supervisor).get(f"{NEW_URL}contactos/{mine.contact_id}/").context["cases"]
    assert len(national.open) + len(national.past) == 2


def test_saving_for_a_picked_contact_reuses_it_and_reports_the_duplicate(agent, frozen_now):
    earlier = _ana_with_open_queja(agent)
    client = logged_in(agent)

    # When the agent registers the same service again for the picked contact, typing no names
    response = client.post(
        NEW_URL,
        form_body(
            contact_id=str(earlier.contact_id),
            nss="",
            given_names="",
            first_surname="",
            contact_type=None,  # the picked contact's form shows no type
        ),
    )

    # Then the new case belongs to the same contact and the page warns of the open duplicate
    assert response.status_code == 302
    assert Contact.objects.count() == 1
    newest = Case.objects.exclude(pk=earlier.pk).get()
    assert newest.contact_id == earlier.contact_id
    html = client.get(response["Location"]).content.decode()
    assert "El contacto ya tenía un caso abierto de este mismo servicio" in html


def test_the_contact_search_finds_by_nss_and_by_name_masked(agent):
    contact_upsert(
        ContactInput(given_names="Ana", first_surname="Pérez", nss=ANA_NSS, curp=ANA_CURP)
    )
    client = logged_in(agent)

    by_nss = client.get(f"{NEW_URL}contactos/", {"contact_q": "9291-908-4431"}).context[
        "contact_results"
    ]
    by_name = client.get(f"{NEW_URL}contactos/", {"contact_q": "pérez ana"})

    assert [row.name for row in by_nss] == ["Ana Pérez"]
    assert [(row.nss, row.curp) for row in by_name.context["contact_results"]] == [
        ("*******4431", "**************XN09")
    ]
    assert ANA_CURP not in by_name.content.decode()


# --- Anonymous denuncia and first-contact resolution ---------------------------------------------


def test_an_anonymous_denuncia_is_registered_without_a_contact(agent, frozen_now):
    # When the agent registers an anonymous denuncia, even with contact data typed
    response = logged_in(agent).post(
        NEW_URL,
        form_body(
            service="DENUNCIA_COYOTES",
            anonymous="on",
            sealed_reporter_identity="Juan, 55 1234 5678",
        ),
    )

    # Then the case has no contact and keeps the sealed identity
    assert response.status_code == 302
    case = _only_case()
    assert case.anonymous is True
    assert case.contact is None
    assert case.sealed_reporter_identity == "Juan, 55 1234 5678"
    assert Contact.objects.count() == 0


def test_anonymity_is_refused_beside_its_checkbox_for_a_queja(agent):
    # When the agent marks a queja as anonymous
    response = logged_in(agent).post(NEW_URL, form_body(anonymous="on"))

    # Then nothing is created and the refusal is shown beside the checkbox, still checked
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert response.context["form"].errors["anonymous"] == ["Sólo una denuncia puede ser anónima."]
    html = response.content.decode()
    assert re.search(r'<input type="checkbox" name="anonymous"[^>]*checked', html)


def test_a_first_contact_resolution_creates_the_case_resolved(agent, frozen_now):
    client = logged_in(agent)

    # When the agent resolves a balance inquiry while the citizen is there
    response = client.post(
        NEW_URL, form_body(service="SALDO_CREDITO", resolution="Se informó el saldo al día.")
    )

    # Then the case is created already resolved, under the service's owning area, unrouted
    case = _only_case()
    assert case.status == "resolved"
    assert case.resolution == "Se informó el saldo al día."
    assert case.area_id == case.service.area_id
    assert case.resolved_at == NOW
    # And the acuse says so with the answer given
    html = client.get(response["Location"]).content.decode()
    assert "Caso registrado y resuelto en el primer contacto" in html
    assert "Se informó el saldo al día." in html


def test_a_resolution_is_refused_for_a_service_without_first_contact_resolution(agent):
    response = logged_in(agent).post(NEW_URL, form_body(resolution="Ya quedó."))

    assert response.status_code == 400
    assert response.context["form"].errors["resolution"] == [
        "Este servicio no se puede resolver en el primer contacto."
    ]
    assert "Ya quedó.</textarea>" in response.content.decode()


def test_a_supervisor_registers_too(supervisor, frozen_now):
    response = logged_in(supervisor).post(NEW_URL, form_body())

    assert response.status_code == 302
    assert _only_case().created_by_user == supervisor


def test_a_case_without_any_contact_data_is_refused_in_the_contact_section(agent):
    # When the agent saves a queja with every contact field empty
    empty = dict.fromkeys(
        ("nss", "given_names", "first_surname", "second_surname", "email", "phone"), ""
    )
    response = logged_in(agent).post(NEW_URL, form_body(**empty))

    # Then the refusal is shown in the contact section and nothing is created
    assert response.status_code == 400
    assert response.context["form"].contact_errors == ["Indique los datos del contacto."]
    html = response.content.decode()
    assert re.search(
        r'id="contact-errors" role="alert"><div>Indique los datos del contacto\.', html
    )
    assert Case.objects.count() == 0


def test_a_picked_contact_without_nss_or_curp_is_reused_not_duplicated(agent, frozen_now):
    # Given a contact on file with a name and phone only (no identifier to be found by)
    rosa = Contact.objects.create(given_names="Rosa", first_surname="Luna", phone="5512345678")
    client = logged_in(agent)

    # When the agent picks her and registers a case, typing only an e-mail
    response = client.post(
        NEW_URL,
        form_body(
            contact_id=str(rosa.pk),
            nss="",
            given_names="",
            first_surname="",
            email="rosa@example.com",
            contact_type=None,
        ),
    )

    # Then the case is hers, completed with the e-mail, and no second Rosa exists
    assert response.status_code == 302
    assert Contact.objects.count() == 1
    assert _only_case().contact_id == rosa.pk
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.com"


def test_the_menu_offers_registration_to_those_who_may_register(agent, supervisor, area_staff):
    for user, offered in ((agent, True), (supervisor, True), (area_staff, False)):
        html = logged_in(user).get("/casos/").content.decode()
        assert (f'href="{NEW_URL}"' in html) is offered, user.username
