"""Routing through a real Celery worker on PostgreSQL and Redis (targets: ≥ 200 routed/s, p95 < 1 s).

Creates (or reuses) the database `atencion_bench_routing` on BENCH_DATABASE_URL's server,
migrates it, loads the reference data and empties its cases; flushes Redis db 13 (REDIS_URL's
server, default 127.0.0.1:6379); starts one worker (prefork, 2 processes) on the `default` and
`routing` queues only — the intake's acknowledgement e-mails wait in `notifications`, so e-mail
work does not compete with routing. Then, all cases going through `case_create` (routing queued
on commit, as in production; 4 intake threads, each its own connection, as several web workers):

  profile     in-process `case_route` (no broker): queries, database time, total time per case
  drain       N cases queued while the worker's routing consumer is paused; rate once resumed
  throughput  N cases created while the worker routes; routed/s from the first publish to the
              last routing commit
  latency     cases at a steady rate; intake commit → routing commit (the case's updated_at),
              p50 / p95 / max

Prints figures; asserts nothing.

    [ROUTING_BENCH_DATABASE=NAME ROUTING_BENCH_REDIS_DB=N] .venv/bin/python bench/routing_bench.py [--cases 2000] [--rate 50] [--seconds 20] [--concurrency 2]
        [--worker-settings MODULE]   # try a settings change on the worker without editing the repo
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = os.environ.get("ROUTING_BENCH_DATABASE", "atencion_bench_routing")
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atencion_bench")
_redis = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
BROKER = urlunsplit(
    (
        _redis.scheme,
        _redis.netloc,
        "/" + os.environ.get("ROUTING_BENCH_REDIS_DB", "13"),
        _redis.query,
        "",
    )
)
_server = urlsplit(SERVER)
DATABASE_URL = urlunsplit((_server.scheme, _server.netloc, f"/{DB_NAME}", _server.query, ""))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": BROKER,
        "LOG_LEVEL": "WARNING",
    }
)
INTAKE_THREADS = 4


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


class BenchWorker:
    def __init__(self, concurrency: int, settings_module: str) -> None:
        self.log = Path(tempfile.mkdtemp(prefix="routing-bench-")) / "worker.log"
        self.node = f"routing-bench-{os.getpid()}@localhost"
        command = [
            sys.executable, "-m", "celery", "-A", "infonavit_atencion", "worker",
            "-Q", "default,routing", "--pool", "prefork", "--concurrency", str(concurrency),
            "--loglevel", "INFO", "-n", self.node, "--without-mingle", "--without-gossip",
        ]  # fmt: skip
        env = {
            **os.environ,
            "LOG_LEVEL": "INFO",
            "DJANGO_SETTINGS_MODULE": settings_module,
            "PYTHONPATH": os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(ROOT)])),
        }
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(  # noqa: S603 - fixed command line
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while " ready." not in self.log.read_text(errors="replace"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker did not start; see {self.log}")
            time.sleep(0.05)

    def control(self, command: str) -> None:
        from infonavit_atencion.celery import app

        method = getattr(app.control, command)
        replies = method("routing", destination=[self.node], reply=True, timeout=5)
        if not replies:
            raise SystemExit(f"the worker did not answer {command}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the worker's process group (Linux /proc; 0 elsewhere)."""
        ticks, total = os.sysconf("SC_CLK_TCK"), 0
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.proc.pid:  # pgrp; utime and stime follow at 11 and 12
                total += int(fields[11]) + int(fields[12])
        return total / ticks

    def task_runtimes(self) -> list[float]:
        marker = "Task cases.tasks.route_new_case["  # an intake's routing (then its e-mail)
        runtimes = []
        for line in self.log.read_text(errors="replace").splitlines():
            if marker in line and " succeeded in " in line and line.endswith(": True"):
                runtimes.append(float(line.split(" succeeded in ")[1].split("s:")[0]))
        return runtimes

    def stop(self) -> None:
        import signal

        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def _setup_database() -> None:
    subprocess.run(["createdb", *_pg_args(), DB_NAME], capture_output=True, check=False)  # noqa: S603, S607
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cases.models import Case
    from contacts.models import Contact

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (Case, Contact))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")

    import redis

    with redis.Redis.from_url(BROKER) as client:
        client.flushdb()


def _pg_args() -> list[str]:
    args = ["-h", _server.hostname or "127.0.0.1", "-p", str(_server.port or 5432)]
    return [*args, "-U", _server.username] if _server.username else args


class Intake:
    """case_create with a distinct contact per case; records each intake's commit instant."""

    def __init__(self) -> None:
        from django.contrib.auth.models import User

        from accounts.services import UserPlacement, user_create

        user_create(
            "bench-asesor",
            "agent",
            "clave-de-bench-2026",
            UserPlacement(office_code="CESI_CDMX_BENITO_JUAREZ"),
        )
        self.agent = User.objects.get(username="bench-asesor")
        self.counter = 0
        self.lock = threading.Lock()
        self.committed: dict[int, float] = {}

    def create(self) -> int:
        from django.db import transaction
        from django.utils import timezone
        from stdnum import luhn

        from cases.events import Actor
        from cases.services import CaseInput, case_create
        from contacts.services import ContactInput

        with self.lock:
            self.counter += 1
            n = self.counter
        number = f"{6100000000 + n:010d}"
        data = CaseInput(
            service="QUEJA_ATENCION_CESI",
            channel="CESI",
            office="CESI_TIJUANA",
            contact=ContactInput(
                given_names=f"Persona {n}",
                first_surname="Bench",
                nss=number + luhn.calc_check_digit(number),
            ),
            description=f"Me hicieron esperar tres horas (visita {n}).",
        )
        stamp: list[float] = []
        with transaction.atomic():
            # Registered before case_create's own callback, so it runs first: the commit instant.
            transaction.on_commit(lambda: stamp.append(time.time()))
            case = case_create(data, Actor(user=self.agent), timezone.now()).case
        self.committed[case.pk] = stamp[0]
        return case.pk

    def many(self, count: int) -> list[int]:
        return _in_threads(INTAKE_THREADS, range(count), lambda _: self.create())


