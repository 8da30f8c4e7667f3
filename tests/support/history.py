"""Tampering as a DBA would: the append-only triggers switched off, then raw SQL."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

_EVENTS = importlib.import_module("cases.migrations.0011_event_chain_hash")
_ACCESS = importlib.import_module("contacts.migrations.0008_access_log_chain_hash")
_ANCHORS = importlib.import_module("cases.migrations.0012_history_anchors")


@contextmanager
def triggers_off() -> Iterator[Any]:
    """PostgreSQL: session_replication_role = replica (user triggers do not fire) for the rest
    of the test's transaction; SQLite: the UPDATE triggers dropped, and created again after."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER cases_event_append_only")
            cursor.execute("DROP TRIGGER contacts_access_log_append_only")
            cursor.execute("DROP TRIGGER cases_anchor_append_only")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = origin")
            else:
                cursor.execute(_EVENTS.SQLITE_TRIGGER)
                cursor.execute(_ACCESS.SQLITE_TRIGGER)
                cursor.execute(*_ANCHORS.SQLITE_FORWARD)


def raw(sql: str, params: list[Any] | None = None) -> None:
    with triggers_off() as cursor:
        cursor.execute(sql, params or [])


def settle_deferred_checks() -> None:
    """PostgreSQL: run the test transaction's deferred foreign-key checks now, so the table can
    be altered as a migration does (it runs in a transaction of its own)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
