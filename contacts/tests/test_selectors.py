"""Finding a contact: exact identifiers, names by word prefixes, never merged records or vague text."""

import pytest

from contacts.models import Contact
from contacts.selectors import contact_search, mask_identifier
from contacts.services import ContactInput, contact_upsert

pytestmark = pytest.mark.django_db

ANA_NSS = "92919084431"
ANA_CURP = "BOXW310820HNERXN09"


def _ana() -> Contact:
    return contact_upsert(
        ContactInput(
            given_names="Ana María",
            first_surname="Pérez",
            second_surname="López",
            nss=ANA_NSS,
            curp=ANA_CURP,
        )
    ).contact


def test_an_nss_is_found_exactly_whatever_its_spacing():
    ana = _ana()

    assert list(contact_search("9291 908-4431")) == [ana]
    assert list(contact_search("92919084432")) == []


def test_a_curp_is_found_exactly_in_any_case():
    ana = _ana()

    assert list(contact_search(ANA_CURP.lower())) == [ana]


def test_a_name_needs_two_words_each_the_start_of_a_name_or_surname():
    ana = _ana()
    contact_upsert(ContactInput(given_names="Pedro", first_surname="Pérez", nss="00000000018"))

    assert list(contact_search("pérez ma")) == [ana]
    assert list(contact_search("lóp ana")) == [ana]
    assert list(contact_search("Pérez")) == []  # one word: too vague for a national base
    assert list(contact_search("érez ana")) == []  # not a prefix


def test_a_merged_away_contact_is_not_found():
    ana = _ana()
    duplicate = Contact.objects.create(given_names="Ana", first_surname="Pérez", merged_into=ana)

    assert duplicate not in list(contact_search("Pérez Ana"))


def test_only_the_last_four_characters_of_an_identifier_are_shown():
    assert mask_identifier(ANA_NSS) == "*******4431"
    assert mask_identifier(ANA_CURP) == "**************XN09"
    assert mask_identifier(None) == ""
    assert mask_identifier("") == ""


def test_a_name_is_found_whatever_the_accents_and_case_typed():
    ana = _ana()  # Ana María Pérez López
    muñoz = contact_upsert(
        ContactInput(given_names="José Ángel", first_surname="Muñoz", nss="00000000018")
    ).contact

    assert list(contact_search("PEREZ maria")) == [ana]
    assert list(contact_search("munoz jose")) == [muñoz]
    assert list(contact_search("Muñóz ÁNGEL")) == [muñoz]
    assert list(contact_search("-- ..")) == []  # nothing left of the words: too vague


def test_the_searchable_name_follows_every_change_of_the_names():
    ana = _ana()
    ana.second_surname = "Núñez"
    ana.save(update_fields=["second_surname"])

    assert list(contact_search("perez nunez")) == [ana]
    assert list(contact_search("perez lopez")) == []
