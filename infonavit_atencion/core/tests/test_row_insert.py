"""Rows written without `Model.save()` are the rows `save()` writes (ADR 0020,
`core.row_insert` and `core.history.insert_with_history`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.models import AutoField
from django.db.models.signals import post_save
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from cases.events import Actor
from cases.models import CaseEvent
from contacts.models import Contact
from infonavit_atencion.core import row_insert
from infonavit_atencion.core.history import insert_with_history
from tests.support.cases import make_case
from tests.support.reference import _restore_reference_data, reference_data  # noqa: F401

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not row_insert.available(), reason="PostgreSQL's statements (CI runs it)"),
]

STAMPED = object()  # a value of auto_now / auto_now_add, not compared
# What differs between two rows written a moment apart, compared on its own below.
HISTORY_META = ("id", "history_id", "history_date", "created_at", "updated_at")


def _contact(**overrides: Any) -> Contact:
    values = {
        "nss": None,
        "given_names": "María José",
        "first_surname": "Núñez",
        "second_surname": "Ávila",
        "email": "mj@example.com",
        "phone": "5512345678",
    }
    return Contact(**{**values, **overrides})


def _row(contact: Contact) -> dict[str, Any]:
    fresh = Contact.objects.get(pk=contact.pk)
    return {k: v for k, v in model_to_dict(fresh).items() if k != "id"} | {
        "search_name": fresh.search_name
    }


def _history(contact: Contact) -> list[dict[str, Any]]:
    rows = Contact.history.filter(id=contact.pk).values()
    return [{k: v for k, v in row.items() if k not in HISTORY_META} for row in rows]


def test_a_contact_and_its_history_row_are_the_rows_save_writes():
    by_save = _contact(nss="12345678903")
    by_save._change_reason = "Registro de caso"  # type: ignore[attr-defined]
    by_save.save()
    fast = _contact(nss="72977563817")
    fast._change_reason = "Registro de caso"  # type: ignore[attr-defined]
    fast.search_name_refresh()

    with CaptureQueriesContext(connection) as queries:
        insert_with_history(fast)

    assert len(queries.captured_queries) == 1  # the contact and its history: one statement
    assert fast.pk is not None and not fast._state.adding
    assert {**_row(fast), "nss": None} == {**_row(by_save), "nss": None}
    assert [{**h, "nss": None} for h in _history(fast)] == [
        {**h, "nss": None} for h in _history(by_save)
    ]
    (history,) = Contact.history.filter(id=fast.pk)
    assert (history.history_type, history.history_change_reason) == ("+", "Registro de caso")
    assert history.created_at == fast.created_at == Contact.objects.get(pk=fast.pk).created_at


def test_the_history_row_names_the_user_and_date_given():
    user = User.objects.create_user("editora")
    at = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    contact = _contact()
    contact._history_user = user  # type: ignore[attr-defined]
    contact._history_date = at  # type: ignore[attr-defined]
    contact.search_name_refresh()

    insert_with_history(contact)

    (history,) = Contact.history.filter(id=contact.pk)
    assert (history.history_user, history.history_date) == (user, at)


def test_no_history_row_when_history_is_off(settings):
    skipped = _contact()
    skipped.skip_history_when_saving = True  # type: ignore[attr-defined]
    insert_with_history(skipped)
    settings.SIMPLE_HISTORY_ENABLED = False
    disabled = _contact(given_names="Luz")
    insert_with_history(disabled)

    assert Contact.objects.filter(pk__in=[skipped.pk, disabled.pk]).count() == 2
    assert not Contact.history.filter(id__in=[skipped.pk, disabled.pk]).exists()


def test_a_model_with_a_save_receiver_is_refused():
    heard: list[Any] = []

    def receiver(**kwargs: Any) -> None:
        heard.append(kwargs)

    post_save.connect(receiver, sender=Group)
    try:
        with pytest.raises(RuntimeError, match="receivers"):
            row_insert.row_insert(Group(name="Supervisores"))
    finally:
        post_save.disconnect(receiver, sender=Group)
    assert not Group.objects.exists()
    row_insert.row_insert(Group(name="Supervisores"))  # none listening now
    assert Group.objects.get().name == "Supervisores"


def test_several_rows_go_in_one_insert_in_order_and_several_statements_in_one_round_trip():
    names = ["primero", "segundo", "tercero"]
    rows = row_insert.insert_statement([Group(name=name) for name in names], returning=False)
    count = row_insert.Statement("SELECT count(*) FROM auth_group", ())

    with CaptureQueriesContext(connection) as queries:
        returned = row_insert.statements_execute([rows, count])

    assert len(queries.captured_queries) == 1
    assert returned == [(3,)]
    assert list(Group.objects.order_by("id").values_list("name", flat=True)) == names


def test_a_saved_row_is_not_inserted_again():
    group = Group.objects.create(name="Agentes")
    with pytest.raises(ValueError, match="new rows"):
        row_insert.insert_statement([group])


def test_one_row_inserts_run_prepared_and_one_text_twice_in_a_message_is_prepared_once():
    first, second = (
        row_insert.insert_statement([Group(name=name)], returning=False) for name in ("uno", "dos")
    )
    batch = row_insert.insert_statement([Group(name="a"), Group(name="b")], returning=False)
    assert first.prepare and first.sql == second.sql
    assert not batch.prepare  # its text grows with its rows

    with CaptureQueriesContext(connection) as queries:
        row_insert.statements_execute([first, second])
        row_insert.statements_execute(
            [row_insert.insert_statement([Group(name="tres")], returning=False)]
        )

    sent, again = (query["sql"] for query in queries.captured_queries)
    assert sent.count("PREPARE ") <= 1 and sent.count("EXECUTE ") == 2
    assert again.startswith("EXECUTE ")
    assert sorted(Group.objects.values_list("name", flat=True)) == ["dos", "tres", "uno"]


def test_with_prepared_statements_off_the_inserts_are_sent_as_text(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False  # behind pgbouncer in transaction mode

    with CaptureQueriesContext(connection) as queries:
        row_insert.statements_execute(
            [row_insert.insert_statement([Group(name="cuatro")], returning=False)]
        )
        row_insert.row_insert(Group(name="cinco"))

    sent = [query["sql"] for query in queries.captured_queries]
    assert len(sent) == 2 and all(sql.startswith('INSERT INTO "auth_group"') for sql in sent)
    assert sorted(Group.objects.values_list("name", flat=True)) == ["cinco", "cuatro"]


def _unsaved(row: Any) -> Any:
    """A new instance of `row`'s model with `row`'s values (primary key aside)."""
    model = type(row)
    return model(
        **{
            field.attname: getattr(row, field.attname)
            for field in model._meta.concrete_fields
            if not field.primary_key
        }
    )


def _djangos_values(row: Any) -> list[Any]:
    """What Django's own insert sends for each column `insert_statement` writes, but for the
    fields that stamp the time (auto_now, auto_now_add: those differ by the microsecond)."""
    values = []
    for field in row._meta.local_concrete_fields:
        if field.primary_key and isinstance(field, AutoField):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append(STAMPED)
            continue
        values.append(field.get_db_prep_save(field.pre_save(row, add=True), connection))
    return values


def _comparable(value: Any) -> tuple[type, Any]:
    """The type and value sent (a JSON adapter compares by the value it wraps)."""
    return type(value), getattr(value, "adapted", value)


def test_every_value_sent_is_the_one_djangos_insert_sends(agent):
    saved = make_case(Actor(user=agent))  # routed: directorate, area, every instant set
    rows = [_unsaved(saved), _unsaved(CaseEvent.objects.filter(case=saved).first())]
    for row in rows:
        expected = _djangos_values(_unsaved(row))

        sent = row_insert.insert_statement([row], returning=False).params

        assert len(sent) == len(expected)
        compared = [(s, e) for s, e in zip(sent, expected, strict=True) if e is not STAMPED]
        assert [_comparable(s) for s, _ in compared] == [_comparable(e) for _, e in compared]


def test_a_naive_datetime_is_made_aware_as_djangos_insert_does(agent):
    event = _unsaved(CaseEvent.objects.filter(case=make_case(Actor(user=agent))).first())
    event.at = dt.datetime(2026, 12, 7, 10, 0)  # naive, as under test

    with pytest.warns(RuntimeWarning, match="naive datetime"):
        params = row_insert.insert_statement([event], returning=False).params

    (at,) = [value for value in params if isinstance(value, dt.datetime)]
    assert at.utcoffset() is not None
