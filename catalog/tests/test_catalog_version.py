"""The catalog's change token (catalog.CatalogVersion, issue 17): every way of changing a table
the catalog snapshot reads moves it in the writer's transaction — also the ones that write no
history — and a change rolled back leaves it as it was. On SQLite a migration that rebuilds one
of these tables drops its triggers; these tests fail until the migration creates them again."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.db.models import F, Model

from catalog.models import (
    Area,
    CatalogVersion,
    Directorate,
    Service,
    ServiceChannel,
    SlaPolicy,
)
from channels.models import (
    BusinessCalendar,
    CalendarException,
    CalendarInterval,
    Channel,
    Office,
)

pytestmark = pytest.mark.django_db

# The tables cases.catalog_cache reads (its TRACKED_MODELS; the offices' channels below).
TRACKED = (
    Service,
    ServiceChannel,
    SlaPolicy,
    Directorate,
    Area,
    Channel,
    Office,
    BusinessCalendar,
    CalendarInterval,
    CalendarException,
)


def _token() -> int | None:
    return CatalogVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def _moves(change: Callable[[], object]) -> bool:
    before = _token()
    change()
    after = _token()
    return after is not None and after != before


def _a_row(model: type[Model]) -> Model:
    row = model._default_manager.order_by("pk").first()
    if row is None:  # the reference data has no calendar exception
        row = CalendarException.objects.create(
            calendar=BusinessCalendar.objects.get(code="INSTITUCIONAL"),
            date=dt.date(2026, 12, 8),
            name="Cierre",
        )
    return row


@pytest.mark.parametrize("model", TRACKED, ids=lambda m: m.__name__)
def test_a_save_through_the_orm_moves_the_token(model):
    row = _a_row(model)
    assert _moves(row.save)


@pytest.mark.parametrize("model", TRACKED, ids=lambda m: m.__name__)
def test_a_queryset_update_moves_the_token(model):
    row = _a_row(model)
    assert _moves(lambda: model._default_manager.filter(pk=row.pk).update(id=F("id")))


@pytest.mark.parametrize("model", TRACKED, ids=lambda m: m.__name__)
def test_raw_sql_moves_the_token(model):
    row = _a_row(model)
    table = connection.ops.quote_name(model._meta.db_table)

    def touch() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET id = id WHERE id = %s", [row.pk])  # noqa: S608

    assert _moves(touch)


def test_inserts_and_deletes_move_the_token_with_or_without_history():
    assert _moves(lambda: Directorate.objects.create(code="NUEVA", name="Nueva"))
    assert _moves(lambda: Directorate.objects.get(code="NUEVA").delete())
    assert _moves(
        lambda: Directorate.objects.bulk_create([Directorate(code="MASIVA", name="Masiva")])
    )
    added = Directorate.objects.get(code="MASIVA").pk

    def raw_delete() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM catalog_directorate WHERE id = %s", [added])

    assert _moves(raw_delete)
    assert not Directorate.objects.filter(pk=added).exists()


def test_the_channels_an_office_serves_move_the_token():
    office = Office.objects.get(code="CESI_TIJUANA")
    cesi = Channel.objects.get(code="CESI")
    assert _moves(lambda: office.channels.remove(cesi))
    assert _moves(lambda: office.channels.add(cesi))
    assert _moves(lambda: office.channels.through.objects.filter(office=office).update(id=F("id")))
    through = connection.ops.quote_name(office.channels.through._meta.db_table)

    def raw(sql: str) -> Callable[[], None]:
        def run() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, [office.pk, cesi.pk])

        return run

    assert _moves(raw(f"DELETE FROM {through} WHERE office_id = %s AND channel_id = %s"))  # noqa: S608
    assert _moves(raw(f"INSERT INTO {through} (office_id, channel_id) VALUES (%s, %s)"))  # noqa: S608
    assert office.channels.filter(pk=cesi.pk).exists()


def test_a_change_rolled_back_leaves_the_token_as_it_was():
    Directorate.objects.first().save()  # the row exists, with a token
    before = _token()
    with pytest.raises(RuntimeError), transaction.atomic():
        Service.objects.update(name=F("name"))
        assert _token() != before  # seen inside the writer's transaction …
        raise RuntimeError
    assert _token() == before  # … and gone with it


@pytest.mark.postgres
def test_a_truncate_moves_the_token_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's (CI runs it)")
    _a_row(CalendarException)

    def truncate() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the insert's deferred FK check
            cursor.execute("TRUNCATE channels_calendarexception")

    assert _moves(truncate)
    assert not CalendarException.objects.exists()
