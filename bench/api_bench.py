"""The REST API under load, against a minimal DRF floor measured in the same run (issue 5).

Creates (or reuses) the database `atencion_bench_api` on BENCH_DATABASE_URL's server, migrates
it, loads the reference data and fills it with `generate_history` up to --cases cases (default
1,000,000; the first run takes a while, later runs reuse the data). Starts gunicorn (2 sync
workers) with the application plus the floor under /floor/ (`bench/floor/`: ModelSerializer
with every column, cursor pagination, no auth, scoping, throttling, events or SLA work), with
Redis as broker and cache (routing messages pile up in Redis db 11, or API_BENCH_REDIS_DB,
flushed before and after; no worker runs).
A load generator in this process (threads, keep-alive HTTP over loopback) then measures:

  create      POST cases/ (with Idempotency-Key) vs the floor's POST, throughput at concurrency 8
  list        GET cases/ filtered and ordered: first page and a deep cursor page (200 pages in)
  detail      GET cases/{folio}/
  floor list  the floor's cursor-paginated list, first and deep page, and its detail

and prints p50/p95 and throughput of each, and the ratios the issue sets as targets:
create throughput ≥ 60 % of the floor's; list (any depth) and detail p95 ≤ 1.5 × the floor's
cursor list p95 at concurrency 8; p50 < 25 ms at concurrency 1. Prints figures; asserts nothing.

    [API_BENCH_DATABASE=NAME] .venv/bin/python bench/api_bench.py [--cases 1000000] [--seconds 10]
        [--rounds 2] [--deep 200]

Every load runs --rounds times, the rounds one after another (application next to floor in
each); the figures merge the rounds and each round's ratios are printed too.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
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
# Any database filled by generate_history will do (e.g. one the indicators bench left behind).
DB_NAME = os.environ.get("API_BENCH_DATABASE", "atencion_bench_api")
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atencion_bench")
_server = urlsplit(SERVER)
DATABASE_URL = urlunsplit((_server.scheme, _server.netloc, f"/{DB_NAME}", _server.query, ""))
_redis = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
# Broker and cache of the server under test; this Redis database is flushed before and after.
BROKER_DB = os.environ.get("API_BENCH_REDIS_DB", "11")
BROKER = urlunsplit((_redis.scheme, _redis.netloc, f"/{BROKER_DB}", _redis.query, ""))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "bench.floor.settings",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": BROKER,
        "LOG_LEVEL": "WARNING",
        # The bench measures the API, not the throttle's limit (the throttle still runs).
        "API_CLIENT_THROTTLE_RATE": "1000000/min",
    }
)


# --- set-up ------------------------------------------------------------------------------------


def _setup(cases: int) -> tuple[str, str, dict]:
    """The database filled to `cases`; an API client's key, a service it may register on its
    channel, and a floor POST body."""
    createdb = [
        "createdb",
        "-h",
        _server.hostname or "127.0.0.1",
        "-U",
        _server.username or "postgres",
        DB_NAME,
    ]
    subprocess.run(createdb, capture_output=True, check=False)  # noqa: S603 - fixed command line
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.forms.models import model_to_dict

    from accounts.models import Scope
    from accounts.services import api_client_create
    from cases.models import Case
    from catalog.models import ServiceChannel

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    have = Case.objects.count()
    if have < cases:
        started = time.perf_counter()
        months = 12
        call_command("generate_history", cases=cases - have, months=months, seed=have + 1)
        print(f"generated {cases - have:,} cases in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    name = f"Banco de pruebas {uuid.uuid4().hex[:6]}"
    scopes: list[str] = [
        Scope.CASES_READ,
        Scope.CASES_WRITE,
        Scope.CASES_READ_ALL,
        Scope.CATALOG_READ,
    ]
    _, key = api_client_create(name, "MICUENTA", scopes)
    sample = Case.objects.order_by("-id").first()
    assert sample is not None, "no cases to copy for the floor"
    body = {k: v for k, v in model_to_dict(sample).items() if v is not None and k != "id"}
    body = json.loads(json.dumps(body, default=str))
    service = (
        ServiceChannel.objects.filter(channel__code="MICUENTA", service__active=True)
        .exclude(service__kind="report")
        .order_by("service__code")
        .values_list("service__code", flat=True)
        .first()
    )
    connection.close()
    return key, str(service), body


class Gunicorn:
    def __init__(self) -> None:
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"), "infonavit_atencion.wsgi",
            "--workers", "2", "--bind", f"127.0.0.1:{PORT}", "--chdir", str(ROOT),
            "--log-level", "warning", "--timeout", "60",
        ]  # fmt: skip
        self.proc = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())  # noqa: S603
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

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
            f"{self.label:<38} {len(self.latencies):>6} req  {self.throughput:7.1f}/s  "
            f"p50 {self.pct(50):6.1f} ms  p95 {self.pct(95):6.1f} ms  statuses {self.statuses}"
        )

    def merge(self, other: Run) -> None:
        self.latencies.extend(other.latencies)
        self.seconds += other.seconds
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count


def targets(runs: dict[str, Run], *, compact: bool = False) -> str:
    """The issue's targets as ratios (and the concurrency-1 p50s) for these runs."""
    floor_p95 = max(runs["floor_list"].pct(95), runs["floor_deep"].pct(95))
    create = runs["create"].throughput / runs["floor_create"].throughput
    ratios = {name: runs[name].pct(95) / floor_p95 for name in ("list", "deep", "detail")}
    p50s = {name: runs[name].pct(50) for name in ("create_1", "list_1", "deep_1", "detail_1")}
    if compact:
        return (
            f"create {create:.0%} of floor; p95/floor list p95: list {ratios['list']:.2f}, "
            f"deep {ratios['deep']:.2f}, detail {ratios['detail']:.2f}; p50 c=1: "
            + ", ".join(f"{name[:-2]} {value:.1f} ms" for name, value in p50s.items())
            + f" (floor list {runs['floor_list_1'].pct(50):.1f} ms)"
        )
    lines = [f"  create throughput / floor's: {create:.0%} (target ≥ 60 %)"]
    for name, ratio in ratios.items():
        lines.append(f"  {runs[name].label} p95 / floor list p95: {ratio:.2f} (target ≤ 1.5)")
    worst = max(p50s, key=lambda name: p50s[name])
    lines.append(
        f"  worst p50 at concurrency 1: {p50s[worst]:.1f} ms, {runs[worst].label} (target < 25 ms)"
    )
    lines.append(
        f"  (list at c=1 median {statistics.median(runs['list_1'].latencies) * 1000:.1f} ms; "
        f"the floor's list at c=1, the machine's pace: p50 {runs['floor_list_1'].pct(50):.1f} ms)"
    )
    return "\n".join(lines)


