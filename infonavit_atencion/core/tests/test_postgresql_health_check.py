"""The connection health check costs no round trip when idle, and still catches a killed backend.

`CONN_HEALTH_CHECKS` asks `is_usable()` before a request's first query. Our backend
(`infonavit_atencion.core.postgresql`) answers from the socket when the connection is idle and
asks the server (`SELECT 1`) otherwise. What the server last ran is read from `pg_stat_activity`
over another connection, so a `SELECT 1` sent behind Django's back would show.
"""

import select
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import close_old_connections, connection, connections, transaction

if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
    pytest.skip(
        "The health check is PostgreSQL's (DATABASE_URL); CI runs it.", allow_module_level=True
    )

from infonavit_atencion.core.postgresql.base import DatabaseWrapper

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MARKER = "SELECT pg_backend_pid() /* the request's last query */"


def _on_another_connection(work: Callable[[Any], Any]) -> Any:
    """Run `work(cursor)` on a connection of its own (Django's connections are per thread)."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            with connection.cursor() as cursor:
                outcome.append(work(cursor))
        except Exception as error:  # handed back to the test's thread
            outcome.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]


def _last_statement_of(pid: int) -> tuple[str, str]:
    def read(cursor: Any) -> tuple[str, str]:
        cursor.execute("SELECT query, state FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()

    return _on_another_connection(read)


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute(MARKER)
        return cursor.fetchone()[0]


def _start_of_request() -> None:
    """What Django's request_started signal does, then the check a request's first query runs."""
    close_old_connections()
    assert connection.health_check_done is False
    connection.close_if_health_check_failed()
    assert connection.health_check_done is True


def test_the_backend_is_ours_with_health_checks_on():
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.vendor == "postgresql"


def test_an_idle_healthy_connection_is_usable_without_a_query():
    pid = _backend_pid()
    raw = connection.connection

    _start_of_request()

    assert connection.connection is raw  # kept, not replaced
    assert _last_statement_of(pid) == (MARKER, "idle")  # no SELECT 1 reached the server
    assert _backend_pid() == pid


def test_a_terminated_backend_is_replaced_before_the_next_request_queries():
    pid = _backend_pid()

    def terminate(cursor: Any) -> None:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
        raise AssertionError(f"backend {pid} still alive")

    _on_another_connection(terminate)

    # The next request: request_started closes nothing (no error, not too old), and its first
    # query finds the socket readable (the server's FATAL), asks, fails, and reconnects.
    close_old_connections()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        new_pid = cursor.fetchone()[0]

    assert new_pid != pid
    assert connection.is_usable() is True


def test_inside_a_transaction_the_server_is_asked():
    pid = _backend_pid()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(MARKER)  # the transaction is open on the server now
        connection.health_check_done = False

        connection.close_if_health_check_failed()

        assert _last_statement_of(pid) == ("SELECT 1", "idle in transaction")
        assert connection.health_check_done is True


def test_an_error_since_the_last_commit_asks_the_server():
    pid = _backend_pid()
    connection.errors_occurred = True

    close_old_connections()

    assert _last_statement_of(pid) == ("SELECT 1", "idle")
    assert connection.errors_occurred is False  # the server said it is fine: kept
    assert _backend_pid() == pid


def test_a_readable_socket_asks_the_server_and_a_healthy_connection_stays():
    pid = _backend_pid()
    with connection.cursor() as cursor:
        cursor.execute("LISTEN health_check_probe")
    try:
        _on_another_connection(lambda cursor: cursor.execute("NOTIFY health_check_probe"))
        poller = select.poll()
        poller.register(connection.connection.fileno(), select.POLLIN)
        assert poller.poll(5000), "the notification never arrived"

        _start_of_request()

        assert _last_statement_of(pid) == ("SELECT 1", "idle")
        assert _backend_pid() == pid
    finally:
        with connection.cursor() as cursor:
            cursor.execute("UNLISTEN *")
