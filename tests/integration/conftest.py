"""Fixtures for the integration tests: real commits, and a real Celery worker on the test DB.

Committed data and the reference data
-------------------------------------
A worker in another process sees only committed rows, so these tests use pytest-django's
`transactional_db` (`django_db(transaction=True)`): autocommit, as in production. pytest-django
flushes *every* table after such a test, reference data included; reloading it with
`reference_data_load()` costs 10-17 s per test on a CI-sized machine, and `serialized_rollback`
cannot help (its snapshot is taken before the session loads the reference data, and
simple_history writes extra history rows on raw saves). So `reference_snapshot` copies every
non-empty table once per session into a side schema (`CREATE TABLE ... AS TABLE ...`), and
`reference_data` puts the rows back into the tables a flush emptied (`INSERT ... SELECT`, one
transaction, Django's foreign keys being deferrable) in a fraction of a second. Each module also
restores them at teardown, so the tests that run after these still find the reference data.

The worker (`celery_worker`, `worker`)
--------------------------------------
- `celery_worker` (module scope) starts `python -m celery -A infonavit_atencion worker
  -Q default,routing,sla,notifications --pool prefork --concurrency 2 --loglevel INFO` as a
  subprocess in its own process group (so it can be SIGKILLed whole). Its environment points it
  at the database pytest-django created (`DATABASE_URL` built from `connection.settings_dict`,
  i.e. `test_<name>`) and at a dedicated Redis database (REDIS_URL's server, db 14, flushed
  first). It uses the `local` settings, which do not force eager tasks (the `test` settings do),
  with DEBUG off. Its output goes to a log file per start; failures show its tail.
- While it runs, this process publishes for real: the Celery app's `task_always_eager` is turned
  off and its broker repointed at the same Redis db; both are restored at teardown.
- Teardown always stops the worker (SIGTERM, then SIGKILL to the process group) and waits until
  no other session is connected to the test database, so pytest can drop it.
- `wait_for` polls a condition (default timeout 30 s); nothing waits on a fixed sleep.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.accounts import StaffFactory
from tests.support.mail_servers import imap_server  # noqa: F401 - a Dovecot mailbox (inbound mail)

from .support import (
    Worker,
    _wait_for_other_sessions_to_leave,
    database_url,
    publishing_to,
    wait_until,
    worker_broker_url,
)


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Worker]:  # type: ignore[no-untyped-def]
    """A real worker subprocess on the test database and Redis db 14, for the whole module."""
    import redis
    from django.db import connection

    broker = worker_broker_url()
    redis.Redis.from_url(broker).flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": broker,
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    worker = Worker(env, tmp_path_factory.mktemp("celery-worker"))
    with publishing_to(broker):
        try:
            worker.start()
            yield worker
        finally:
            worker.stop()
            _wait_for_other_sessions_to_leave(django_db_blocker)


@pytest.fixture
def worker(celery_worker: Worker) -> Worker:
    """The module's worker, restarted if a previous test stopped or killed it."""
    celery_worker.ensure_running()
    return celery_worker


SNAPSHOT_SCHEMA = "integration_reference_snapshot"
NOT_SNAPSHOTTED = {"django_migrations"}


class ReferenceSnapshot:
    """The committed rows the session started with (reference data), kept in a side schema."""

    def __init__(self, tables: list[str]) -> None:
        self.tables = tables

    @staticmethod
    def _has_rows(cursor: Any, table: str) -> bool:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 - quoted table names
        return bool(cursor.fetchone()[0])

    @classmethod
    def take(cls) -> ReferenceSnapshot:
        from django.db import connection, transaction

        quote_name = connection.ops.quote_name
        tables = []
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {SNAPSHOT_SCHEMA}")
            for table in sorted(
                connection.introspection.django_table_names(only_existing=True, include_views=False)
            ):
                if table in NOT_SNAPSHOTTED or not cls._has_rows(cursor, quote_name(table)):
                    continue
                cursor.execute(
                    f"CREATE TABLE {SNAPSHOT_SCHEMA}.{quote_name(table)} AS TABLE {quote_name(table)}"
                )
                tables.append(table)
        return cls(tables)

    def restore(self) -> None:
        """Refill the tables a flush emptied; tables with rows (content types …) are left alone."""
        from django.db import connection, transaction

        quote_name = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for table in self.tables:
                if not self._has_rows(cursor, quote_name(table)):
                    cursor.execute(
                        f"INSERT INTO {quote_name(table)} SELECT * FROM {SNAPSHOT_SCHEMA}.{quote_name(table)}"  # noqa: S608
                    )

    @staticmethod
    def drop() -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE")


@pytest.fixture(scope="session")
def reference_snapshot(django_db_setup, django_db_blocker) -> Iterator[ReferenceSnapshot]:  # type: ignore[no-untyped-def]
    from catalog.models import Service
    from catalog.reference_data import reference_data_load

    with django_db_blocker.unblock():
        if not Service.objects.exists():  # a transactional test elsewhere flushed it already
            reference_data_load()
        snapshot = ReferenceSnapshot.take()
    yield snapshot
    with django_db_blocker.unblock():
        ReferenceSnapshot.drop()


@pytest.fixture(scope="module", autouse=True)
def _reference_data_left_in_place(reference_snapshot, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """After the module's last flush, put the reference data back for the tests that follow."""
    yield
    with django_db_blocker.unblock():
        reference_snapshot.restore()


@pytest.fixture
def reference_data(transactional_db, reference_snapshot) -> None:  # type: ignore[no-untyped-def]
    """The catalog, channels and calendars, back in place if a previous test flushed them."""
    reference_snapshot.restore()


@pytest.fixture
def wait_for() -> Callable[..., Any]:
    return wait_until


@pytest.fixture(name="publishing_to")
def publishing_to_fixture() -> Callable[[str], contextlib.AbstractContextManager[None]]:
    """`with publishing_to(url):` publish to another broker (e.g. a closed port) for a while."""
    return publishing_to


def _user(username: str, role: str, **placement: Any) -> Any:
    return StaffFactory(username=username, role=role, **placement)


@pytest.fixture
def agent(reference_data):  # type: ignore[no-untyped-def]
    return _user("asesor", "agent", office_code="CESI_CDMX_BENITO_JUAREZ")


@pytest.fixture
def area_staff(reference_data):  # type: ignore[no-untyped-def]
    return _user("personal", "area_staff", area_code="CARTERA_CANCELACION")
