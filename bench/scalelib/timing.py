"""Warm timings for `bench/scale_bench.py`: median and p95 of measured runs, printed and kept."""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

RESULTS: dict[str, Any] = {"timings": [], "sizes": []}


def timed(label: str, call: Callable[[], Any], runs: int, note: str = "") -> Any:
    """Run `call` once unmeasured, then `runs` times measured; record; return its result."""
    result = call()  # warm: plans, catalog caches, pages in memory
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        samples.append((time.perf_counter() - started) * 1000)
    record(label, samples, note)
    return result


def record(label: str, samples: list[float], note: str) -> None:
    ordered = sorted(samples)
    median = statistics.median(ordered)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    RESULTS["timings"].append(
        {
            "label": label,
            "median_ms": round(median, 2),
            "p95_ms": round(p95, 2),
            "runs": len(samples),
            "note": note,
        }
    )
    print(f"{label:<58} {median:>10.1f} {p95:>9.1f}  {note}", flush=True)


def header(title: str) -> None:
    load = os.getloadavg()[0]
    print(
        f"\n{title:<58} {'median ms':>10} {'p95 ms':>9}  note (load average {load:.1f})", flush=True
    )


def wait_for_quiet(max_load: float, patience: float) -> None:
    """On a shared machine: wait (up to `patience` seconds) for the 1-minute load average."""
    deadline = time.monotonic() + patience
    while os.getloadavg()[0] > max_load and time.monotonic() < deadline:
        time.sleep(15)
    RESULTS["load_at_start"] = os.getloadavg()[0]
