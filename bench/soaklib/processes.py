"""The processes a soak run starts, each its own process group so it can be killed whole.

- `RedisServer`: a private `redis-server` (no persistence: a restart loses every queued
  message, the worst case for routing), never the shared one.
- `Gunicorn`: the WSGI application with 2 sync workers.
- `Celery`: a worker (prefork, 2 processes) or beat; a worker is SIGKILLed with its pool.

Each writes its output to a log file under the run directory; `stop()` is SIGTERM, then
SIGKILL to the group after a grace period.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = os.environ.get("SOAK_REDIS_SERVER", "/usr/bin/redis-server")


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


class Managed:
    """One subprocess in its own session (process group), output to `log`."""

    name = "process"

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.command, self.env, self.log = command, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def spawn(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(  # noqa: S603 - fixed command lines
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def exited(self) -> bool:
        """False while running (or not started); raises, with the log's tail, once it exited."""
        if self.proc is not None and self.proc.poll() is not None:
            tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{tail}")
        return False

    def kill(self) -> None:
        """SIGKILL the whole process group at once (a crash, an OOM kill)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc = None

    def stop(self, grace: float = 15) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=grace)
        self.kill()


class RedisServer(Managed):
    name = "redis-server"

    def __init__(self, port: int, run_dir: Path) -> None:
        command = [
            REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(run_dir), "--daemonize", "no",
        ]  # fmt: skip
        super().__init__(command, dict(os.environ), run_dir / "redis.log")
        self.port = port

    def ping(self) -> bool:
        import redis

        try:
            with redis.Redis(port=self.port, socket_connect_timeout=0.5) as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        if self.ping():
            raise RuntimeError(f"something already listens on port {self.port}")
        self.spawn()
        wait_until(lambda: self.ping() or self.exited(), 20, "redis-server")


class Gunicorn(Managed):
    name = "gunicorn"

    def __init__(self, port: int, env: dict[str, str], run_dir: Path) -> None:
        command = [
            str(Path(sys.executable).parent / "gunicorn"), "infonavit_atencion.wsgi",
            "--workers", "2", "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT),
            "--log-level", "warning", "--timeout", "60", "--graceful-timeout", "10",
        ]  # fmt: skip
        super().__init__(command, env, run_dir / "gunicorn.log")
        self.port = port

    def healthy(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except OSError:
            return False

    def start(self) -> None:
        self.spawn()
        wait_until(lambda: self.healthy() or self.exited(), 60, "gunicorn")


class Celery(Managed):
    """`celery -A infonavit_atencion worker|beat`; a worker is ready when it logs " ready."."""

    def __init__(self, role: str, env: dict[str, str], run_dir: Path, queues: str = "") -> None:
        self.role, self.run_dir, self.starts = role, run_dir, 0
        self.name = f"celery {role}"
        command = [sys.executable, "-m", "celery", "-A", "infonavit_atencion", role]
        if role == "worker":
            command += [
                "-Q", queues, "--pool", "prefork", "--concurrency", "2", "--loglevel", "INFO",
                "-n", f"soak-{os.getpid()}@localhost", "--without-mingle", "--without-gossip",
            ]  # fmt: skip
        else:
            command += ["--loglevel", "INFO", "--schedule", str(run_dir / "beat-schedule")]
        super().__init__(command, env, run_dir / f"{role}-1.log")

    def start(self) -> None:
        self.starts += 1
        self.log = self.run_dir / f"{self.role}-{self.starts}.log"
        self.spawn()
        if self.role == "worker":
            marker = " ready."
            wait_until(
                lambda: marker in self.log.read_text(errors="replace") or self.exited(),
                90,
                "the Celery worker",
            )

    def logs(self) -> str:
        return "\n".join(
            path.read_text(errors="replace")
            for path in sorted(self.run_dir.glob(f"{self.role}-*.log"))
        )
