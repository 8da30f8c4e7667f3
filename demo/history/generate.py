"""`history_generate`: sample arrivals, live each case, write them in batches (one transaction
each) with their contacts, comments, events and survey answers; advance the folio counter."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F

from cases.models import Case, CaseEvent, Comment, FolioCounter
from contacts.details import DETAIL_FIELDS
from contacts.models import Contact
from contacts.names import search_name
from infonavit_atencion.core import hashchain
from surveys.models import SurveyAnswer

from . import profiles as p
from .arrivals import Arrival, arrivals_sample
from .catalog import Snapshot, snapshot_load, staff_ensure
from .identities import person_new
from .lives import ContactRef, Context, case_live
from .simulate import CaseLife, Ref
from .writer import TableWriter

FOLIO_TZ = ZoneInfo("America/Mexico_City")
REF_KINDS = frozenset({"notified", "commented"})
MAX_WORKERS = 10  # CURP lanes: one differentiator digit at least per worker
CONTACT_TYPES = (("derechohabiente", 60), ("acreditado", 35), ("patron", 3), ("other", 2))


@dataclass
class HistoryReport:
    cases: int = 0
    events: int = 0
    contacts: int = 0
    comments: int = 0
    surveys: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0


def months_back(now: dt.datetime, months: int) -> dt.datetime:
    local = now.astimezone(FOLIO_TZ)
    month_index = local.year * 12 + local.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(local.day, 28)
    return local.replace(year=year, month=month + 1, day=day).astimezone(dt.UTC)


def _folio_numbers(count: int) -> list[int]:
    """Reserve `count` folio numbers from what cases.folios uses (sequence or counter row)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('cases_folio_seq') FROM generate_series(1, %s)", [count])
            return [row[0] for row in cursor.fetchall()]
    FolioCounter.objects.get_or_create(name="folio")
    FolioCounter.objects.filter(name="folio").update(value=F("value") + count)
    last = FolioCounter.objects.values_list("value", flat=True).get(name="folio")
    return list(range(last - count + 1, last + 1))


class _Contacts:
    """New citizens (valid NSS and CURP, unique) and returning ones, across batches."""

    def __init__(self, rng: random.Random, lane: tuple[int, int]) -> None:
        self.rng, self.lane = rng, lane
        self.known: list[ContactRef] = []
        self.nss = set(Contact.objects.exclude(nss=None).values_list("nss", flat=True))
        self.curp = set(Contact.objects.exclude(curp=None).values_list("curp", flat=True))

    def pick(
        self, count: int, writer: TableWriter, at: list[dt.datetime]
    ) -> tuple[list[ContactRef], list[dict[str, Any]]]:
        rng = self.rng
        returning = [
            bool(self.known) and rng.random() < p.P_RETURNING_CONTACT for _ in range(count)
        ]
        ids = iter(writer.ids(returning.count(False)))
        refs, rows = [], []
        for index, again in enumerate(returning):
            if again:
                refs.append(rng.choice(self.known))
                continue
            pk = next(ids)
            person = person_new(pk, 0, rng, p.P_EMAIL, self.lane)
            serial = pk
            while person.nss in self.nss or person.curp in self.curp:
                serial += 10**9
                person = person_new(serial, 0, rng, p.P_EMAIL, self.lane)
            self.nss.add(person.nss)
            self.curp.add(person.curp)
            consent = rng.random() >= p.P_NO_SURVEY_CONSENT
            kind = rng.choices(
                [t for t, _ in CONTACT_TYPES], weights=[w for _, w in CONTACT_TYPES]
            )[0]
            rows.append({
                "id": pk, "nss": person.nss, "curp": person.curp, "rfc": "", "given_names": person.given_names,
                "first_surname": person.first_surname, "second_surname": person.second_surname,
                "search_name": search_name(person.first_surname, person.second_surname, person.given_names),
                "email": person.email, "phone": person.phone, "type": kind, "consent_notifications": True,
                "consent_survey": consent, "merged_into_id": None, "created_at": at[index], "updated_at": at[index],
            })  # fmt: skip
            details = {f"contact_{name}": str(rows[-1][name] or "") for name in DETAIL_FIELDS}
            ref = ContactRef(pk, bool(person.email), consent, details)
            self.known.append(ref)
            refs.append(ref)
        return refs, rows


