"""Fast inserts for the generator: ids reserved from the tables' own sequences, then rows
written with PostgreSQL COPY (or executemany on SQLite), never through model save().

Rows are dicts column → Python value; columns a row leaves out take the field's default, so a
field added to a model later does not break the generator. CaseEvent is append-only: only
INSERTs happen here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from django.db import connection, models

NULL = r"\N"


def _defaults(model: type[models.Model]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.has_default():
            values[f.column] = f.get_default()
        elif f.null:
            values[f.column] = None
        elif isinstance(f, models.CharField | models.TextField):
            values[f.column] = ""
    return values


class TableWriter:
    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.defaults = _defaults(model)
        self.json_columns = {f.column for f in self.fields if isinstance(f, models.JSONField)}
        self.pk_column = model._meta.pk.column

    def ids(self, count: int) -> list[int]:
        """`count` fresh primary keys (call inside the batch's transaction)."""
        if count == 0:
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [self.table, self.pk_column, count],
                )
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f'SELECT COALESCE(MAX("{self.pk_column}"), 0) FROM "{self.table}"')  # noqa: S608
            start = cursor.fetchone()[0] + 1
            return list(range(start, start + count))

    def write(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if connection.vendor == "postgresql":
            self._copy(rows)
        else:
            self._insert([{**self.defaults, **row} for row in rows])

    def _copy(self, rows: list[dict[str, Any]]) -> None:
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        plan = [(c, self.defaults.get(c), c in self.json_columns) for c in self.columns]
        for row in rows:
            values = []
            for column, default, is_json in plan:
                v = row.get(column, default)
                if is_json:
                    v = json.dumps(v)
                elif v is None:
                    v = NULL
                elif v is True or v is False:
                    v = "t" if v else "f"
                elif isinstance(v, dt.datetime):
                    v = v.isoformat()
                values.append(v)
            out.writerow(values)
        buffer.seek(0)
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(  # the psycopg2 cursor under Django's wrapper
                f"COPY \"{self.table}\" ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                buffer,
            )

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        adapt_datetime = connection.ops.adapt_datetimefield_value
        json_columns = self.json_columns

        def value(column: str, v: Any) -> Any:
            if column in json_columns:
                return json.dumps(v)
            if isinstance(v, dt.datetime):
                return adapt_datetime(v)
            return v

        placeholders = ", ".join(["%s"] * len(self.columns))
        columns = ", ".join(f'"{c}"' for c in self.columns)
        sql = f'INSERT INTO "{self.table}" ({columns}) VALUES ({placeholders})'  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, [[value(c, row[c]) for c in self.columns] for row in rows])
