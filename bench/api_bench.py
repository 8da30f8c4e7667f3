"""The REST API under load, against an independent Django + DRF floor measured in the same run.

The application: the database `API_BENCH_DATABASE` (default `atencion_bench_api`) on
BENCH_DATABASE_URL's server, migrated, with the reference data and filled by `generate_history`
up to --cases cases (default 1,000,000; later runs reuse the data; the loader analyzes what it
loaded). Served by gunicorn (2 sync workers) under the production settings (a random
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, plain HTTP: DJANGO_SECURE_SSL_REDIRECT=false), with
Redis as broker and cache (routing messages pile up in Redis db API_BENCH_REDIS_DB, default 11,
flushed before and after; no worker runs).

The floor (issue 17): `bench/floor/`, a separate minimal Django + DRF project in its own
gunicorn process (2 sync workers): only SecurityMiddleware and CommonMiddleware, token
authentication, one ModelSerializer, cursor pagination, its own PostgreSQL database
(`FLOOR_BENCH_DATABASE`, default `atencion_bench_floor`) with --cases rows loaded by
generate_series. So the floor pays none of the application's fixed per-request cost.

A load generator in this process (threads, keep-alive http.client over loopback, every load
bounded by --seconds) measures, for both: create (the application's with a contact, as intake
sends it), the first page of the list, a deep page (--deep pages in, following `next`), the
filtered list `status=assigned,in_progress&channel=MICUENTA` newest first, and the detail; at
concurrency 8, then each of the application's at concurrency 1. It prints p50/p95 and
throughput of each, and the targets of issue 5: create throughput ≥ 0.6 × the floor's; list
(any depth), filtered list and detail p95 ≤ 1.5 × the floor's cursor-list p95 (the worse of
its first and deep page) at concurrency 8; p50 < 25 ms at concurrency 1. Asserts nothing.

    [API_BENCH_DATABASE=NAME] [FLOOR_BENCH_DATABASE=NAME] .venv/bin/python bench/api_bench.py
        [--cases 1000000] [--seconds 10] [--rounds 2] [--deep 200]

Every load runs --rounds times, one round after another (application next to floor in each);
the figures merge the rounds and each round's ratios are printed too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atencion_bench")
_server = urlsplit(SERVER)


def _database_url(name: str) -> str:
    return urlunsplit((_server.scheme, _server.netloc, f"/{name}", _server.query, ""))


# Any database filled by generate_history will do (e.g. one the indicators bench left behind).
DB_NAME = os.environ.get("API_BENCH_DATABASE", "atencion_bench_api")
FLOOR_DB_NAME = os.environ.get("FLOOR_BENCH_DATABASE", "atencion_bench_floor")
DATABASE_URL = _database_url(DB_NAME)
_redis = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
# Broker and cache of the server under test; this Redis database is flushed before and after.
BROKER_DB = os.environ.get("API_BENCH_REDIS_DB", "11")
BROKER = urlunsplit((_redis.scheme, _redis.netloc, f"/{BROKER_DB}", _redis.query, ""))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
FLOOR_PORT = PORT + 1
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": BROKER,
        "LOG_LEVEL": "WARNING",
        # The bench measures the API, not the throttle's limit (the throttle still runs).
        "API_CLIENT_THROTTLE_RATE": "1000000/min",
    }
)
# The server under test runs the production settings, over plain HTTP on loopback.
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    # Production names its e-mail backend explicitly; no worker runs, nothing is sent.
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}
FLOOR = {
    "DJANGO_SETTINGS_MODULE": "bench.floor.settings",
    "FLOOR_DATABASE_URL": _database_url(FLOOR_DB_NAME),
}
FILTERED = "status=assigned,in_progress&channel=MICUENTA"


# --- set-up ------------------------------------------------------------------------------------


def _createdb(name: str) -> None:
    createdb = ["createdb", "-h", _server.hostname or "127.0.0.1", "-U",
                _server.username or "postgres", name]  # fmt: skip
    subprocess.run(createdb, capture_output=True, check=False)  # noqa: S603 - fixed command line


def _setup(cases: int) -> tuple[str, str]:
    """The application's database filled to `cases`; an API client's key and a service it may
    register on its channel."""
    _createdb(DB_NAME)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.services import api_client_create
    from cases.models import Case
    from catalog.models import ServiceChannel
    from infonavit_atencion.core.api_scopes import Scope

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    have = Case.objects.count()
    if have < cases:
        started = time.perf_counter()
        call_command("generate_history", cases=cases - have, months=12, seed=have + 1)
        print(f"generated {cases - have:,} cases in {time.perf_counter() - started:.0f} s")
    name = f"Banco de pruebas {uuid.uuid4().hex[:6]}"
    scopes: list[str] = [
        Scope.CASES_READ,
        Scope.CASES_WRITE,
        Scope.CASES_READ_ALL,
        Scope.CATALOG_READ,
    ]
    _, key = api_client_create(name, "MICUENTA", scopes)
    service = (
        ServiceChannel.objects.filter(channel__code="MICUENTA", service__active=True)
        .exclude(service__kind="report")
        .order_by("service__code")
        .values_list("service__code", flat=True)
        .first()
    )
    connection.close()
    return key, str(service)


def _setup_floor(rows: int) -> str:
    """The floor's database filled to `rows` (its own process: its own settings); its token."""
    _createdb(FLOOR_DB_NAME)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "-m", "bench.floor.load", "--rows", str(rows)],
        cwd=ROOT, env={**os.environ, **FLOOR}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    print(f"floor: {rows:,} rows ready in {time.perf_counter() - started:.0f} s")
    return done.stdout.strip().splitlines()[-1]