def _rows(
    lives: list[CaseLife], folios: list[str], writers: dict[str, TableWriter]
) -> dict[str, list[dict[str, Any]]]:
    event_ids = iter(writers["events"].ids(sum(len(life.events) for life in lives)))
    comment_ids = iter(writers["comments"].ids(sum(len(life.comments) for life in lives)))
    survey_ids = iter(writers["surveys"].ids(sum(1 for life in lives if life.survey)))
    out: dict[str, list[dict[str, Any]]] = {
        "cases": [],
        "events": [],
        "comments": [],
        "surveys": [],
    }
    for life, folio in zip(lives, folios, strict=True):
        case_id = life.row["id"]
        out["cases"].append({**life.row, "folio": folio})
        ids = {
            "event": [next(event_ids) for _ in life.events],
            "comment": [next(comment_ids) for _ in life.comments],
        }
        for comment, pk in zip(life.comments, ids["comment"], strict=True):
            out["comments"].append({"id": pk, "case_id": case_id, "author_user_id": comment.actor[0],
                                    "author_client_id": comment.actor[1], "body": comment.body, "public": True,
                                    "created_at": comment.at})  # fmt: skip
        event_rows = []
        for event, pk in zip(life.events, ids["event"], strict=True):
            data = event.data
            if event.kind in REF_KINDS:  # ids known only now: the cause event, the comment
                data = {
                    k: ids[v.kind][v.index] if isinstance(v, Ref) else v for k, v in data.items()
                }
            event_rows.append({
                "id": pk, "case_id": case_id, "kind": event.kind, "at": event.at, "actor_user_id": event.actor[0],
                "actor_client_id": event.actor[1], "data": data, "status": event.status, "case_kind": event.case_kind,
                "channel_id": event.channel_id, "office_id": event.office_id, "service_id": event.service_id,
                "directorate_id": event.directorate_id, "area_id": event.area_id,
            })  # fmt: skip
        _chain(event_rows)
        out["events"].extend(event_rows)
        if life.survey:
            csat, nps, comment_text, at = life.survey
            out["surveys"].append({"id": next(survey_ids), "case_id": case_id, "csat": csat, "nps": nps,
                                   "comment": comment_text, "answered_at": at})  # fmt: skip
    return out


def _chain(event_rows: list[dict[str, Any]]) -> None:
    """One new case's hash chain, in the (at, id) order the verifier reads it (ADR 0013)."""
    head = hashchain.GENESIS
    for row in sorted(event_rows, key=lambda r: (r["at"], r["id"])):
        row["chain_hash"] = head = hashchain.event_link(
            head, [row[name] for name in hashchain.EVENT_FIELDS]
        )


class _Batches:
    """Writes chunks of arrivals, one transaction each, with one random stream and contact pool."""

    def __init__(
        self, snap: Snapshot, rng: random.Random, now: dt.datetime, lane: tuple[int, int]
    ) -> None:
        self.ctx = Context(snap, rng, now)
        self.people = _Contacts(rng, lane)
        self.writers = {
            "contacts": TableWriter(Contact),
            "cases": TableWriter(Case),
            "comments": TableWriter(Comment),
            "events": TableWriter(CaseEvent),
            "surveys": TableWriter(SurveyAnswer),
        }

    def write(self, chunk: list[Arrival]) -> HistoryReport:
        writers = self.writers
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                # Demo data: a crash may lose the last batches, never half of one; the commit
                # need not wait for the WAL flush (never changed for a caller's transaction).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            at = [a.received_at for a in chunk]
            contacts, contact_rows = self.people.pick(len(chunk), writers["contacts"], at)
            case_ids = writers["cases"].ids(len(chunk))
            lives = [
                case_live(self.ctx, a, pk, c)
                for a, pk, c in zip(chunk, case_ids, contacts, strict=True)
            ]
            numbers = _folio_numbers(len(chunk))
            folios = [f"{settings.FOLIO_PREFIX}-{life.row['created_at'].astimezone(FOLIO_TZ).year}-{n:08d}"
                      for life, n in zip(lives, numbers, strict=True)]  # fmt: skip
            rows = _rows(lives, folios, writers)
            writers["contacts"].write(contact_rows)
            for name in ("cases", "comments", "events", "surveys"):
                writers[name].write(rows[name])
        return HistoryReport(
            len(chunk),
            len(rows["events"]),
            len(contact_rows),
            len(rows["comments"]),
            len(rows["surveys"]),
        )


