"""What a test's captured queries ran, with prepared statements (`core.prepared`) shown as the
SQL they run, so that a test reads the same text whether or not the connection had prepared a
statement before it."""

from __future__ import annotations

import re

from django.test.utils import CaptureQueriesContext

from infonavit_atencion.core.prepared import prepared_statement_sql

_PREPARE = re.compile(r"PREPARE (prepared_\d+) AS (.*)", re.DOTALL)
_EXECUTE = re.compile(r"EXECUTE (prepared_\d+)\b")


def statement_sql(message: str) -> str:
    """`message` (one or more statements joined by ";\\n", as sent) with each prepared statement
    as its SQL: a PREPARE's SQL stands for the EXECUTE after it, and an EXECUTE of a statement
    prepared before is replaced by that statement's SQL. Parameters of prepared statements are
    not shown; a parameter containing ";\\n" would confuse it."""
    statements, prepared_here = [], {}
    for statement in message.split(";\n"):
        if prepare := _PREPARE.match(statement):
            prepared_here[prepare.group(1)] = prepare.group(2)
            statements.append(prepare.group(2))
        elif execute := _EXECUTE.match(statement):
            name = execute.group(1)
            if name not in prepared_here:
                statements.append(prepared_statement_sql(name) or statement)
        else:
            statements.append(statement)
    return ";\n".join(statements)


def statements_sent(queries: CaptureQueriesContext) -> list[str]:
    """Each message the captured queries sent, as `statement_sql` shows it."""
    return [statement_sql(query["sql"]) for query in queries.captured_queries]