class Gunicorn:
    def __init__(self, app: str, port: int, env: dict[str, str]) -> None:
        self.port = port
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"), app,
            "--workers", "2", "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT),
            "--log-level", "warning", "--timeout", "60",
        ]  # fmt: skip
        self.proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})  # noqa: S603
        for _ in range(150):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn {app} did not start")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


# --- load ---------------------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    def line(self) -> str:
        return (
            f"{self.label:<40} {len(self.latencies):>6} req  {self.throughput:7.1f}/s  "
            f"p50 {self.pct(50):6.1f} ms  p95 {self.pct(95):6.1f} ms  statuses {self.statuses}"
        )

    def merge(self, other: Run) -> None:
        self.latencies.extend(other.latencies)
        self.seconds += other.seconds
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count


APP_READS = ("list", "deep", "filtered", "detail")


def targets(runs: dict[str, Run], *, compact: bool = False) -> str:
    """The issue's targets as ratios (and the concurrency-1 p50s) for these runs."""
    floor_p95 = max(runs["floor_list"].pct(95), runs["floor_deep"].pct(95))
    create = runs["create"].throughput / runs["floor_create"].throughput
    ratios = {name: runs[name].pct(95) / floor_p95 for name in APP_READS}
    p50s = {name: runs[f"{name}_1"].pct(50) for name in ("create", *APP_READS)}
    if compact:
        return (
            f"create {create:.2f}x floor; p95/floor list p95: "
            + ", ".join(f"{name} {ratio:.2f}" for name, ratio in ratios.items())
            + "; p50 c=1: "
            + ", ".join(f"{name} {value:.1f} ms" for name, value in p50s.items())
        )
    lines = [f"  create throughput / floor's: {create:.2f} (target ≥ 0.6)"]
    for name, ratio in ratios.items():
        lines.append(f"  {runs[name].label} p95 / floor list p95: {ratio:.2f} (target ≤ 1.5)")
    for name, value in p50s.items():
        lines.append(f"  p50 at concurrency 1, {runs[name + '_1'].label}: {value:.1f} ms (< 25)")
    lines.append(
        f"  like for like, p95 app/floor: filtered {runs['filtered'].pct(95) / runs['floor_filtered'].pct(95):.2f}, "
        f"detail {runs['detail'].pct(95) / runs['floor_detail'].pct(95):.2f}; "
        f"the floor's list at c=1 (the machine's pace): p50 {runs['floor_list_1'].pct(50):.1f} ms, "
        f"median of the app's list at c=1 {statistics.median(runs['list_1'].latencies) * 1000:.1f} ms"
    )
    return "\n".join(lines)


