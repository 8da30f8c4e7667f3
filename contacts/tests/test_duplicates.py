"""Finding duplicate contacts (issue 19, item 11): by NSS, by CURP, by name and birth date."""

import datetime as dt

import pytest

from contacts.duplicates import (
    NAME_BIRTH,
    NAME_NO_CURP,
    PICKED,
    SAME_CURP,
    SAME_NSS,
    contact_duplicates,
    duplicate_pairs,
)
from contacts.models import Contact

pytestmark = pytest.mark.django_db

NSS = "92919084431"
CURP = "GAPA050101MDFRRNA3"  # born 1 January 2005
TWIN_CURP = "GAPA050101MDFRRNB1"  # same birth date, another person's CURP
OLD_CURP = "PELA310820MDFRRN07"  # born 20 August 1931


@pytest.fixture
def ana_twice() -> tuple[Contact, Contact]:
    """Ana registered once by NSS and once by CURP."""
    by_nss = Contact.objects.create(given_names="Ana", first_surname="Pérez", nss=NSS)
    by_curp = Contact.objects.create(given_names="Ana María", first_surname="Perez", curp=CURP)
    return by_nss, by_curp


def _found(candidates) -> list[tuple[int, str]]:
    return [(c.contact.pk, c.reason) for c in candidates]


def test_by_curp_finds_its_holder_and_the_record_of_the_same_name_without_curp(
    ana_twice, django_assert_max_num_queries
):
    by_nss, by_curp = ana_twice
    Contact.objects.create(given_names="Ana", first_surname="Pérez", curp=OLD_CURP)  # other date
    Contact.objects.create(given_names="Luis", first_surname="Pérez")  # other name

    with django_assert_max_num_queries(3):
        candidates = contact_duplicates(curp=CURP)

    assert _found(candidates) == [(by_curp.pk, SAME_CURP), (by_nss.pk, NAME_NO_CURP)]
    pairs = duplicate_pairs(candidates)
    assert [(p.source.pk, p.target.pk, p.mergeable) for p in pairs] == [
        (by_nss.pk, by_curp.pk, True)
    ]


def test_by_nss_and_curp_finds_both_holders_into_the_nss_one(ana_twice):
    by_nss, by_curp = ana_twice

    candidates = contact_duplicates(nss=NSS, curp=CURP)

    assert _found(candidates) == [(by_nss.pk, SAME_NSS), (by_curp.pk, SAME_CURP)]
    assert [(p.source.pk, p.target.pk) for p in duplicate_pairs(candidates)] == [
        (by_curp.pk, by_nss.pk)
    ]


def test_by_name_and_birth_date_and_a_different_curp_is_not_mergeable(ana_twice):
    by_nss, by_curp = ana_twice
    twin = Contact.objects.create(given_names="Ana", first_surname="Pérez", curp=TWIN_CURP)
    Contact.objects.create(given_names="Ana", first_surname="Pérez", curp=OLD_CURP)

    candidates = contact_duplicates(name="perez ana", birth_date=dt.date(2005, 1, 1))

    assert sorted(_found(candidates)) == sorted(
        [(by_nss.pk, NAME_NO_CURP), (by_curp.pk, NAME_BIRTH), (twin.pk, NAME_BIRTH)]
    )
    mergeable = {(p.source.pk, p.target.pk): p.mergeable for p in duplicate_pairs(candidates)}
    assert mergeable == {
        (by_curp.pk, by_nss.pk): True,
        (twin.pk, by_nss.pk): True,
        (twin.pk, by_curp.pk): False,  # two CURPs: two people until one is corrected
    }


def test_a_name_without_birth_date_finds_nothing(ana_twice):
    assert contact_duplicates(name="Pérez Ana") == []


def test_merged_away_records_are_never_candidates(ana_twice):
    by_nss, by_curp = ana_twice
    Contact.objects.create(given_names="Ana", first_surname="Pérez", merged_into=by_nss)

    assert _found(contact_duplicates(curp=CURP)) == [
        (by_curp.pk, SAME_CURP),
        (by_nss.pk, NAME_NO_CURP),
    ]


def test_from_a_cases_contact_finds_the_other_record(ana_twice):
    by_nss, by_curp = ana_twice

    candidates = contact_duplicates(contact_id=by_curp.pk)

    assert _found(candidates) == [(by_curp.pk, PICKED), (by_nss.pk, NAME_NO_CURP)]
    assert [(p.source.pk, p.target.pk) for p in duplicate_pairs(candidates)] == [
        (by_nss.pk, by_curp.pk)
    ]
