"""contact_upsert: a picked record is used even without identifiers, never a stranger's."""

import pytest

from contacts.models import Contact
from contacts.services import ContactInput, contact_upsert
from infonavit_atencion.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

NSS = "92919084431"


def test_a_picked_contact_without_identifiers_is_completed_not_duplicated():
    # Given a contact registered once with a name and a phone only
    rosa = Contact.objects.create(given_names="Rosa", first_surname="Luna", phone="5512345678")

    # When staff pick her and add her NSS and e-mail
    result = contact_upsert(
        ContactInput(given_names="Rosa", first_surname="Luna", nss=NSS, email="rosa@example.com", contact_id=rosa.pk)
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
        contact_upsert(ContactInput(given_names="Rosa", first_surname="Luna", nss=NSS, contact_id=rosa.pk))

    # Then it is refused on the NSS field and nothing changed
    assert [(e.field, e.code) for e in refused.value.errors] == [("contact.nss", "identity_conflict")]
    rosa.refresh_from_db()
    assert rosa.nss is None
    assert Contact.objects.get(nss=NSS) == holder


def test_a_merged_contact_cannot_be_picked():
    survivor = Contact.objects.create(given_names="Ana", first_surname="Pérez")
    merged = Contact.objects.create(given_names="Ana", first_surname="Perez", merged_into=survivor)

    with pytest.raises(ValidationFailed) as refused:
        contact_upsert(ContactInput(given_names="Ana", first_surname="Perez", contact_id=merged.pk))

    assert [(e.field, e.code) for e in refused.value.errors] == [("contact.contact_id", "not_found")]
