"""What the integration tests share with their fixtures (see `conftest`): polling, publishing
to a real broker, the Celery worker subprocess."""

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

import redis
from django.db import connection

from infonavit_atencion.celery import app

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
        method = getattr(app.control, command)
        replies = method(queue, destination=[self.nodename], reply=True, timeout=10)
        assert replies, f"the worker did not answer {command}({queue})\n{self.tail()}"
        if command == "cancel_consumer":
            self.cancelled_queues.add(queue)
        elif command == "add_consumer":
            self.cancelled_queues.discard(queue)

    def queue_length(self, queue: str) -> int:
        """Messages waiting in a queue (kombu keeps a Redis list named after the queue)."""
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
