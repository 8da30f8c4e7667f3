"""Where an API create and an API list spend their time (issue 17): py-spy over gunicorn under
load, and the queries of one request.

Uses `bench/api_bench.py`'s database, client and server (the application under the production
settings, gunicorn 2 sync workers). For each of create (with a contact, as intake sends it) and
the first page of the list: a load at concurrency 8 for --seconds while `py-spy record` samples
both workers (idle frames included, so waiting on PostgreSQL or Redis counts), then the share of
samples under each part of the request (inclusive: a query run by the authentication counts in
both). Then, in this process, the queries one request runs (Django test client, same database).

    [API_BENCH_DATABASE=NAME] .venv/bin/python bench/profile_api.py [--cases 3000] [--seconds 15]
        [--flame DIR]   # also write speedscope profiles there
        [--cpu]         # only samples holding the GIL: Python's CPU time, not the waits
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import api_bench as bench

# (label, substrings of "path:Class.function" of a frame). A sample belongs to the part of the
# innermost frame on its stack that matches one (so the middleware chain, which wraps
# everything, gets only what runs in the middleware itself); "of which in the database" is the
# share of those samples inside Django's database backend (the driver's round trip included).
PARTS: list[tuple[str, tuple[str, ...]]] = [
    ("middleware: sessions", ("contrib/sessions/",)),
    ("middleware: csrf", ("middleware/csrf.py",)),
    ("middleware: locale", ("middleware/locale.py",)),
    ("middleware: messages", ("contrib/messages/",)),
    ("middleware: auth (lazy user)", ("contrib/auth/middleware.py",)),
    ("middleware: csp", ("csp/",)),
    ("middleware: axes", ("axes/",)),
    ("middleware: history", ("simple_history/middleware",)),
    ("middleware: whitenoise", ("whitenoise/",)),
    ("middleware: request guard", ("core/middleware.py",)),
    ("middleware: office timezone", ("web/middleware.py",)),
    ("middleware: security/common/clickjacking", (
        "middleware/security.py", "middleware/common.py", "middleware/clickjacking.py")),
    ("authentication (token)", ("accounts/api/authentication.py", "accounts/api/client_lookup.py")),
    ("throttle", ("core/throttling.py", "rest_framework/throttling.py")),
    ("permissions (scopes)", ("accounts/api/permissions.py",)),
    ("idempotency", ("idempoten",)),
    ("broker publish (kombu/redis)", ("kombu/", "celery/")),
    ("contact upsert", ("contacts/",)),
    ("SLA arithmetic", ("businesstime/", "cases/sla/")),
    ("events / outbox", ("cases/events.py", "cases/ports.py", "webhooks/")),
    ("folio", ("cases/folios.py",)),
    ("catalog cache", ("cases/catalog_cache.py",)),
    ("intake service", ("cases/services/",)),
    ("list query and keyset (selectors, pagination)", (
        "cases/selectors/", "django_filters/", "infonavit_atencion/core/pagination.py")),
    ("serialization (DRF fields, case JSON)", (
        "rest_framework/serializers.py", "rest_framework/fields.py", "rest_framework/relations.py",
        "cases/api/serializers.py", "cases/representation.py", "cases/api/fields.py")),
    ("JSON parse and render", ("rest_framework/renderers.py", "rest_framework/parsers.py",
                               "rest_framework/utils/encoders.py")),
    ("view and DRF dispatch (other)", ("cases/api/",)),
]  # fmt: skip
# Only when no part above is on the stack.
GENERIC: list[tuple[str, tuple[str, ...]]] = [
    ("transaction (begin/commit)", ("django/db/transaction.py",)),
    ("ORM outside the parts above", ("django/db/",)),
    ("view and DRF dispatch (other)", ("rest_framework/",)),
    ("URL resolving", ("django/urls/",)),
    ("Django request handling (other)", ("django/core/handlers/", "django/http/")),
    ("gunicorn (parse, write)", ("gunicorn/",)),
]
IN_DATABASE = ("django/db/backends/", "psycopg")


def _part(stack: list[str]) -> str:
    """The innermost application part on the stack; without one, the innermost middleware or
    generic frame (so the middleware chain, which wraps every request, is not charged with
    the view's generic DRF and ORM work)."""
    application = [part for part in PARTS if not part[0].startswith("middleware:")]
    rest = [part for part in PARTS if part[0].startswith("middleware:")] + GENERIC
    for parts in (application, rest):
        for frame in reversed(stack):
            for label, patterns in parts:
                if any(pattern in frame for pattern in patterns):
                    return label
    return "other"


def summarize(raw: Path) -> str:
    """Share of the samples serving a request under each part, from py-spy's raw output."""
    parts: Counter[str] = Counter()
    in_db: Counter[str] = Counter()
    busy = 0
    for line in raw.read_text().splitlines():
        stack_text, _, count_text = line.rpartition(" ")
        if "SyncWorker.handle " not in stack_text:
            continue  # the arbiter, or a worker waiting for a request
        count = int(count_text)
        busy += count
        # Frames look like "Class.function (path/file.py:line)"; match on "path:Class.function".
        stack = []
        for frame in stack_text.split(";"):
            name, _, where = frame.partition(" (")
            stack.append(f"{where.rsplit(':', 1)[0]}:{name}")
        label = _part(stack)
        parts[label] += count
        if any(mark in frame for frame in stack for mark in IN_DATABASE):
            in_db[label] += count
    lines = [f"  {busy} samples serving a request; share, and of which in the database backend:"]
    for label, count in parts.most_common():
        lines.append(f"  {count / busy:6.1%}  {label:<48} {in_db[label] / busy:6.1%}")
    lines.append(f"  {sum(in_db.values()) / busy:6.1%}  in the database backend, all parts")
    return "\n".join(lines)


def profile(label: str, make, seconds: float, flame: Path | None, cpu_only: bool) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.txt"
        record = [
            str(bench.ROOT / ".venv" / "bin" / "py-spy"), "record", "--pid", str(server.proc.pid),
            "--subprocesses", *(["--gil"] if cpu_only else ["--idle"]), "--nonblocking",
            "--rate", "200",
            "--duration", str(int(seconds)), "--format", "raw", "--output", str(raw),
        ]  # fmt: skip
        spy = subprocess.Popen(record, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        run = bench.load(label, bench.PORT, make, 8, seconds)
        spy.wait(timeout=seconds + 60)
        print(run.line())
        print(summarize(raw))
        if flame is not None:
            flame.mkdir(parents=True, exist_ok=True)
            (flame / f"{label.split()[0].lower()}.txt").write_text(raw.read_text())


def queries() -> None:
    """The SQL of one create and one list request (in this process, local settings)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    key = plan_key
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    make = dict(plan)["create"]
    for name, request in (("create", make(0)), ("list", ("GET", LIST, {}, None))):
        method, path, headers, body = request
        client.get(LIST)  # warm: catalog cache, client row
        with CaptureQueriesContext(connection) as captured:
            if method == "POST":
                response = client.post(
                    path, body, content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=headers["Idempotency-Key"],
                )  # fmt: skip
            else:
                response = client.get(path)
        print(f"{name}: {response.status_code}, {len(captured)} queries")
        for query in captured:
            print(f"    {query['sql'][:150]}")


LIST = "/api/v1/cases/?ordering=-received_at"
server: bench.Gunicorn
plan: list[tuple[str, Callable[[int], bench.Request]]]
plan_key: str


def main() -> None:
    global server, plan, plan_key
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--flame", type=Path, default=None)
    parser.add_argument("--cpu", action="store_true", help="sample Python's CPU time only")
    args = parser.parse_args()
    key, service = bench._setup(args.cases)
    plan_key = key
    os.environ.update(bench.PRODUCTION)
    server = bench.Gunicorn("infonavit_atencion.wsgi", bench.PORT, {})
    try:
        auth = {"Authorization": f"Token {key}", "Accept": "application/json"}
        plan = [
            ("create", bench.app_create(service, auth)),
            ("list", lambda i: ("GET", LIST, auth, None)),
        ]
        for name, make in plan:
            bench.load(name, bench.PORT, make, 2, 1.0)  # warm-up
            profile(f"{name} (c=8)", make, args.seconds, args.flame, args.cpu)
    finally:
        server.stop()
    queries()


if __name__ == "__main__":
    main()