def _in_threads(threads: int, items: Iterable[int], job: Callable[[int], int]) -> list[int]:
    """Run `job` over `items` from several threads; each keeps one connection, closed at the end."""
    from django.db import connection

    pending = iter(items)
    lock = threading.Lock()
    results: list[int] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            while True:
                with lock:
                    item = next(pending, None)
                if item is None:
                    return
                result = job(item)
                with lock:
                    results.append(result)
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    if failures:
        raise failures[0]
    return results


def _wait_routed(ids: list[int], timeout: float = 600) -> None:
    from cases.models import Case

    deadline = time.monotonic() + timeout
    while Case.objects.filter(pk__in=ids, status="new").exists():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for routing")
        time.sleep(0.1)


def _routing_commits(ids: list[int]) -> dict[int, float]:
    from cases.models import Case

    return {
        pk: at.timestamp()
        for pk, at in Case.objects.filter(pk__in=ids).values_list("pk", "updated_at")
    }


def profile(intake: Intake, count: int = 50) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cases.routing.engine import case_route

    ids = intake.many(count)  # no worker yet: the messages wait in Redis (flushed afterwards)
    totals, db_times, queries = [], [], []
    for pk in ids:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            case_route(pk, timezone.now())
            totals.append(time.perf_counter() - started)
        queries.append(len(captured))
        db_times.append(sum(float(q["time"]) for q in captured.captured_queries))
    print(f"profile: case_route in-process over {count} cases (no broker)")
    print(f"  queries per routing: {statistics.median(queries):.0f} (BEGIN/COMMIT included)")
    print(
        f"  time per routing: p50 {statistics.median(totals) * 1000:.1f} ms, of which database {statistics.median(db_times) * 1000:.1f} ms"
    )
    print(f"  → one process routes at most ~{1 / statistics.median(totals):.0f} cases/s")
    for q in captured.captured_queries:
        print(f"    {float(q['time']) * 1000:5.1f} ms  {q['sql'][:90]}")
    started = time.perf_counter()
    intake.many(count)
    print(
        f"  intake (case_create, {INTAKE_THREADS} threads): {count / (time.perf_counter() - started):.0f} cases/s"
    )


def drain(intake: Intake, worker: BenchWorker, count: int) -> None:
    worker.control("cancel_consumer")
    ids = intake.many(count)
    from cases.models import Case

    waiting = Case.objects.filter(pk__in=ids, status="new").count()
    cpu = worker.cpu_seconds()
    started = time.time()
    worker.control("add_consumer")
    _wait_routed(ids)
    last = max(_routing_commits(ids).values())
    cpu_ms = (worker.cpu_seconds() - cpu) / waiting * 1000
    per_core = f"~{1000 / cpu_ms:.0f}" if cpu_ms else "n/a"
    print(
        f"drain: {waiting} queued cases routed in {last - started:.1f} s → {waiting / (last - started):.0f} routed/s "
        f"(worker CPU {cpu_ms:.1f} ms per routing → {per_core} routed/s per CPU core "
        f"given to the worker, before the database's own CPU)"
    )


def throughput(intake: Intake, count: int) -> None:
    started = time.time()
    ids = intake.many(count)
    created = time.time()
    _wait_routed(ids)
    first_publish = min(intake.committed[pk] for pk in ids)
    last = max(_routing_commits(ids).values())
    print(
        f"throughput: {count} cases, intake {count / (created - started):.0f} cases/s; "
        f"routed {count / (last - first_publish):.0f} cases/s from first publish to last routing commit "
        f"({last - first_publish:.1f} s; last routing {max(0.0, last - created) * 1000:.0f} ms after the last intake)"
    )


def latency(intake: Intake, rate: float, seconds: float) -> None:
    total = int(rate * seconds)
    started = time.monotonic()

    def slot(i: int) -> int:
        delay = started + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        return intake.create()

    ids = _in_threads(INTAKE_THREADS * 2, range(total), slot)
    achieved = total / (time.monotonic() - started)
    _wait_routed(ids)
    routed = _routing_commits(ids)
    lat = [routed[pk] - intake.committed[pk] for pk in ids]
    print(
        f"latency: {total} cases at {achieved:.0f}/s (asked {rate:.0f}/s); intake commit → routing commit "
        f"p50 {_percentile(lat, 50) * 1000:.0f} ms, p95 {_percentile(lat, 95) * 1000:.0f} ms, max {max(lat) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--worker-settings", default="infonavit_atencion.settings.local")
    args = parser.parse_args()

    _setup_database()
    intake = Intake()
    print(
        f"database {DB_NAME}, broker {BROKER}, worker prefork × {args.concurrency} "
        f"({args.worker_settings}), {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    profile(intake)
    import redis

    with redis.Redis.from_url(BROKER) as client:
        client.flushdb()
    worker = BenchWorker(args.concurrency, args.worker_settings)
    try:
        drain(intake, worker, args.cases)
        throughput(intake, args.cases)
        latency(intake, args.rate, args.seconds)
        runtimes = worker.task_runtimes()
        print(
            f"worker: route_new_case runtime p50 {statistics.median(runtimes) * 1000:.1f} ms, p95 {_percentile(runtimes, 95) * 1000:.1f} ms over {len(runtimes)} routings"
        )
    finally:
        worker.stop()


if __name__ == "__main__":
    main()
