"""Statements prepared once per connection (`core.prepared`): planned once, then each run sends
its parameters only; a new connection, a rolled-back transaction and a failed run all leave the
next run working."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from infonavit_atencion.core.prepared import prepared_execute, prepared_statement_sql

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's PREPARE (CI runs it)"
)


def _statement() -> str:
    """SQL no other test has prepared on this connection, with a literal percent sign."""
    return f"SELECT %s::int + 1, '100%%' AS share, '{uuid.uuid4().hex}' AS tag"


def _run(sql: str, *params: object) -> tuple[object, ...]:
    with connection.cursor() as cursor:
        prepared_execute(cursor, sql, params)
        return cursor.fetchone()


@on_postgresql
def test_the_first_run_prepares_and_later_runs_send_only_their_parameters():
    sql = _statement()

    with CaptureQueriesContext(connection) as queries:
        first = _run(sql, 2)
        second = _run(sql, 10)

    assert (first[:2], second[:2]) == ((3, "100%"), (11, "100%"))
    prepare, execute = (query["sql"] for query in queries.captured_queries)
    assert prepare.startswith("PREPARE prepared_") and "EXECUTE" in prepare
    name = execute.removeprefix("EXECUTE ").split(" ")[0]
    assert execute == f"EXECUTE {name} (10)"
    assert prepared_statement_sql(name) == sql


@on_postgresql
def test_a_statement_prepared_in_a_rolled_back_transaction_still_runs():
    sql = _statement()
    with pytest.raises(RuntimeError), transaction.atomic():
        assert _run(sql, 1)[0] == 2
        raise RuntimeError("the caller's transaction rolls back")

    with CaptureQueriesContext(connection) as queries:
        assert _run(sql, 5)[0] == 6

    assert queries.captured_queries[0]["sql"].startswith("EXECUTE ")


@on_postgresql
def test_after_a_failed_first_run_the_statement_is_prepared_again_under_a_new_name():
    sql = _statement()
    with pytest.raises(DatabaseError), transaction.atomic():
        _run(sql, "no es un número")  # PREPARE succeeds, EXECUTE fails: unknown to the caller

    with CaptureQueriesContext(connection) as queries:
        assert _run(sql, 4)[0] == 5
        assert _run(sql, 6)[0] == 7

    prepare, execute = (query["sql"] for query in queries.captured_queries)
    assert prepare.startswith("PREPARE ") and execute.startswith("EXECUTE ")


@on_postgresql
def test_each_connection_prepares_for_itself():
    sql = _statement()
    assert _run(sql, 1)[0] == 2
    seen: list[object] = []

    def other_thread() -> None:  # Django gives each thread its own connection
        try:
            with CaptureQueriesContext(connection) as queries:
                seen.append(_run(sql, 7)[0])
            seen.append(queries.captured_queries[0]["sql"].split(" ")[0])
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()

    assert seen == [8, "PREPARE"]
    assert _run(sql, 2)[0] == 3


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL prepares it (above)")
def test_other_databases_run_the_statement_as_it_is():
    sql = "SELECT %s + 1, '100%%'"

    with CaptureQueriesContext(connection) as queries:
        assert _run(sql, 2) == (3, "100%")

    assert "PREPARE" not in queries.captured_queries[0]["sql"]


@on_postgresql
def test_with_the_setting_off_the_statement_is_sent_as_text(settings):
    """Behind pgbouncer in transaction mode (DATABASE_PREPARED_STATEMENTS=false)."""
    settings.DATABASE_PREPARED_STATEMENTS = False
    sql = _statement()

    with CaptureQueriesContext(connection) as queries:
        assert _run(sql, 2)[:2] == (3, "100%")
        assert _run(sql, 3)[0] == 4

    assert [query["sql"].split(" ")[0] for query in queries.captured_queries] == ["SELECT"] * 2