Request = tuple[str, str, dict[str, str], bytes | None]


def load(label: str, make: Callable[[int], Request], concurrency: int, seconds: float) -> Run:
    """`concurrency` keep-alive clients sending `make(i)` requests for `seconds`."""
    run = Run(label)
    lock = threading.Lock()
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
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


def get_json(path: str, headers: dict[str, str]) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return json.loads(response.read())


def deep_page(first: str, headers: dict[str, str], pages: int) -> str:
    """The path of the page `pages` pages after `first`, following `next` links."""
    path = first
    for _ in range(pages):
        link = get_json(path, headers)["next"]
        if not link:
            break
        parts = urlsplit(link)
        path = f"{parts.path}?{parts.query}"
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--deep", type=int, default=200, help="pages followed for the deep page")
    parser.add_argument("--rounds", type=int, default=2, help="times every load is run")
    args = parser.parse_args()

    key, service, floor_body = _setup(args.cases)
    auth = {"Authorization": f"Token {key}", "Accept": "application/json"}
    subprocess.run(["redis-cli", "-u", BROKER, "flushdb"], capture_output=True, check=False)  # noqa: S603, S607
    server = Gunicorn()
    try:
        list_path = "/api/v1/cases/?status=assigned,in_progress&ordering=-received_at"
        deep_path = deep_page(list_path, auth, args.deep)
        floor_deep = deep_page("/floor/cases/", {}, args.deep)
        folios = [row["folio"] for row in get_json(list_path + "&page_size=100", auth)["results"]]
        print(
            f"database {DB_NAME}: {args.cases:,} cases asked; gunicorn 2 workers; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )

        def create(i: int) -> Request:
            body = {
                "service": service,
                "channel": "MICUENTA",
                "contact": {
                    "given_names": "Carga",
                    "first_surname": "Prueba",
                    "email": "carga@example.com",
                },
                "description": f"Solicitud de prueba de carga {i}.",
            }
            headers = {
                **auth,
                "Content-Type": "application/json",
                "Idempotency-Key": uuid.uuid4().hex,
            }
            return "POST", "/api/v1/cases/", headers, json.dumps(body).encode()

        def floor_create(i: int) -> Request:
            body = {
                **floor_body,
                "folio": f"PISO-{uuid.uuid4().hex[:16]}",
                "external_reference": None,
            }
            body = {k: v for k, v in body.items() if v is not None}
            return (
                "POST",
                "/floor/cases/",
                {"Content-Type": "application/json"},
                json.dumps(body).encode(),
            )

        def get(path: str, headers: dict[str, str]) -> Callable[[int], Request]:
            return lambda i: ("GET", path, headers, None)

        def detail(i: int) -> Request:
            return "GET", f"/api/v1/cases/{folios[i % len(folios)]}/", auth, None

        def floor_detail(i: int) -> Request:
            return "GET", f"/floor/cases/{folios[i % len(folios)]}/", {}, None

        s = args.seconds
        plan: list[tuple[str, str, Callable[[int], Request], int]] = [
            ("create", "POST cases/ (c=8)", create, 8),
            ("floor_create", "floor POST (c=8)", floor_create, 8),
            ("list", "GET cases/ first page (c=8)", get(list_path, auth), 8),
            ("deep", f"GET cases/ page {args.deep} (c=8)", get(deep_path, auth), 8),
            ("detail", "GET cases/{folio}/ (c=8)", detail, 8),
            ("floor_list", "floor list first page (c=8)", get("/floor/cases/", {}), 8),
            ("floor_deep", f"floor list page {args.deep} (c=8)", get(floor_deep, {}), 8),
            ("floor_detail", "floor detail (c=8)", floor_detail, 8),
            ("create_1", "POST cases/ (c=1)", create, 1),
            ("list_1", "GET cases/ first page (c=1)", get(list_path, auth), 1),
            ("deep_1", f"GET cases/ page {args.deep} (c=1)", get(deep_path, auth), 1),
            ("detail_1", "GET cases/{folio}/ (c=1)", detail, 1),
            # Not a target: how fast the machine was (the c=1 p50s are absolute times).
            ("floor_list_1", "floor list first page (c=1)", get("/floor/cases/", {}), 1),
        ]
        # Each round runs every load once, the application's next to the floor's; the figures
        # merge the rounds, so a burst of load from elsewhere weighs on both sides alike.
        runs = {key: Run(label) for key, label, _make, _c in plan}
        for number in range(1, args.rounds + 1):
            this_round = {key: load(label, make, c, s) for key, label, make, c in plan}
            for key, run in this_round.items():
                runs[key].merge(run)
            if args.rounds > 1:
                print(f"round {number}: " + targets(this_round, compact=True))
        for run in runs.values():
            print(run.line())
        print(f"targets (ratios over {args.rounds} round(s) in this run):")
        print(targets(runs))
    finally:
        server.stop()
        subprocess.run(["redis-cli", "-u", BROKER, "flushdb"], capture_output=True, check=False)  # noqa: S603, S607


if __name__ == "__main__":
    main()
