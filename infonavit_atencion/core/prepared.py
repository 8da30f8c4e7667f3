"""Server-side prepared statements for the statements every API request sends (issue 17).

PostgreSQL plans a statement each time it receives its text. For the client look-up every token
request runs, planning cost twice what running it did (0.30 of 0.45 ms of the server's CPU),
and for intake's one-row INSERTs about a third (docs/performance.md). A statement prepared on a
connection (`PREPARE`) is planned there once; each later run sends only its parameters
(`EXECUTE`), and PostgreSQL keeps a generic plan once it sees one is as good.

Each connection prepares a statement the first time it runs it, in the same round trip as that
first run, under a name of its own (``prepared_1``, ``prepared_2``…). A new connection (Django
opens one after CONN_MAX_AGE, or after a failed health check) starts with none. A statement
counts as prepared only once its message ran without error: PostgreSQL keeps a prepared
statement when its transaction rolls back, so a message that failed may have prepared it or
not, and the next run prepares it again under a new name (an orphan lasts until the connection
closes; failures are rare).

Only statements of a bounded set of SQL texts belong here (each takes a slot on every
connection): fixed look-ups and fixed-shape INSERTs, not queries built from a request's filters.
Other backends run the SQL as it is, and so does PostgreSQL with the setting
DATABASE_PREPARED_STATEMENTS off: a pooler in transaction mode (pgbouncer) may send a later
EXECUTE to a server connection that never saw the PREPARE.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

_PLACEHOLDER = re.compile(r"%%|%s")


@dataclass
class _Connection:
    """What is prepared on one database connection."""

    names: dict[str, str] = field(default_factory=dict)  # SQL text → name, once it ran
    last: int = 0  # names are never reused on a connection, even after a failed PREPARE


@dataclass(frozen=True)
class Preparing:
    """A PREPARE sent with a statement's first run: `prepared_mark` it once that message ran."""

    sql: str
    name: str


# DB-API connection → its prepared statements; weak keys: a closed connection takes its entry.
# Django's connections are per thread, so each entry is only touched by one thread.
_connections: weakref.WeakKeyDictionary[Any, _Connection] = weakref.WeakKeyDictionary()


def _current() -> _Connection:
    raw = connection.connection
    state = _connections.get(raw)
    if state is None:
        state = _connections[raw] = _Connection()
    return state


def _numbered(sql: str) -> str:
    """`sql` with Django's ``%s`` placeholders as PostgreSQL's ``$1``, ``$2``… (``%%`` → ``%``)."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group() == "%%":
            return "%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql)


def _run(name: str, params: Sequence[Any]) -> str:
    return f"EXECUTE {name} ({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"


def prepared_statements_used() -> bool:
    """Whether statements are prepared here: PostgreSQL, DATABASE_PREPARED_STATEMENTS on."""
    return connection.vendor == "postgresql" and settings.DATABASE_PREPARED_STATEMENTS


def prepared_sql(
    sql: str, params: Sequence[Any], earlier: Sequence[Preparing] = ()
) -> tuple[str, Preparing | None]:
    """What to send for `sql` (Django's placeholders) with `params` on Django's default
    connection (open) to run it prepared, and what to `prepared_mark` once that ran (None if it
    is prepared already). `earlier`: the PREPAREs of the statements before it in the same
    message. The text sent takes `params` as they are."""
    state = _current()
    name = state.names.get(sql) or next((p.name for p in earlier if p.sql == sql), None)
    if name is not None:
        return _run(name, params), None
    state.last += 1
    name = f"prepared_{state.last}"
    # The PREPARE's text is sent as SQL, so its own percent signs are doubled for the driver.
    prepare = f"PREPARE {name} AS {_numbered(sql)}".replace("%", "%%")
    return f"{prepare};\n{_run(name, params)}", Preparing(sql, name)


def prepared_mark(preparing: Preparing | None) -> None:
    """Record a PREPARE whose message ran without error on Django's default connection."""
    if preparing is not None:
        _current().names[preparing.sql] = preparing.name


def prepared_statement_sql(name: str) -> str | None:
    """The SQL prepared as `name` on Django's default connection (for reading a log or a test's
    captured ``EXECUTE prepared_3 (…)``), or None."""
    raw = connection.connection
    state = _connections.get(raw) if raw is not None else None
    names = state.names if state is not None else {}
    return next((sql for sql, named in names.items() if named == name), None)


def prepared_execute(cursor: Any, sql: str, params: Sequence[Any] = ()) -> None:
    """Run `sql` (Django's placeholders) with `params` on `cursor`, a cursor of Django's default
    connection: prepared once per connection on PostgreSQL, as it is elsewhere. Read the rows
    from `cursor` as after ``cursor.execute``."""
    if not prepared_statements_used():
        cursor.execute(sql, params)
        return
    text, preparing = prepared_sql(sql, params)
    cursor.execute(text, params)
    prepared_mark(preparing)
