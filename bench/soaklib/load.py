"""The load: `POST /api/v1/cases/` at a steady rate, each case under its own Idempotency-Key.

A client that behaves as the API guide asks: every POST carries an Idempotency-Key, and an
answer other than 201 that may be transient (5xx, 429, a dropped connection) is retried with
the same key and body after a short back-off, until a 201 or the attempt limit. On top of
that, a share of the cases is sent again on purpose:

- `sequential`: once more after its 201 (a client that lost the answer): must replay the
  same folio with `Idempotent-Replayed: true`;
- `concurrent`: twice at the same instant from two connections: both must end with the
  same folio.

Every attempt is recorded (`Attempt`), with its time relative to the start of the load.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

RETRYABLE = {429, 500, 502, 503, 504}
MAX_ATTEMPTS = 40
BACKOFF_MAX = 2.0


@dataclass(frozen=True)
class Submission:
    index: int
    key: str
    body: bytes
    mode: str  # single | sequential | concurrent


@dataclass
class Attempt:
    key: str
    purpose: str  # first | retry (after a transient answer) | duplicate (on purpose)
    started: float  # seconds since the load started
    latency: float
    status: int | None  # None: no HTTP answer (connection refused or dropped)
    folio: str | None = None
    replayed: bool = False
    problem_body: bool = False
    error: str = ""


@dataclass
class LoadResult:
    attempts: list[Attempt] = field(default_factory=list)
    started_at: float = 0.0  # time.time() of the first slot
    seconds: float = 0.0  # from the first slot to the last answer
    issued_seconds: float = 0.0  # from the first slot to the last first send


class Load:
    def __init__(self, port: int, api_key: str, submissions: list[Submission], rate: float):
        self.port, self.api_key, self.rate = port, api_key, rate
        self.submissions = submissions
        self.result = LoadResult()
        self.issued = 0  # cases whose first request has been sent (read by the fault schedule)
        self.lock = threading.Lock()
        self.local = threading.local()
        self.t0 = 0.0

    # --- one HTTP request -------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.local.connection = connection
        return connection

    def _send(self, sub: Submission, purpose: str, connection=None) -> Attempt:  # type: ignore[no-untyped-def]
        headers = {
            "Authorization": f"Token {self.api_key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": sub.key,
        }
        own = connection is None
        conn = self._connection() if own else connection
        started = time.monotonic()
        attempt = Attempt(sub.key, purpose, started - self.t0, 0.0, None)
        try:
            conn.request("POST", "/api/v1/cases/", body=sub.body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            attempt.status = response.status
            attempt.replayed = response.getheader("Idempotent-Replayed") == "true"
            content_type = response.getheader("Content-Type") or ""
            attempt.problem_body = content_type.startswith("application/problem+json")
            if response.status == 201:
                attempt.folio = json.loads(raw)["folio"]
            elif response.status >= 400:
                attempt.error = " ".join(raw[:600].decode(errors="replace").split())
        except (OSError, http.client.HTTPException) as error:
            attempt.error = f"{type(error).__name__}: {error}"
            conn.close()
            if own:
                self.local.connection = None
        attempt.latency = time.monotonic() - started
        with self.lock:
            self.result.attempts.append(attempt)
        return attempt

    def send_until_answered(self, sub: Submission, purpose: str, connection=None) -> Attempt:  # type: ignore[no-untyped-def]
        """Send, retrying transient failures with the same key and body; the last attempt."""
        attempt = self._send(sub, purpose, connection)
        for n in range(1, MAX_ATTEMPTS):
            if attempt.status is not None and attempt.status not in RETRYABLE:
                break
            time.sleep(min(BACKOFF_MAX, 0.1 * 2**n) * random.uniform(0.5, 1.0))
            attempt = self._send(sub, "retry", connection)
        return attempt

    # --- one case -----------------------------------------------------------------------------

    def _concurrent_twin(self, sub: Submission, barrier: threading.Barrier) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            barrier.wait(timeout=30)
            self.send_until_answered(sub, "duplicate", connection)
        finally:
            connection.close()

    def _case(self, sub: Submission) -> None:
        delay = self.t0 + sub.index / self.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        twin = None
        if sub.mode == "concurrent":
            barrier = threading.Barrier(2)
            twin = threading.Thread(target=self._concurrent_twin, args=(sub, barrier))
            twin.start()
            barrier.wait(timeout=30)
        with self.lock:
            self.issued += 1
            self.result.issued_seconds = time.monotonic() - self.t0
        first = self.send_until_answered(sub, "first")
        if sub.mode == "sequential" and first.status == 201:
            self.send_until_answered(sub, "duplicate")
        if twin is not None:
            twin.join()

    def run(self, threads: int) -> LoadResult:
        """Every submission at its slot (`index / rate` seconds after the start)."""
        self.t0 = time.monotonic() + 0.5
        self.result.started_at = time.time() + 0.5
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="load") as pool:
            futures = []
            for sub in self.submissions:
                # Hand a case to the pool only shortly before its slot, so the pool stays free.
                wait = self.t0 + sub.index / self.rate - time.monotonic() - 0.05
                if wait > 0:
                    time.sleep(wait)
                futures.append(pool.submit(self._case, sub))
            for future in futures:
                future.result()
        self.result.seconds = time.monotonic() - self.t0
        return self.result
