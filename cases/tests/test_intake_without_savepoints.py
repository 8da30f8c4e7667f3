"""Intake under an Idempotency-Key runs without savepoints (issue 17): a refusal after the
contact was written still leaves nothing behind, and the key stays free for a corrected retry."""

import pytest

from cases.models import Case, IdempotencyKey
from contacts.models import Contact
from tests.support.cases import READ_WRITE, client_for, payload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "contact",
    [
        {"given_names": "Rosa", "first_surname": "Nava"},  # nothing unique: no savepoint at all
        {"given_names": "Rosa", "first_surname": "Nava", "nss": "92919084431"},
    ],
)
def test_a_refusal_after_the_contact_is_written_rolls_everything_back(contact):
    api, _ = client_for("Portal", READ_WRITE)
    first = api.post(
        "/api/v1/cases/",
        payload(contact=contact, external_reference="REF-1"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert first.status_code == 201
    contacts = Contact.objects.count()

    # The same external reference is refused after the (new) contact was inserted
    other = {**contact, "given_names": "Otra persona"}
    other.pop("nss", None)
    refused = api.post(
        "/api/v1/cases/",
        payload(contact=other, external_reference="REF-1"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )

    assert refused.status_code == 409
    assert Contact.objects.count() == contacts
    assert Case.objects.count() == 1
    assert not IdempotencyKey.objects.filter(key="k-2").exists()
    retry = api.post(
        "/api/v1/cases/",
        payload(contact=other, external_reference="REF-2"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert retry.status_code == 201
    assert Case.objects.count() == 2
