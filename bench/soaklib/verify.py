"""What must hold after the faults (SPEC §10), checked against the answers and the database.

Each case's description carries its Idempotency-Key (`[soak-…]`), so a case in the database
can be traced back to the request that made it even if no answer ever named its folio.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from .faults import FaultWindow
from .load import Attempt, LoadResult, Submission

KEY_PATTERN = re.compile(r"\[(soak-[0-9a-z]+-\d+)\]")
# A request overlapping a database fault may still be answered 503 this long after it ended.
DB_FAULT_TOLERANCE = 2.0
EXAMPLES = 5


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Report:
    figures: dict[str, Any] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    faults: list[FaultWindow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "figures": self.figures,
            "checks": [asdict(c) for c in self.checks],
            "faults": [asdict(w) for w in self.faults],
        }


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _examples(items: Any) -> str:
    items = list(items)
    shown = ", ".join(str(i) for i in items[:EXAMPLES])
    return f"{len(items)}" + (f" (e.g. {shown})" if items else "")


def _in_db_fault(attempt: Attempt, windows: list[FaultWindow]) -> bool:
    end = attempt.started + attempt.latency
    return any(
        w.kind == "database" and attempt.started <= w.end + DB_FAULT_TOLERANCE and end >= w.start
        for w in windows
    )


def _status_label(status: int | None) -> str:
    return "no answer" if status is None else str(status)


def verify(
    client_id: int,
    submissions: list[Submission],
    load: LoadResult,
    windows: list[FaultWindow],
    planned_faults: int,
) -> Report:
    from cases.models import Case
    from cases.timeline_check import case_timeline_problems

    report = Report(faults=windows)
    attempts = load.attempts
    add = report.checks.append
    keys = {sub.key for sub in submissions}

    # --- what the client saw ---------------------------------------------------------------
    statuses = Counter(_status_label(a.status) for a in attempts)
    folios_by_key: dict[str, set[str]] = defaultdict(set)
    for a in attempts:
        if a.status == 201 and a.folio:
            folios_by_key[a.key].add(a.folio)
    answered = set(folios_by_key)
    answered_folios = {folio for folios in folios_by_key.values() for folio in folios}
    server_errors = [a for a in attempts if a.status is not None and a.status >= 500]
    not_503 = [a for a in server_errors if a.status != 503]
    stray_503 = [a for a in server_errors if a.status == 503 and not _in_db_fault(a, windows)]
    bare_503 = [a for a in server_errors if a.status == 503 and not a.problem_body]
    dropped = [a for a in attempts if a.status is None]
    other = [a for a in attempts if a.status is not None and a.status < 500 and a.status != 201]
    duplicates_sent = [a for a in attempts if a.purpose == "duplicate" and a.status == 201]
    sequential = {s.key for s in submissions if s.mode == "sequential"}
    unreplayed = [a for a in duplicates_sent if a.key in sequential and not a.replayed]

    # --- what the database holds -----------------------------------------------------------
    rows = list(
        Case.objects.filter(created_by_client_id=client_id).values_list(
            "pk", "folio", "description", "status", "created_at", "routed_at"
        )
    )
    cases_by_key: dict[str, list[str]] = defaultdict(list)
    untraced = []
    for _pk, folio, description, *_ in rows:
        match = KEY_PATTERN.search(description)
        if match and match.group(1) in keys:
            cases_by_key[match.group(1)].append(folio)
        else:
            untraced.append(folio)
    db_folios = {row[1] for row in rows}
    unrouted = [row[1] for row in rows if row[3] == "new"]
    invalid = case_timeline_problems([row[0] for row in rows])
    folio_of = {row[0]: row[1] for row in rows}
    routing_delays = [(row[5] - row[4]).total_seconds() for row in rows if row[5] is not None]
    latencies = [a.latency for a in attempts if a.status == 201]

    report.figures = {
        "cases_planned": len(submissions),
        "modes": dict(Counter(s.mode for s in submissions)),
        "requests": len(attempts),
        "retries_after_transient_answers": sum(1 for a in attempts if a.purpose == "retry"),
        "statuses": dict(sorted(statuses.items())),
        "responses_201": statuses.get("201", 0),
        "keys_answered_201": len(answered),
        "distinct_folios_answered": len(answered_folios),
        "cases_in_database": len(rows),
        "duplicate_cases": sum(len(f) - 1 for f in cases_by_key.values() if len(f) > 1),
        "cases_without_201": len(db_folios - answered_folios),
        "unrouted_cases": len(unrouted),
        "invalid_histories": len(invalid),
        "server_errors_other_than_503": len(not_503),
        "responses_503": statuses.get("503", 0),
        "faults_while_sending": sum(1 for w in windows if w.start <= load.issued_seconds),
        "load_seconds": round(load.seconds, 1),
        "achieved_rate_per_s": round(len(submissions) / load.issued_seconds, 1)
        if load.issued_seconds
        else 0.0,
        "created_latency_ms": {
            "p50": round(_pct(latencies, 50) * 1000),
            "p95": round(_pct(latencies, 95) * 1000),
            "max": round(max(latencies, default=0) * 1000),
        },
        "created_to_routed_s": {
            "p50": round(_pct(routing_delays, 50), 2),
            "p95": round(_pct(routing_delays, 95), 2),
            "max": round(max(routing_delays, default=0), 2),
        },
    }

    add(
        Check(
            "every scheduled fault was injected",
            len(windows) == planned_faults,
            f"{len(windows)} of {planned_faults}",
        )
    )
    add(
        Check(
            "every case answered 201 in the end",
            answered == keys,
            "keys without a 201: " + _examples(sorted(keys - answered)),
        )
    )
    mismatched = sorted(k for k, f in folios_by_key.items() if len(f) > 1)
    add(
        Check(
            "every key's 201s name one folio",
            not mismatched,
            "keys with several folios: " + _examples(mismatched),
        )
    )
    add(
        Check(
            "every folio answered exists",
            answered_folios <= db_folios,
            "answered but missing: " + _examples(sorted(answered_folios - db_folios)),
        )
    )
    doubled = sorted(k for k, f in cases_by_key.items() if len(f) > 1)
    add(
        Check(
            "no key made more than one case",
            not doubled,
            "keys with several cases: " + _examples(doubled),
        )
    )
    add(
        Check(
            "no case without a 201",
            not (db_folios - answered_folios) and not untraced,
            "cases no answer named: "
            + _examples(sorted((db_folios - answered_folios) | set(untraced))),
        )
    )
    add(Check("every case routed", not unrouted, "still new: " + _examples(sorted(unrouted))))
    add(
        Check(
            "every event history valid",
            not invalid,
            "invalid: "
            + _examples(f"{folio_of[pk]}: {'; '.join(p)}" for pk, p in sorted(invalid.items())),
        )
    )
    add(
        Check(
            "no 5xx other than 503",
            not not_503,
            _examples(f"{a.status} at {a.started:.1f} s: {a.error[:120]}" for a in not_503),
        )
    )
    add(
        Check(
            "503 only during the database fault",
            not stray_503,
            "outside: " + _examples(f"{a.started:.1f} s" for a in stray_503),
        )
    )
    add(
        Check(
            "every 503 has a problem body", not bare_503, _examples(a.error[:80] for a in bare_503)
        )
    )
    add(
        Check(
            "no request left without an answer",
            not dropped,
            _examples(f"{a.started:.1f} s: {a.error}" for a in dropped),
        )
    )
    add(
        Check(
            "no other unexpected status",
            not other,
            _examples(f"{a.status}: {a.error[:160]}" for a in other),
        )
    )
    add(
        Check(
            "sequential retries were replayed",
            not unreplayed,
            "not marked Idempotent-Replayed: " + _examples(a.key for a in unreplayed),
        )
    )
    return report
