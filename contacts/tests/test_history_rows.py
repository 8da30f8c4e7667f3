"""A contact's history rows are those simple-history writes, with its manager class built once.

`infonavit_atencion.core.history.HistoricalRecords` only caches the class that the library's
`HistoryDescriptor` rebuilt on every `contact.history`; these tests write the same changes
through the library's own descriptor and through ours and compare every column.
"""

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from simple_history.manager import HistoryDescriptor

from contacts.models import Contact
from contacts.services import ContactEditor, ContactInput, contact_upsert
from infonavit_atencion.core.history import CachedHistoryDescriptor

pytestmark = pytest.mark.django_db

NSS = "92919084431"
CURP = "BOXW310820HNERXN09"
AT = dt.datetime(2026, 12, 7, 16, 30, tzinfo=dt.UTC)
HistoricalContact = Contact.history.model  # type: ignore[attr-defined]


class _Rolledback(Exception):
    pass


def _rows_written(agent: Any) -> list[dict[str, Any]]:
    """Create a contact from the API, then update it from a staff intake; the rows it leaves."""
    rows: list[dict[str, Any]] = []
    with pytest.raises(_Rolledback), transaction.atomic():
        contact_upsert(
            ContactInput(given_names="Ana", first_surname="Pérez", nss=NSS, phone="5512345678"),
            editor=ContactEditor(label="Registro de caso por la API: portal"),
        )
        contact_upsert(
            ContactInput(given_names="Ana", first_surname="Pérez", nss=NSS, curp=CURP),
            editor=ContactEditor(user=agent, label="Registro de caso"),
        )
        contact_id = Contact.objects.get().pk
        for row in HistoricalContact.objects.order_by("history_id").values():
            del row["history_id"]
            assert row.pop("id") == contact_id
            rows.append(row)
        raise _Rolledback  # leave nothing behind for the other run
    return rows


def test_the_history_rows_are_those_the_library_writes(agent, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: AT)
    ours = _rows_written(agent)

    descriptor = Contact.__dict__["history"]
    monkeypatch.setattr(
        Contact,
        "history",
        HistoryDescriptor(
            descriptor.model, manager=descriptor.manager_class, queryset=descriptor.queryset_class
        ),
    )
    library = _rows_written(agent)

    assert ours == library
    assert [
        (r["history_type"], r["history_user_id"], r["history_change_reason"]) for r in ours
    ] == [
        ("+", None, "Registro de caso por la API: portal"),
        ("~", agent.pk, "Registro de caso"),
    ]
    assert {r["history_date"] for r in ours} == {AT}
    assert (ours[1]["curp"], ours[1]["phone"], ours[1]["nss"]) == (CURP, "5512345678", NSS)


def test_the_manager_class_is_built_once_and_behaves_as_the_library_s():
    descriptor = Contact.__dict__["history"]
    assert isinstance(descriptor, CachedHistoryDescriptor)
    ana = Contact.objects.create(given_names="Ana", first_surname="Pérez")
    ana.email = "ana@example.com"
    ana.save()

    assert type(ana.history) is type(Contact.history)  # type: ignore[attr-defined]
    assert type(ana.history) is type(ana.history)  # type: ignore[attr-defined]
    assert ana.history.instance == ana  # type: ignore[attr-defined]
    assert list(ana.history.values_list("history_type", flat=True)) == ["~", "+"]  # type: ignore[attr-defined]
    assert ana.history.most_recent().email == "ana@example.com"  # type: ignore[attr-defined]
    assert Contact.history.as_of(timezone.now()).get().pk == ana.pk  # type: ignore[attr-defined]
    assert ana.history.latest_of_each().count() == 1  # type: ignore[attr-defined]
