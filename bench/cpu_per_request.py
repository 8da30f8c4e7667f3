"""CPU milliseconds per request, application against the independent floor (issue 17).

Throughput and p95 on a shared 2-core machine move with whatever else runs; CPU time per
request does not (much). This bench serves both projects as `api_bench.py` does (same
databases, same gunicorn, same requests), runs each load at concurrency 8 for --seconds, and
reads from /proc the CPU time (user + system) spent meanwhile by:

- the gunicorn workers (Python: Django, DRF, the application);
- PostgreSQL, the whole server (backends parsing, planning, executing and committing; the WAL
  writer and checkpointer): run it on a machine where nothing else uses the server;
- Redis (the application's throttle counter and broker publishes; the floor uses none);
- this process (the load generator: the same requests on both sides).

On a machine whose cores are all busy, throughput is about cores / (CPU per request summed
over the processes), so the ratio of the sums is what the throughput ratio tends to.

    [API_BENCH_DATABASE=NAME] [FLOOR_BENCH_DATABASE=NAME] .venv/bin/python bench/cpu_per_request.py
        [--cases 1000000] [--seconds 10] [--deep 200]
"""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path

import api_bench as bench
import psycopg2

TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """User + system CPU of a process and all its descendants, live or ended, in seconds.

    An ended child's time is in its parent's cutime/cstime once reaped, so a PostgreSQL
    backend that closed (connections live CONN_MAX_AGE seconds) or a worker that restarted
    still counts."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    own = sum(int(value) for value in fields[11:15]) / TICKS
    return own + sum(tree_cpu(child) for child in children(pid))


def own_cpu(pid: int) -> float:
    """User + system CPU of one process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def children(pid: int) -> list[int]:
    done = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)  # noqa: S603, S607
    return [int(line) for line in done.stdout.split()]


def postmaster_pid() -> int:
    with psycopg2.connect(bench._database_url("postgres")) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
        data_directory = cursor.fetchone()[0]
    return int(Path(data_directory, "postmaster.pid").read_text().split()[0])


def pid_of(name: str) -> int:
    done = subprocess.run(["pgrep", "-o", "-x", name], capture_output=True, text=True)  # noqa: S603, S607
    return int(done.stdout.split()[0])


def measure(label: str, server: bench.Gunicorn, make, seconds: float) -> str:  # type: ignore[no-untyped-def]
    groups = {
        "gunicorn": server.proc.pid,
        "postgres": postmaster_pid(),
        "redis": pid_of("redis-server"),
    }
    before = {name: tree_cpu(pid) for name, pid in groups.items()}
    before["load generator"] = own_cpu(os.getpid())
    run = bench.load(label, server.port, make, 8, seconds)
    after = {name: tree_cpu(pid) for name, pid in groups.items()}
    after["load generator"] = own_cpu(os.getpid())
    requests = max(1, len(run.latencies))
    per = {name: (after[name] - before[name]) * 1000 / requests for name in before}
    parts = ", ".join(f"{name} {value:.2f}" for name, value in per.items())
    total = sum(value for name, value in per.items() if name != "load generator")
    return f"{label:<34} {run.throughput:7.1f}/s  CPU ms/request: {total:.2f} served ({parts})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--deep", type=int, default=200)
    args = parser.parse_args()
    key, service = bench._setup(args.cases)
    token = bench._setup_floor(args.cases)
    app = bench.Gunicorn("infonavit_atencion.wsgi", bench.PORT, bench.PRODUCTION)
    floor = bench.Gunicorn("bench.floor.wsgi", bench.FLOOR_PORT, bench.FLOOR)
    try:
        plan = bench.plan_for(key, service, token, args.deep)
        for _name, label, port, make, _c in plan:
            bench.load(label, port, make, 2, 1.0)  # warm-up
        for _name, label, port, make, concurrency in plan:
            if concurrency != 8:
                continue
            side = app if port == bench.PORT else floor
            print(measure(label, side, make, args.seconds), flush=True)
    finally:
        app.stop()
        floor.stop()
        subprocess.run(["redis-cli", "-u", bench.BROKER, "flushdb"], capture_output=True)  # noqa: S603, S607


if __name__ == "__main__":
    main()
