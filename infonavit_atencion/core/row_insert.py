"""A model's rows INSERTed without the ORM's per-save machinery, for intake's hot path (ADR 0020).

`Model.save()` builds and compiles a new insert query every time: the column list, the
quoting and the placeholders are worked out again for each row, and the save signals are
sent. Intake writes five rows a request (issue 17). Here the statement's fixed text is worked
out once per model, and each row's values are read the way Django's insert reads them:
`Field.pre_save(instance, add=True)` (so `auto_now` and the like still apply), then
`get_db_prep_save`, or an expression's own SQL (`RawSQL`, such as the folio from its
sequence). For the common field classes a value of a type those methods give back unchanged
(a `str` for a CharField, an aware datetime for a DateTimeField…) is taken as it is
(`_UNCHANGED`; tested against Django's own path). What the database returns (the primary
key, and any field with `db_returning`) is set on the instance, which is then saved as far as
Django is concerned.

No `pre_save`/`post_save` signal is sent: `insert_statement` refuses a model that has
receivers for them, so a listener added later cannot be skipped without a failing test. A
caller that writes what a receiver would have written in the same statement (the contact's
history row, `core.history.insert_with_history`) names that receiver as written.

The statements are plain SQL any backend takes; sending several in one round trip
(`statements_execute`), running one-row INSERTs as prepared statements (`core.prepared`: planning
an INSERT cost about as much as running it) and the history's data-modifying WITH are
PostgreSQL's, and intake keeps `Model.save()` elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection, models
from django.db.models import AutoField, Field, Model
from django.db.models.expressions import DatabaseDefault, RawSQL
from django.db.models.signals import post_save, pre_save

from .prepared import (
    Preparing,
    prepared_execute,
    prepared_mark,
    prepared_sql,
    prepared_statements_used,
)


@dataclass(frozen=True)
class Statement:
    """SQL text with its %s parameters; `prepare`: run it as a prepared statement on
    PostgreSQL (`core.prepared`), for a text of a bounded set such as a one-row INSERT."""

    sql: str
    params: tuple[Any, ...]
    prepare: bool = False


def available() -> bool:
    """Whether intake writes its rows through this module here (PostgreSQL: several statements
    in one round trip, a data-modifying WITH)."""
    return connection.vendor == "postgresql"


# Field classes (exact: a subclass may convert differently) whose `get_db_prep_save` gives a
# value of these types back unchanged, and None as None, and whose `pre_save` reads the
# attribute (unless auto_now or auto_now_add). A value of another type, an expression or a naive
# datetime goes Django's way. Django's way cost ~3 µs a field, and a create writes 94.
_UNCHANGED: dict[type[Field], tuple[type, ...]] = {
    models.CharField: (str,),
    models.EmailField: (str,),
    models.TextField: (str,),
    models.AutoField: (int,),  # as the target of a foreign key
    models.BigAutoField: (int,),
    models.IntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.BigIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.PositiveBigIntegerField: (int,),
    models.BooleanField: (bool,),
    models.DateTimeField: (dt.datetime,),  # aware only: Django warns about a naive one
}


def _unchanged_types(field: Field) -> tuple[type, ...]:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return ()
    if type(field) is models.ForeignKey:
        return _unchanged_types(field.target_field)
    return _UNCHANGED.get(type(field), ())


@dataclass(frozen=True)
class _Table:
    prefix: str  # INSERT INTO "table" ("a", "b", …) VALUES
    fields: tuple[Field, ...]  # in the column order of `prefix`
    unchanged: tuple[tuple[type, ...], ...]  # `_unchanged_types` of each of `fields`
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
        unchanged=tuple(_unchanged_types(field) for field in fields),
        returning=returning,
        returning_sql=", ".join(quote(field.column) for field in returning),
    )


def _value_sql(field: Field, unchanged: tuple[type, ...], instance: Model) -> tuple[str, list[Any]]:
    if unchanged:
        value = getattr(instance, field.attname)
        if value is None or (
            type(value) in unchanged
            and not (type(value) is dt.datetime and value.utcoffset() is None)
        ):
            return "%s", [value]
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
    does itself in the same statement. A one-row INSERT is run prepared: its text is one of a
    few per model, where a batch's grows with its rows.
    """
    model = type(instances[0])
    _signals_check(model, written)
    table = _table(model)
    rows, params = [], []
    for instance in instances:
        if type(instance) is not model or not instance._state.adding:
            raise ValueError("insert_statement takes new rows of one model")
        placeholders = []
        for field, unchanged in zip(table.fields, table.unchanged, strict=True):
            sql, field_params = _value_sql(field, unchanged, instance)
            placeholders.append(sql)
            params.extend(field_params)
        rows.append(f"({', '.join(placeholders)})")
    sql = table.prefix + ", ".join(rows)
    if returning:
        sql += f" RETURNING {table.returning_sql}"
    return Statement(sql, tuple(params), prepare=len(instances) == 1)


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
        # One row: always a `prepare` statement (prepared on PostgreSQL, as it is elsewhere).
        prepared_execute(cursor, statement.sql, statement.params)
        returned_set(instance, cursor.fetchone())


def statements_execute(statements: Sequence[Statement]) -> Any:
    """Send `statements` in order, in the caller's transaction: in one round trip on
    PostgreSQL, one by one elsewhere; the rows the last one returns."""
    rows: Any = []
    if not available():
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement.sql, statement.params)
                rows = cursor.fetchall() if cursor.description is not None else []
        return rows
    with connection.cursor() as cursor:
        texts: list[str] = []
        preparing: list[Preparing] = []  # the PREPAREs this message carries
        for statement in statements:
            text, prepare = (
                prepared_sql(statement.sql, statement.params, preparing)
                if statement.prepare and prepared_statements_used()
                else (statement.sql, None)
            )
            texts.append(text)
            if prepare is not None:
                preparing.append(prepare)
        cursor.execute(
            ";\n".join(texts),
            tuple(param for statement in statements for param in statement.params),
        )
        rows = cursor.fetchall() if cursor.description is not None else []
    for prepare in preparing:
        prepared_mark(prepare)
    return rows
