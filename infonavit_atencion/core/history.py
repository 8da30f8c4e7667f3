"""simple-history's `HistoricalRecords`, with two changes of ours.

- No new manager class on every `.history` access. django-simple-history 3.13's
  `HistoryDescriptor.__get__` calls `HistoryManager.from_queryset(…)` each time, building a class
  (with `inspect.getmembers` over the queryset) that is the same every time; saving a tracked
  model reads it once to find the history model. Here the class is built once per model.
- `insert_with_history`: a new tracked row and its "+" history row in ONE statement on
  PostgreSQL (intake's contact, issue 17, ADR 0020). The history row is the row the INSERT
  returned, with the user, reason and date the library's own methods give; every other write
  goes through the library's signal, unchanged.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from simple_history import models as simple_history
from simple_history.manager import HistoryDescriptor
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from .row_insert import (
    Statement,
    insert_statement,
    returned_set,
    returning_sql,
    statements_execute,
)

# Each tracked model's `HistoricalRecords`, for `insert_with_history`.
_records_by_model: dict[type[Model], HistoricalRecords] = {}


class CachedHistoryDescriptor(HistoryDescriptor):
    def __init__(self, model: Any, manager: Any, queryset: Any) -> None:
        super().__init__(model, manager=manager, queryset=queryset)
        self.manager_from_queryset = manager.from_queryset(queryset)

    def __get__(self, instance: Any, owner: Any) -> Any:
        return self.manager_from_queryset(self.model, instance)


class HistoricalRecords(simple_history.HistoricalRecords):
    def finalize(self, sender: Any, **kwargs: Any) -> None:
        super().finalize(sender, **kwargs)
        # The library registers only this model (and, with `inherit`, its subclasses).
        if sender is not self.cls and not (self.inherit and issubclass(sender, self.cls)):
            return
        _records_by_model[sender] = self
        descriptor = sender.__dict__.get(self.manager_name)
        if type(descriptor) is HistoryDescriptor:
            cached = CachedHistoryDescriptor(
                descriptor.model, descriptor.manager_class, descriptor.queryset_class
            )
            setattr(sender, self.manager_name, cached)

    def history_row_statement(self, instance: Model, source: str) -> Statement:
        """INSERT the "+" history row of `instance` from the row named `source` in a WITH
        (the columns its INSERT returned): what `create_historical_record` writes."""
        history_model = getattr(type(instance), self.manager_name).model
        if (
            self.m2m_fields
            or hasattr(history_model, "history_relation")
            or pre_create_historical_record.has_listeners(history_model)
            or post_create_historical_record.has_listeners(history_model)
        ):
            raise RuntimeError(f"{type(instance).__name__}'s history needs its model's save()")
        meta = history_model._meta
        quote = connection.ops.quote_name
        targets, sources = [], []
        for field in self.fields_included(instance):
            targets.append(quote(meta.get_field(field.name).column))
            sources.append(quote(field.column))
        user = self.get_history_user(instance)
        extra = {
            "history_date": getattr(instance, "_history_date", timezone.now()),
            "history_type": "+",
            "history_user": user.pk if user is not None else None,
            "history_change_reason": self.get_change_reason_for_object(instance, "+", None),
        }
        params = []
        for name, value in extra.items():
            field = meta.get_field(name)
            targets.append(quote(field.column))
            sources.append("%s")
            params.append(field.get_db_prep_save(value, connection))
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(targets)}) "  # noqa: S608 - model metadata
            f"SELECT {', '.join(sources)} FROM {source}"
        )
        return Statement(sql, tuple(params))


def insert_with_history(instance: Model) -> None:
    """INSERT a new row of a tracked model with its "+" history row, in one round trip
    (PostgreSQL; `row_insert.available()`), as `instance.save()` would have written both."""
    records = _records_by_model[type(instance)]
    row = insert_statement([instance], written=[records.post_save], returning=False)
    statements = [Statement(f"WITH new_row AS ({row.sql} RETURNING *)", row.params)]
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True) and not hasattr(
        instance, "skip_history_when_saving"
    ):
        history = records.history_row_statement(instance, "new_row")
        statements.append(Statement(f", history_row AS ({history.sql})", history.params))
    returned = returning_sql(type(instance))
    statements.append(Statement(f"SELECT {returned} FROM new_row", ()))  # noqa: S608 - metadata
    sql = " ".join(statement.sql for statement in statements)
    params = tuple(param for statement in statements for param in statement.params)
    (row_returned,) = statements_execute([Statement(sql, params, prepare=row.prepare)])
    returned_set(instance, row_returned)
