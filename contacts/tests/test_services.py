"""contact_upsert: a picked record is used even without identifiers, never a stranger's."""

import pytest

from contacts.details import ContactDetails
from contacts.models import Contact
from contacts.services import ContactEditor, ContactInput, contact_upsert
from infonavit_atencion.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

NSS = "92919084431"


def test_a_picked_contact_without_identifiers_is_completed_not_duplicated():
    # Given a contact registered once with a name and a phone only
    rosa = Contact.objects.create(given_names="Rosa", first_surname="Luna", phone="5512345678")

    # When staff pick her and add her NSS and e-mail
    result = contact_upsert(
        ContactInput(
            given_names="Rosa",
            first_surname="Luna",
            nss=NSS,
            email="rosa@example.com",
            contact_id=rosa.pk,
        )
    )

    # Then the same record is completed and no other contact exists
    assert (result.contact.pk, result.created) == (rosa.pk, False)
    rosa.refresh_from_db()
    assert (rosa.nss, rosa.email) == (NSS, "rosa@example.com")
    assert Contact.objects.count() == 1


def test_a_picked_contact_cannot_take_an_nss_that_belongs_to_someone_else():
    # Given two contacts, one holding the NSS
    holder = Contact.objects.create(given_names="Ana", first_surname="Pérez", nss=NSS)
    rosa = Contact.objects.create(given_names="Rosa", first_surname="Luna")

    # When staff pick Rosa and type Ana's NSS
    with pytest.raises(ValidationFailed) as refused:
        contact_upsert(
            ContactInput(given_names="Rosa", first_surname="Luna", nss=NSS, contact_id=rosa.pk)
        )

    # Then it is refused on the NSS field and nothing changed
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("contact.nss", "identity_conflict")
    ]
    rosa.refresh_from_db()
    assert rosa.nss is None
    assert Contact.objects.get(nss=NSS) == holder


def test_a_merged_contact_cannot_be_picked():
    survivor = Contact.objects.create(given_names="Ana", first_surname="Pérez")
    merged = Contact.objects.create(given_names="Ana", first_surname="Perez", merged_into=survivor)

    with pytest.raises(ValidationFailed) as refused:
        contact_upsert(ContactInput(given_names="Ana", first_surname="Perez", contact_id=merged.pk))

    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("contact.contact_id", "not_found")
    ]


# --- Who may change the base (SPEC §8) ----------------------------------------------------------

CURP = "BOXW310820HNERXN09"


def _ana() -> Contact:
    return Contact.objects.create(
        given_names="Ana",
        first_surname="Pérez",
        nss=NSS,
        email="ana@example.com",
        phone="5512345678",
    )


def test_without_update_a_found_contact_is_linked_unchanged_and_the_details_are_those_sent():
    ana = _ana()
    sent = ContactInput(
        given_names="Otra", first_surname="Persona", nss=NSS, curp=CURP, email="x@example.com"
    )

    result = contact_upsert(sent, update=False)

    assert (result.contact.pk, result.created) == (ana.pk, False)
    ana.refresh_from_db()
    assert (ana.curp, ana.email, ana.phone, ana.given_names) == (
        None,
        "ana@example.com",
        "5512345678",
        "Ana",
    )
    assert result.details == ContactDetails(
        given_names="Otra",
        first_surname="Persona",
        type="derechohabiente",
        nss=NSS,
        curp=CURP,
        email="x@example.com",
    )
    assert list(ana.history.values_list("history_type", flat=True)) == ["+"]  # type: ignore[attr-defined]


def test_without_update_a_contact_not_found_is_created_from_what_was_sent():
    result = contact_upsert(
        ContactInput(
            given_names=" Luis ", first_surname="Gómez", nss=NSS, email="luis@example.com"
        ),
        update=False,
        editor=ContactEditor(label="Registro de caso por la API: portal"),
    )

    assert result.created
    luis = Contact.objects.get()
    assert (luis.given_names, luis.nss, luis.email) == ("Luis", NSS, "luis@example.com")
    assert result.details == ContactDetails(
        given_names="Luis",
        first_surname="Gómez",
        type="derechohabiente",
        nss=NSS,
        email="luis@example.com",
    )
    created = luis.history.get()  # type: ignore[attr-defined]
    assert (created.history_type, created.history_change_reason) == (
        "+",
        "Registro de caso por la API: portal",
    )


def test_with_update_the_record_is_completed_logged_and_fills_what_was_not_sent(agent):
    ana = _ana()

    result = contact_upsert(
        ContactInput(
            given_names="Ana", first_surname="Pérez", nss=NSS, curp=CURP, email="nuevo@example.com"
        ),
        editor=ContactEditor(user=agent, label="Registro de caso"),
    )

    ana.refresh_from_db()
    assert (ana.curp, ana.email, ana.phone) == (CURP, "nuevo@example.com", "5512345678")
    assert result.details.phone == "5512345678"  # not sent: the record's
    assert result.details.email == "nuevo@example.com"
    change = ana.history.order_by("-history_id").first()  # type: ignore[attr-defined]
    assert (change.history_type, change.history_user, change.history_change_reason) == (
        "~",
        agent,
        "Registro de caso",
    )
    assert change.prev_record.email == "ana@example.com"