Request = tuple[str, str, dict[str, str], bytes | None]


def load(
    label: str, port: int, make: Callable[[int], Request], concurrency: int, seconds: float
) -> Run:
    """`concurrency` keep-alive clients sending `make(i)` requests to `port` for `seconds`."""
    run = Run(label)
    lock = threading.Lock()
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < deadline:
            with lock:
                i = next(counter)
            method, path, headers, body = make(i)
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                run.latencies.append(elapsed)
                run.statuses[response.status] = run.statuses.get(response.status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    return run


def get_json(port: int, path: str, headers: dict[str, str]) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status} {body[:300]!r}")
    return json.loads(body)


def deep_page(port: int, first: str, headers: dict[str, str], pages: int) -> str:
    """The path of the page `pages` pages after `first`, following `next` links."""
    path = first
    for _ in range(pages):
        link = get_json(port, path, headers)["next"]
        if not link:
            break
        parts = urlsplit(link)
        path = f"{parts.path}?{parts.query}"
    return path


Plan = list[tuple[str, str, int, Callable[[int], Request], int]]


def app_create(service: str, auth: dict[str, str]) -> Callable[[int], Request]:
    """POST cases/ with a contact, as intake sends it (a new Idempotency-Key each)."""

    def create(i: int) -> Request:
        body = {
            "service": service,
            "channel": "MICUENTA",
            "contact": {"given_names": "Carga", "first_surname": "Prueba",
                        "email": "carga@example.com"},
            "description": f"Solicitud de prueba de carga {i}.",
        }  # fmt: skip
        headers = {**auth, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
        return "POST", "/api/v1/cases/", headers, json.dumps(body).encode()

    return create


def plan_for(key: str, service: str, token: str, deep: int) -> Plan:
    auth = {"Authorization": f"Token {key}", "Accept": "application/json"}
    floor_auth = {"Authorization": f"Token {token}", "Accept": "application/json"}
    list_path = "/api/v1/cases/?ordering=-received_at"
    filtered_path = f"/api/v1/cases/?{FILTERED}&ordering=-received_at"
    deep_path = deep_page(PORT, list_path, auth, deep)
    floor_deep = deep_page(FLOOR_PORT, "/cases/", floor_auth, deep)
    folios = [row["folio"] for row in get_json(PORT, list_path + "&page_size=100", auth)["results"]]
    floor_folios = [row["folio"] for row in get_json(FLOOR_PORT, "/cases/", floor_auth)["results"]]

    create = app_create(service, auth)

    def floor_create(i: int) -> Request:
        now = dt.datetime.now(dt.UTC)
        body = {
            "folio": f"PISO-{uuid.uuid4().hex[:16]}", "status": "new", "channel": "MICUENTA",
            "service": service, "kind": "complaint",
            "description": f"Solicitud de prueba de carga {i}.",
            "given_names": "Carga", "first_surname": "Prueba", "email": "carga@example.com",
            "received_at": now.isoformat(),
            "resolution_due_at": (now + dt.timedelta(days=10)).isoformat(),
        }  # fmt: skip
        headers = {**floor_auth, "Content-Type": "application/json"}
        return "POST", "/cases/", headers, json.dumps(body).encode()

    def get(path: str, headers: dict[str, str]) -> Callable[[int], Request]:
        return lambda i: ("GET", path, headers, None)

    def detail(i: int) -> Request:
        return "GET", f"/api/v1/cases/{folios[i % len(folios)]}/", auth, None

    def floor_detail(i: int) -> Request:
        return "GET", f"/cases/{floor_folios[i % len(floor_folios)]}/", floor_auth, None

    app, floor = PORT, FLOOR_PORT
    return [
        ("create", "POST cases/ with a contact (c=8)", app, create, 8),
        ("floor_create", "floor POST (c=8)", floor, floor_create, 8),
        ("list", "GET cases/ first page (c=8)", app, get(list_path, auth), 8),
        ("floor_list", "floor list first page (c=8)", floor, get("/cases/", floor_auth), 8),
        ("deep", f"GET cases/ page {deep} (c=8)", app, get(deep_path, auth), 8),
        ("floor_deep", f"floor list page {deep} (c=8)", floor, get(floor_deep, floor_auth), 8),
        ("filtered", "GET cases/ filtered (c=8)", app, get(filtered_path, auth), 8),
        ("floor_filtered", "floor list filtered (c=8)", floor,
         get(f"/cases/?{FILTERED}", floor_auth), 8),
        ("detail", "GET cases/{folio}/ (c=8)", app, detail, 8),
        ("floor_detail", "floor detail (c=8)", floor, floor_detail, 8),
        ("create_1", "POST cases/ with a contact (c=1)", app, create, 1),
        ("list_1", "GET cases/ first page (c=1)", app, get(list_path, auth), 1),
        ("deep_1", f"GET cases/ page {deep} (c=1)", app, get(deep_path, auth), 1),
        ("filtered_1", "GET cases/ filtered (c=1)", app, get(filtered_path, auth), 1),
        ("detail_1", "GET cases/{folio}/ (c=1)", app, detail, 1),
        # Not a target: how fast the machine was (the c=1 p50s are absolute times).
        ("floor_list_1", "floor list first page (c=1)", floor, get("/cases/", floor_auth), 1),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--deep", type=int, default=200, help="pages followed for the deep page")
    parser.add_argument("--rounds", type=int, default=2, help="times every load is run")
    args = parser.parse_args()

    key, service = _setup(args.cases)
    token = _setup_floor(args.cases)
    subprocess.run(["redis-cli", "-u", BROKER, "flushdb"], capture_output=True, check=False)  # noqa: S603, S607
    servers = [Gunicorn("infonavit_atencion.wsgi", PORT, PRODUCTION)]
    try:
        servers.append(Gunicorn("bench.floor.wsgi", FLOOR_PORT, FLOOR))
        plan = plan_for(key, service, token, args.deep)
        print(
            f"databases {DB_NAME} / {FLOOR_DB_NAME}: {args.cases:,} cases / rows asked; "
            f"gunicorn 2 sync workers each; load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} CPUs"
        )
        # Each round runs every load once, the application's next to the floor's; the figures
        # merge the rounds, so a burst of load from elsewhere weighs on both sides alike.
        # Warm-up, not counted: connections opened, code paths and caches loaded in each worker.
        for _name, label, port, make, _c in plan:
            load(label, port, make, 2, min(1.0, args.seconds))
        runs = {name: Run(label) for name, label, _port, _make, _c in plan}
        for number in range(1, args.rounds + 1):
            this_round = {
                name: load(label, port, make, c, args.seconds)
                for name, label, port, make, c in plan
            }
            for name, run in this_round.items():
                runs[name].merge(run)
            if args.rounds > 1:
                print(f"round {number}: " + targets(this_round, compact=True))
        for run in runs.values():
            print(run.line())
        print(f"targets (ratios over {args.rounds} round(s) in this run):")
        print(targets(runs))
    finally:
        for server in servers:
            server.stop()
        subprocess.run(["redis-cli", "-u", BROKER, "flushdb"], capture_output=True, check=False)  # noqa: S603, S607


if __name__ == "__main__":
    main()
