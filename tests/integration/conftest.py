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
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from conftest import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
WORKER_REDIS_DB = 14
QUEUES = "default,routing,sla,notifications"
DEFAULT_TIMEOUT = 30.0


def wait_until(
    condition: Callable[[], Any],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = 0.05,
    what: str = "condition",
    details: Callable[[], str] | None = None,
) -> Any:
    """Poll `condition` until it returns something truthy; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            extra = f"\n{details()}" if details else ""
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.{extra}")
        time.sleep(interval)


def worker_broker_url() -> str:
    """REDIS_URL's server with the dedicated database number for the worker tests."""
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit((parts.scheme, parts.netloc, f"/{WORKER_REDIS_DB}", parts.query, ""))


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(settings_dict.get("HOST") or "localhost", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def _reset_publisher_pools(app: Any) -> None:
    """Drop the app's cached broker pools so a changed broker_url takes effect.

    kombu keeps one pool per URL in a global registry, so closing one here would hand a closed
    pool back on the next switch to that URL: pools are dropped, not closed.
    """
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None


@contextlib.contextmanager
def publishing_to(broker_url: str) -> Iterator[None]:
    """This process publishes tasks to `broker_url` for real (not eagerly) inside the block."""
    from infonavit_atencion.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = broker_url
    _reset_publisher_pools(app)
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        _reset_publisher_pools(app)


class Worker:
    """One `celery worker` subprocess at a time; its output goes to a log file per start."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.broker_url = env["REDIS_URL"]
        self.log_dir = log_dir
        self.proc: subprocess.Popen | None = None
        self.log_path: Path | None = None
        self.starts = 0
        self.nodename = ""
        self.cancelled_queues: set[str] = set()

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "infonavit_atencion",
            "worker",
            "-Q",
            QUEUES,
            "--pool",
            "prefork",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
            "-n",
            self.nodename,
            # No peers to sync with: skip the startup handshakes that only add seconds.
            "--without-mingle",
            "--without-gossip",
        ]

    def start(self) -> None:
        assert not self.running, "a worker is already running"
        self.starts += 1
        self.cancelled_queues = set()
        self.nodename = f"integration-{uuid.uuid4().hex[:8]}@localhost"
        self.log_path = self.log_dir / f"worker-{self.starts}.log"
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - fixed command line
                self.command(),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(self._ready, what="the Celery worker to be ready", details=self.tail)

    def _ready(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise AssertionError(
                f"The Celery worker exited with {self.proc.returncode}.\n{self.tail()}"
            )
        return " ready." in self.log()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ensure_running(self) -> None:
        """A running worker consuming every queue (one a test paused is restarted afresh)."""
        if self.running and self.cancelled_queues:
            self.stop()
        if not self.running:
            self.proc = None
            self.start()

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once (a crash, an OOM kill)."""
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL whatever is left of the process group."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self.proc = None

    def control(self, command: str, queue: str) -> None:
        """`cancel_consumer` / `add_consumer` on this worker (remote control through Redis)."""
        from infonavit_atencion.celery import app

        method = getattr(app.control, command)
        replies = method(queue, destination=[self.nodename], reply=True, timeout=10)
        assert replies, f"the worker did not answer {command}({queue})\n{self.tail()}"
        if command == "cancel_consumer":
            self.cancelled_queues.add(queue)
        elif command == "add_consumer":
            self.cancelled_queues.discard(queue)

    def queue_length(self, queue: str) -> int:
        """Messages waiting in a queue (kombu keeps a Redis list named after the queue)."""
        import redis

        with redis.Redis.from_url(self.broker_url) as client:
            return int(client.llen(queue))

    def log(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def all_logs(self) -> str:
        return "\n".join(
            p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(self.log_dir.glob("worker-*.log"))
        )

    def tail(self, lines: int = 40) -> str:
        return "--- worker log (tail) ---\n" + "\n".join(self.log().splitlines()[-lines:])

    def task_result(self, task_id: str, *, timeout: float = DEFAULT_TIMEOUT) -> str:
        """Wait for the worker to log that task `task_id` succeeded; its return value as text."""
        marker = f"[{task_id}] succeeded in "

        def find() -> str | None:
            for line in self.all_logs().splitlines():
                if marker in line:
                    return line.rsplit(": ", 1)[-1].strip()
            return None

        return wait_until(
            find, timeout=timeout, what=f"task {task_id} to succeed", details=self.tail
        )


def _wait_for_other_sessions_to_leave(django_db_blocker: Any) -> None:
    """The killed workers' server processes must be gone before pytest drops the test DB."""
    from django.db import connection

    query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        deadline = time.monotonic() + 10
        while True:
            cursor.execute(query)
            pids = [row[0] for row in cursor.fetchall()]
            if not pids:
                return
            if time.monotonic() > deadline:
                for pid in pids:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                return
            time.sleep(0.1)


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
    from accounts.services import UserPlacement, user_create

    return user_create(username, role, TEST_PASSWORD, UserPlacement(**placement))


@pytest.fixture
def agent(reference_data):  # type: ignore[no-untyped-def]
    return _user("asesor", "agent", office_code="CESI_CDMX_BENITO_JUAREZ")


@pytest.fixture
def area_staff(reference_data):  # type: ignore[no-untyped-def]
    return _user("personal", "area_staff", area_code="CARTERA_CANCELACION")
