"""A model's rows INSERTed without the ORM's per-save machinery, for intake's hot path (ADR 0020).

`Model.save()` builds and compiles a new insert query every time: the column list, the
quoting and the placeholders are worked out again for each row, and the save signals are
sent. Intake writes five rows a request (issue 17). Here the statement's fixed text is worked
out once per model, and each row's values are read the way Django's insert reads them:
`Field.pre_save(instance, add=True)` (so `auto_now` and the like still apply), then
`get_db_prep_save`, or an expression's own SQL (`RawSQL`, such as the folio from its
sequence). What the database returns (the primary key, and any field with `db_returning`)
is set on the instance, which is then saved as far as Django is concerned.

No `pre_save`/`post_save` signal is sent: `insert_statement` refuses a model that has
receivers for them, so a listener added later cannot be skipped without a failing test. A
caller that writes what a receiver would have written in the same statement (the contact's
history row, `core.history.insert_with_history`) names that receiver as written.

The statements are plain SQL any backend takes; sending several in one round trip
(`statements_execute`) and the history's data-modifying WITH are PostgreSQL's, and intake
keeps `Model.save()` elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import AutoField, Field, Model
from django.db.models.expressions import DatabaseDefault, RawSQL
from django.db.models.signals import post_save, pre_save


@dataclass(frozen=True)
class Statement:
    """SQL text with its %s parameters."""

    sql: str
    params: tuple[Any, ...]


def available() -> bool:
    """Whether intake writes its rows through this module here (PostgreSQL: several statements
    in one round trip, a data-modifying WITH)."""
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class _Table:
    prefix: str  # INSERT INTO "table" ("a", "b", …) VALUES
    fields: tuple[Field, ...]  # in the column order of `prefix`
    returning: tuple[Field, ...]  # the primary key and every db_returning field, in field order
    returning_sql: str


@cache
def _table(model: type[Model]) -> _Table:
    meta = model._meta
    quote = connection.ops.quote_name
    fields = tuple(
        field
        for field in meta.local_concrete_fields
        if not (field.primary_key and isinstance(field, AutoField))
    )
    returning = tuple(
        field
        for field in meta.local_concrete_fields
        if field.primary_key or getattr(field, "db_returning", False)
    )
    columns = ", ".join(quote(field.column) for field in fields)
    return _Table(
        prefix=f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ",  # noqa: S608 - model metadata
        fields=fields,
        returning=returning,
        returning_sql=", ".join(quote(field.column) for field in returning),
    )


def _value_sql(field: Field, instance: Model) -> tuple[str, list[Any]]:
    value = field.pre_save(instance, add=True)
    if isinstance(value, DatabaseDefault):
        return "DEFAULT", []
    if isinstance(value, RawSQL):
        return value.sql, list(value.params)
    if hasattr(value, "resolve_expression"):
        raise TypeError(f"{field.name}: only RawSQL expressions are written here, not {value!r}")
    return "%s", [field.get_db_prep_save(value, connection)]


def _signals_check(model: type[Model], written: Sequence[Callable[..., Any]]) -> None:
    """Refuse a model whose save signals have receivers other than those in `written`."""
    for signal in (pre_save, post_save):
        sync_receivers, async_receivers = signal._live_receivers(model)
        others = [r for r in [*sync_receivers, *async_receivers] if r not in written]
        if others:
            raise RuntimeError(
                f"{model.__name__} has {signal!r} receivers {others!r}: save it with Model.save()"
            )


def insert_statement(
    instances: Sequence[Model],
    *,
    written: Sequence[Callable[..., Any]] = (),
    returning: bool = True,
) -> Statement:
    """One INSERT of `instances` (unsaved, one model, in this order) with their values now.

    `returning`: end with RETURNING the primary key and every `db_returning` column, one row
    per instance in order (`returned_set`). `written`: signal receivers whose work the caller
    does itself in the same statement.
    """
    model = type(instances[0])
    _signals_check(model, written)
    table = _table(model)
    rows, params = [], []
    for instance in instances:
        if type(instance) is not model or not instance._state.adding:
            raise ValueError("insert_statement takes new rows of one model")
        placeholders = []
        for field in table.fields:
            sql, field_params = _value_sql(field, instance)
            placeholders.append(sql)
            params.extend(field_params)
        rows.append(f"({', '.join(placeholders)})")
    sql = table.prefix + ", ".join(rows)
    if returning:
        sql += f" RETURNING {table.returning_sql}"
    return Statement(sql, tuple(params))


def returning_sql(model: type[Model]) -> str:
    """The columns `insert_statement` returns for `model`, in order, as SQL."""
    return _table(model).returning_sql


def returned_set(instance: Model, row: Sequence[Any]) -> None:
    """Set what the INSERT returned for `instance` (`insert_statement`'s RETURNING order) and
    mark it saved, as `Model.save()` would have left it."""
    for field, value in zip(_table(type(instance)).returning, row, strict=True):
        column = field.get_col(field.model._meta.db_table)
        converters = [
            *connection.ops.get_db_converters(column),
            *column.get_db_converters(connection),
        ]
        for converter in converters:
            value = converter(value, column, connection)
        setattr(instance, field.attname, value)
    instance._state.adding = False
    instance._state.db = connection.alias


def row_insert(instance: Model, *, written: Sequence[Callable[..., Any]] = ()) -> None:
    """INSERT one new row now (one round trip), like `instance.save(force_insert=True)`."""
    statement = insert_statement([instance], written=written)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.params)
        returned_set(instance, cursor.fetchone())


def statements_execute(statements: Sequence[Statement]) -> Any:
    """Send `statements` in order, in the caller's transaction: in one round trip on
    PostgreSQL, one by one elsewhere; the rows the last one returns."""
    rows: Any = []
    batches = [statements] if available() else [[statement] for statement in statements]
    with connection.cursor() as cursor:
        for batch in batches:
            sql = ";\n".join(statement.sql for statement in batch)
            cursor.execute(sql, tuple(param for statement in batch for param in statement.params))
            rows = cursor.fetchall() if cursor.description is not None else []
    return rows
