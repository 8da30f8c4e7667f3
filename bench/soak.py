"""Fault-injection run (issue 8, SPEC §10): cases through the API while the pieces fail.

Creates (or reuses) the database `atencion_soak` on BENCH_DATABASE_URL's server, migrates it
and loads the reference data (`--database-url URL --no-setup` uses a prepared one instead, as
the CI test does). Starts its own redis-server (port 6390, no persistence; never the shared
one), gunicorn (2 workers), a Celery worker (prefork, 2 processes; queues default, routing,
sla, notifications) and beat, and registers an API client with `manage.py create_api_client`.
Then sends --cases POSTs at a steady --rate, each under its own Idempotency-Key, retrying
transient answers with the same key; --retry-share of them is sent again on purpose (half once
more after the answer, half twice at the same instant). Meanwhile (bench/soaklib/faults.py):

  25 % worker SIGKILLed (whole group) and restarted   40 % redis-server restarted (queue lost)
  60 % worker SIGKILLed and restarted                 75 % database: app connections
                                                            terminated, refused for a while

then waits (at most --catch-up seconds) for every case to be routed — the unrouted sweeper
re-queues what the faults lost, every --sweep-interval seconds for cases older than
--sweep-grace — and checks (bench/soaklib/verify.py): every key answered 201 and each names
one folio, no key made two cases, no case without a 201, every case routed, every event
history valid (cases.timeline_check), no 5xx but 503 and those only during the database fault,
no dropped connection. Prints the figures, the fault windows and the checks; exits 1 if a
check fails. Logs of every process stay in the run directory it prints.

    .venv/bin/python bench/soak.py [--cases 3000] [--rate 20] [--retry-share 0.1]
        [--sweep-grace 60] [--sweep-interval 60] [--db-outage 5] [--json FILE]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from soaklib.faults import SCHEDULE, Database, FaultSchedule  # noqa: E402
from soaklib.load import Load, Submission  # noqa: E402
from soaklib.processes import Celery, Gunicorn, RedisServer, wait_until  # noqa: E402
from soaklib.verify import Report, verify  # noqa: E402

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atencion_bench")
CHANNEL = "MICUENTA"
KINDS = ("complaint", "procedure", "service", "advice", "information", "statement")
QUEUES = "default,routing,sla,notifications"
SWEEP_DONE = re.compile(r"sweep_unrouted_cases\[[^\]]+\] succeeded in [\d.]+s: (\d+)")


def _with_application_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["application_name"] = name
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _pg_args(url: str) -> list[str]:
    parts = urlsplit(url)
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    return [*args, "-U", parts.username] if parts.username else args


def _prepare_database(database_url: str, setup: bool) -> None:
    if setup:
        name = urlsplit(database_url).path.lstrip("/")
        createdb = ["createdb", *_pg_args(database_url), name]
        subprocess.run(createdb, capture_output=True, check=False)  # noqa: S603 - fixed command line
    import django

    django.setup()
    if setup:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("load_reference_data", verbosity=0, stdout=io.StringIO())


def _api_client(env: dict[str, str], name: str) -> tuple[int, str]:
    from accounts.models import ApiClient

    command = [sys.executable, "manage.py", "create_api_client", name, "--channel", CHANNEL, "--scopes", "cases:read,cases:write"]  # fmt: skip
    output = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    key = output.stdout.strip().splitlines()[-1]
    return ApiClient.objects.get(name=name).pk, key


def _submissions(run_id: str, count: int, share: float, seed: int) -> list[Submission]:
    from stdnum import luhn

    from catalog.models import ServiceChannel

    services = list(
        ServiceChannel.objects.filter(
            channel__code=CHANNEL, active=True, service__active=True, service__kind__in=KINDS
        )
        .order_by("service__code")
        .values_list("service__code", flat=True)[:6]
    )
    rng = random.Random(seed)
    again = set(rng.sample(range(count), round(count * share)))
    base = rng.randrange(1_000_000_000, 8_000_000_000)
    subs = []
    for i in range(count):
        key = f"soak-{run_id}-{i:06d}"
        number = f"{base + i:010d}"
        body = {
            "service": services[i % len(services)],
            "channel": CHANNEL,
            "contact": {
                "given_names": f"Persona {i}",
                "first_surname": "Resistencia",
                "nss": number + luhn.calc_check_digit(number),
                "email": f"soak{i}@example.com",
            },
            "subject": "Prueba de resistencia",
            "description": f"Solicitud de la prueba de resistencia [{key}].",
        }
        mode = "single" if i not in again else ("sequential" if i % 2 else "concurrent")
        subs.append(Submission(i, key, json.dumps(body).encode(), mode))
    return subs


def _each(processes: list, action: Callable[[Any], None]) -> None:
    """`action` on every process at once (starting or stopping one takes seconds)."""
    with ThreadPoolExecutor(max_workers=len(processes)) as pool:
        list(pool.map(action, processes))


def _wait_routed(client_id: int, timeout: float) -> float:
    from cases.models import Case

    started = time.monotonic()
    pending = Case.objects.filter(created_by_client_id=client_id, status="new")
    while pending.exists() and time.monotonic() - started < timeout:
        time.sleep(0.5)
    return time.monotonic() - started


def _print_report(report: Report, extra: dict) -> None:
    f = report.figures
    print(
        f"faults (seconds since the load started; {f['faults_while_sending']} of "
        f"{len(report.faults)} while cases were being sent):"
    )
    for w in report.faults:
        print(f"  {w.at_share:>4.0%}  {w.kind:<8} {w.start:7.1f} – {w.end:7.1f} s  {w.detail}")
    print(
        f"requests {f['requests']} ({f['retries_after_transient_answers']} retries after a "
        f"transient answer) for {f['cases_planned']} cases {f['modes']}; load {f['load_seconds']} s "
        f"at {f['achieved_rate_per_s']}/s"
    )
    print(f"statuses {f['statuses']}")
    print(
        f"201s {f['responses_201']}, keys answered {f['keys_answered_201']}, distinct folios "
        f"{f['distinct_folios_answered']}, cases in the database {f['cases_in_database']}, "
        f"duplicates {f['duplicate_cases']}, cases without a 201 {f['cases_without_201']}"
    )
    print(
        f"unrouted {f['unrouted_cases']}, invalid histories {f['invalid_histories']}, "
        f"5xx other than 503 {f['server_errors_other_than_503']}, 503s {f['responses_503']}"
    )
    lat, routed = f["created_latency_ms"], f["created_to_routed_s"]
    print(f"201 latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, max {lat['max']} ms")
    print(
        f"created → routed p50 {routed['p50']} s, p95 {routed['p95']} s, max {routed['max']} s; "
        f"catch-up after the load {extra['catch_up_s']:.1f} s; re-queued by the sweeper "
        f"{extra['swept']}; routing publishes lost at intake {extra['publishes_lost']}"
    )
    print("phases (s): " + ", ".join(f"{name} {secs}" for name, secs in extra["phases_s"].items()))
    print("checks:")
    for check in report.checks:
        detail = "" if check.ok else f" — {check.detail}"
        print(f"  {'PASS' if check.ok else 'FAIL'}  {check.name}{detail}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=20, help="new cases per second")
    parser.add_argument("--retry-share", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--no-setup", action="store_true", help="the database is ready")
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--http-port", type=int, default=8790)
    parser.add_argument("--sweep-grace", type=int, default=60)
    parser.add_argument("--sweep-interval", type=float, default=60)
    parser.add_argument("--worker-down", type=float, default=1.0)
    parser.add_argument("--redis-down", type=float, default=2.0)
    parser.add_argument("--db-outage", type=float, default=5.0)
    parser.add_argument("--catch-up", type=float, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--run-dir", type=Path, help="for the logs (default: a new temp dir)")
    args = parser.parse_args()

    run_id = uuid.uuid4().hex[:8]
    phases: dict[str, float] = {}
    mark = time.monotonic()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.monotonic()
        phases[name] = round(now - mark, 1)
        mark = now

    run_dir = args.run_dir or Path(tempfile.mkdtemp(prefix=f"soak-{run_id}-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    parts = urlsplit(SERVER)
    database_url = args.database_url or urlunsplit(
        (parts.scheme, parts.netloc, "/atencion_soak", "", "")
    )
    broker = f"redis://127.0.0.1:{args.redis_port}/0"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.local",
        "DJANGO_DEBUG": "false",
        "REDIS_URL": broker,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "UNROUTED_GRACE_SECONDS": str(args.sweep_grace),
        "UNROUTED_SWEEP_SECONDS": str(args.sweep_interval),
        "PYTHONPATH": os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(ROOT)])),
    }
    os.environ.update(env)
    os.environ["DATABASE_URL"] = _with_application_name(database_url, "soak-check")
    _prepare_database(database_url, not args.no_setup)
    phase("database set-up")

    database = Database(database_url)
    redis_server = RedisServer(args.redis_port, run_dir)
    redis_server.start()
    web_env = {**env, "DATABASE_URL": _with_application_name(database_url, "soak-app-web")}
    worker_env = {
        **env,
        "LOG_LEVEL": "INFO",
        "DATABASE_URL": _with_application_name(database_url, "soak-app-worker"),
    }
    gunicorn = Gunicorn(args.http_port, web_env, run_dir)
    worker = Celery("worker", worker_env, run_dir, QUEUES)
    beat = Celery(
        "beat",
        {**worker_env, "DATABASE_URL": _with_application_name(database_url, "soak-app-beat")},
        run_dir,
    )
    processes = [beat, worker, gunicorn]
    try:
        client_id, key = _api_client(
            {**env, "DATABASE_URL": os.environ["DATABASE_URL"]}, f"Prueba de resistencia {run_id}"
        )
        submissions = _submissions(run_id, args.cases, args.retry_share, args.seed)
        _each(processes, lambda process: process.start())
        phase("start-up")
        print(
            f"soak {run_id}: {args.cases} cases at {args.rate:g}/s, {args.retry_share:.0%} sent again "
            f"on purpose; database {urlsplit(database_url).path.lstrip('/')}, broker {broker}; "
            f"sweeper every {args.sweep_interval:g} s for cases older than {args.sweep_grace} s; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; logs in {run_dir}",
            flush=True,
        )
        load = Load(args.http_port, key, submissions, args.rate)

        def kill_worker() -> str:
            pid = worker.proc.pid if worker.proc else None
            worker.kill()
            time.sleep(args.worker_down)
            started = time.monotonic()
            worker.start()
            return f"worker group {pid} SIGKILLed; new worker ready {time.monotonic() - started:.1f} s after its start"

        def restart_redis() -> str:
            import redis

            with redis.Redis(port=args.redis_port) as client:
                queued = client.llen("routing")
            redis_server.stop(grace=5)
            time.sleep(args.redis_down)
            redis_server.start()
            return f"stopped with {queued} routing messages queued (lost: no persistence), down {args.redis_down:g} s"

        faults = FaultSchedule(
            issued=lambda: load.issued,
            total=args.cases,
            clock=lambda: time.monotonic() - load.t0,
            kill_worker=kill_worker,
            restart_redis=restart_redis,
            database=database,
            db_outage=args.db_outage,
        )
        faults.start()
        result = load.run(args.threads)
        faults.finished_load.set()
        faults.join()
        if faults.error is not None:
            raise faults.error
        for process in processes:
            process.exited()
        phase("load")
        catch_up = _wait_routed(client_id, args.catch_up)
        phase("catch-up")
        _each(processes, lambda process: process.stop(grace=10))
        wait_until(
            lambda: database.app_connections() == 0, 30, "the application's connections to close"
        )
        phase("shutdown")
        report = verify(client_id, submissions, result, faults.windows, len(SCHEDULE))
        phase("verification")
        extra = {
            "catch_up_s": round(catch_up, 1),
            "swept": sum(int(n) for n in SWEEP_DONE.findall(worker.logs())),
            "publishes_lost": gunicorn.log.read_text(errors="replace").count(
                "No se pudo encolar cases.tasks.route_new_case"
            ),
            "run_dir": str(run_dir),
            "phases_s": phases,
        }
        _print_report(report, extra)
        if args.json:
            args.json.write_text(json.dumps({**report.as_dict(), **extra}, indent=2, default=str))
        return 0 if report.ok else 1
    finally:
        _each(processes, lambda process: process.stop(grace=5))
        redis_server.stop(grace=5)
        database.allow_connections(True)


if __name__ == "__main__":
    sys.exit(main())
