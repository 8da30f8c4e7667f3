"""`manage.py ensure_database`: create the PostgreSQL database DATABASE_URL names when missing.

`make run` and `make test` call it before `migrate`, so README's PostgreSQL line works on a
server where the database does not exist yet. SQLite needs nothing (the file is created).
"""

from __future__ import annotations

from typing import Any

import psycopg2
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _
from psycopg2 import errorcodes, sql

MAINTENANCE_DATABASE = "postgres"


class Command(BaseCommand):
    help = "Crea la base de datos PostgreSQL de DATABASE_URL si todavía no existe."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            return
        params = connection.get_connection_params()
        name = params["dbname"]
        where = f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}"
        try:
            psycopg2.connect(**params).close()
            return
        except psycopg2.OperationalError as error:
            if f'database "{name}" does not exist' not in str(error):
                raise CommandError(
                    _("No se pudo conectar a PostgreSQL en %(where)s: %(reason)s")
                    % {"where": where, "reason": _first_line(error)}
                ) from None
        try:
            admin = psycopg2.connect(**{**params, "dbname": MAINTENANCE_DATABASE})
            try:
                admin.autocommit = True  # CREATE DATABASE cannot run inside a transaction
                with admin.cursor() as cursor:
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            finally:
                admin.close()
        except psycopg2.Error as error:
            if getattr(error, "pgcode", None) == errorcodes.DUPLICATE_DATABASE:
                return  # created meanwhile by someone else
            raise CommandError(
                _(
                    "La base de datos «%(name)s» no existe en %(where)s y no se pudo crear: %(reason)s"
                )
                % {"name": name, "where": where, "reason": _first_line(error)}
            ) from None
        self.stdout.write(
            _("Base de datos «%(name)s» creada en %(where)s.") % {"name": name, "where": where}
        )


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