def _add(total: HistoryReport, part: HistoryReport) -> None:
    total.cases += part.cases
    total.events += part.events
    total.contacts += part.contacts
    total.comments += part.comments
    total.surveys += part.surveys


def _worker(lane: tuple[int, int], chunks: list[list[Arrival]], snap: Snapshot, seed: str, now: dt.datetime,
            queue: Any) -> None:  # fmt: skip
    """A forked process: its own connection, random stream and CURP lane; reports per batch."""
    try:
        batches = _Batches(snap, random.Random(seed), now, lane)  # noqa: S311 - demo data
        for chunk in chunks:
            queue.put(batches.write(chunk))
    except BaseException:
        queue.put(traceback.format_exc())
        raise
    finally:
        connections.close_all()


def _in_parallel(chunks: list[list[Arrival]], snap: Snapshot, seed: str, now: dt.datetime, workers: int,
                 on_batch: Callable[[HistoryReport], None]) -> None:  # fmt: skip
    """Batches spread over forked processes (PostgreSQL: sequences and COPY are concurrency-safe)."""
    connections.close_all()  # a forked child must open its own connection
    mp = multiprocessing.get_context("fork")
    queue = mp.Queue()
    procs = [
        mp.Process(
            target=_worker, args=((w, workers), chunks[w::workers], snap, f"{seed}/{w}", now, queue)
        )
        for w in range(workers)
    ]
    for proc in procs:
        proc.start()
    failure = None
    for _ in range(len(chunks)):
        message = queue.get()
        if isinstance(message, str):
            failure = message
            break
        on_batch(message)
    for proc in procs:
        if failure is not None and proc.is_alive():
            proc.terminate()  # stop the others; their batches already committed stay
        proc.join()
    if failure or any(proc.exitcode for proc in procs):
        raise RuntimeError(f"generate_history: a worker failed\n{failure or ''}")


def history_generate(
    cases: int,
    months: int,
    *,
    seed: int | None = None,
    now: dt.datetime | None = None,
    batch_size: int = 5000,
    workers: int = 1,
    progress: Callable[[HistoryReport], None] | None = None,
) -> HistoryReport:
    """Generate `cases` cases received over the last `months` months (until `now`, whole minute).

    `workers` > 1 spreads the batches over that many processes on PostgreSQL (ignored on SQLite,
    which has a single writer, and inside a transaction). Each batch is one transaction.
    """
    started = time.monotonic()
    seed_text = str(seed if seed is not None else random.SystemRandom().getrandbits(64))
    rng = random.Random(seed_text)  # noqa: S311 - demo data, not secrets
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(second=0, microsecond=0)
    snap = snapshot_load()
    staff_ensure(snap)
    arrivals = arrivals_sample(snap, cases, months_back(now, months), now, rng)
    chunks = [arrivals[i : i + batch_size] for i in range(0, len(arrivals), batch_size)]
    report = HistoryReport()

    def on_batch(part: HistoryReport) -> None:
        _add(report, part)
        report.seconds = time.monotonic() - started
        if progress is not None:
            progress(report)

    workers = max(1, min(workers, MAX_WORKERS, len(chunks)))
    # Forked workers need their own connections and to see committed staff: not inside a
    # caller's transaction (tests, seed_demo in an atomic block) and not on SQLite.
    if workers > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        _in_parallel(chunks, snap, seed_text, now, workers, on_batch)
    else:
        batches = _Batches(snap, rng, now, (0, 1))
        for chunk in chunks:
            on_batch(batches.write(chunk))
    _analyze()
    report.seconds = time.monotonic() - started
    return report


# Every table the batches write (`_Batches.writers`).
LOADED_MODELS = (Contact, Case, Comment, CaseEvent, SurveyAnswer)


def _analyze() -> None:
    """Fresh planner statistics for what was loaded: autovacuum would get there in its own
    time, and until then the planner picks plans for the tables as they were (a filtered case
    list took 240 ms p95 instead of 25 on a 1,000,000-case load)."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in LOADED_MODELS)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
