"""The fault schedule: each fault fires when a share of the cases has been sent.

  25 %  the Celery worker and its pool are SIGKILLed, then a new worker is started
  40 %  the private redis-server is stopped (no persistence: every queued message is lost),
        left down a moment, and started again
  60 %  the worker is SIGKILLed and restarted again
  75 %  the database: new connections refused (`ALTER DATABASE … ALLOW_CONNECTIONS false`),
        every connection of the application terminated (`pg_terminate_backend`), and after
        the outage connections allowed again

Only the application's own connections are terminated: they carry the `application_name`
`soak-app-*`. Each fault records its window (seconds since the load started) and details.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

APP_CONNECTIONS = "soak-app-%"
SCHEDULE = ((0.25, "worker"), (0.40, "redis"), (0.60, "worker"), (0.75, "database"))


@dataclass
class FaultWindow:
    kind: str
    at_share: float
    start: float
    end: float
    detail: str


class Database:
    """Administrative access to the run's database through the maintenance database."""

    def __init__(self, database_url: str) -> None:
        parts = urlsplit(database_url)
        self.name = parts.path.lstrip("/")
        self.connect_args = {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            "user": parts.username or "postgres",
            "password": parts.password or None,
            "dbname": "postgres",
            "application_name": "soak-fault",
        }

    def _execute(self, sql: object, params: tuple = ()) -> list[tuple]:
        import psycopg2

        connection = psycopg2.connect(**self.connect_args)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def allow_connections(self, allow: bool) -> None:
        from psycopg2 import sql

        statement = sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(
            sql.Identifier(self.name), sql.SQL("true" if allow else "false")
        )
        self._execute(statement)

    def terminate_app_connections(self) -> int:
        rows = self._execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND application_name LIKE %s",
            (self.name, APP_CONNECTIONS),
        )
        return sum(1 for (done,) in rows if done)

    def app_connections(self) -> int:
        rows = self._execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name LIKE %s",
            (self.name, APP_CONNECTIONS),
        )
        return int(rows[0][0])


class FaultSchedule(threading.Thread):
    def __init__(
        self,
        *,
        issued: Callable[[], int],
        total: int,
        clock: Callable[[], float],
        kill_worker: Callable[[], str],
        restart_redis: Callable[[], str],
        database: Database,
        db_outage: float,
    ) -> None:
        super().__init__(name="faults", daemon=True)
        self.issued, self.total, self.clock = issued, total, clock
        self.actions: dict[str, Callable[[], str]] = {
            "worker": kill_worker,
            "redis": restart_redis,
            "database": self._database_fault,
        }
        self.database, self.db_outage = database, db_outage
        self.windows: list[FaultWindow] = []
        self.lock = threading.Lock()
        self.locks = {kind: threading.Lock() for kind in self.actions}
        self.error: BaseException | None = None
        self.finished_load = threading.Event()

    def _database_fault(self) -> str:
        self.database.allow_connections(False)
        try:
            terminated = self.database.terminate_app_connections()
            time.sleep(self.db_outage)
        finally:
            self.database.allow_connections(True)
        return (
            f"{terminated} application connections terminated; new connections refused "
            f"for {self.db_outage:.1f} s"
        )

    def _fire(self, share: float, kind: str) -> None:
        try:
            with self.locks[kind]:  # a second worker kill waits for the first restart
                start = self.clock()
                detail = self.actions[kind]()
                window = FaultWindow(kind, share, start, self.clock(), detail)
            with self.lock:
                self.windows.append(window)
                self.windows.sort(key=lambda w: w.start)
            print(
                f"  fault at {share:.0%}: {kind} {window.start:.1f}–{window.end:.1f} s: {detail}",
                flush=True,
            )
        except BaseException as error:
            self.error = error

    def run(self) -> None:
        """Each fault in its own thread when its share of the cases has been sent: a slow
        restart does not push the next fault past its moment."""
        fired = []
        for share, kind in SCHEDULE:
            while self.issued() < share * self.total and not self.finished_load.is_set():
                time.sleep(0.02)
            thread = threading.Thread(target=self._fire, args=(share, kind), name=f"fault-{kind}")
            thread.start()
            fired.append(thread)
        for thread in fired:
            thread.join()
