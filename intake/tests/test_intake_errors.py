"""One submit shows every mistake of the intake form, beside its field, in plain words."""

import re

import pytest

from cases.models import Case
from infonavit_atencion.core.errors import FieldError, ValidationFailed
from intake.checks import friendly_message
from intake.forms import IntakeForm
from tests.support.intake import NEW_URL, form_body, logged_in

pytestmark = pytest.mark.django_db


def test_an_empty_form_shows_every_error_at_once_and_keeps_what_was_typed(agent):
    # When the agent saves with no service, no description and no contact, but a subject typed
    empty_contact = dict.fromkeys(
        ("nss", "given_names", "first_surname", "second_surname", "email", "phone"), ""
    )
    response = logged_in(agent).post(
        NEW_URL, form_body(service="", description="", subject="Cita perdida", **empty_contact)
    )

    # Then nothing is created and every mistake is shown in the same answer
    assert response.status_code == 400
    assert Case.objects.count() == 0
    form = response.context["form"]
    assert form.errors["service"] == ["Elija un servicio."]
    assert form.errors["description"] == ["Describa el caso."]
    assert form.contact_errors == ["Indique los datos del contacto."]
    html = response.content.decode()
    # the summary above the form lists them, each a link to its field
    summary = html[html.index('id="form-errors"') : html.index('id="intake-form"')]
    assert '<a href="#id_service">Servicio: Elija un servicio.</a>' in summary
    assert '<a href="#id_description">Descripción: Describa el caso.</a>' in summary
    assert '<a href="#contact-errors">Indique los datos del contacto.</a>' in summary
    # beside the fields, and what was typed is still there
    assert re.search(
        r'id="service-feedback"[^>]*><div class="invalid-feedback d-block">Elija', html
    )
    assert 'value="Cita perdida"' in html
    assert "El servicio «»" not in html


def test_identifier_and_case_errors_come_together(agent):
    response = logged_in(agent).post(NEW_URL, form_body(nss="92919084432", description=""))

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["nss"] == [
        "El dígito verificador del NSS no es correcto; revise que esté bien escrito."
    ]
    assert form.errors["description"] == ["Describa el caso."]
    assert Case.objects.count() == 0


def test_a_presencial_case_without_office_asks_for_the_office(agent):
    response = logged_in(agent).post(NEW_URL, form_body(office=""))

    assert response.status_code == 400
    assert response.context["form"].errors["office"] == [
        "Elija la oficina donde se atiende al ciudadano."
    ]
    assert Case.objects.count() == 0


def test_a_service_that_does_not_exist_asks_to_pick_one_from_the_list(agent):
    response = logged_in(agent).post(NEW_URL, form_body(service="NO_EXISTE"))

    assert response.status_code == 400
    assert response.context["form"].errors["service"] == ["Elija un servicio de la lista."]


def test_an_exceptional_case_needs_its_instrument_in_the_same_submit(agent):
    response = logged_in(agent).post(
        NEW_URL, form_body(channel="ESCRITO", office="", service="CASO_NO_PREVISTO", description="")
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["description"] == ["Describa el caso."]
    assert form.errors["instrument_reference"] == [
        "Un caso no previsto requiere la resolución, dictamen o recomendación que lo instruye."
    ]


def test_a_refusal_from_case_create_is_reworded_beside_its_field(agent):
    # A refusal that only the service layer can give (say, the service was retired between
    # the form's check and the save) is put beside its field in the agent's words.
    form = IntakeForm(form_body(), user=agent)
    form.is_valid()
    form.add_application_error(
        ValidationFailed.single("service", "does_not_exist", "El servicio «X» no existe.")
    )
    form.add_application_error(
        ValidationFailed.single("office", "not_served", "La oficina A no atiende el canal B.")
    )

    assert form.errors["service"] == ["Elija un servicio de la lista."]
    assert form.errors["office"] == [
        "La oficina elegida no atiende este canal: elija otra oficina o cambie el canal."
    ]


def test_unknown_codes_keep_the_domain_message():
    assert friendly_message(FieldError("description", "required", "Describa el caso.")) == (
        "Describa el caso."
    )
