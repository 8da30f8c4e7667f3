"""The catalog rows that intake and the case JSON read on every request, cached per process.

Registering a case reads its service, channel, office, the service's availability on the channel,
the SLA policy and the business calendar (with its clock spec); the case JSON prints the codes of
six catalog relations. Those tables are small and change rarely, so each process keeps them
in memory (:class:`CatalogSnapshot`) and revalidates the copy with ONE cheap query per request:
the catalog's change token, one row (``catalog.CatalogVersion``). A token request reads it with
its API client (``infonavit_atencion.core.request_stamps``), so there it costs no round trip:
the fingerprint is as of the request's start.

Database triggers (migration catalog 0006) move the token in the same transaction as any
change to a table the snapshot reads, the offices' channels included: saves and deletes through
the ORM and the admin, ``QuerySet.update()``, bulk writes, raw SQL and TRUNCATE. So any
committed change moves the fingerprint, and a rolled-back one leaves it as it was.
:func:`catalog_cache_forget` only drops the copy (the test suite does before every test).

A snapshot is read-only: its model instances are shared by every request of the process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Model

from businesstime.clock import CalendarSpec
from catalog.models import Area, CatalogVersion, Directorate, Service, ServiceChannel, SlaPolicy
from channels.models import BusinessCalendar, CalendarException, CalendarInterval, Channel, Office
from channels.selectors import calendar_spec_cache_clear, calendar_spec_for
from infonavit_atencion.core.request_stamps import stamp_take

from .catalog_stamp import STAMP

# Every table a snapshot reads (directly or through the calendar spec): with Office.channels,
# the tables whose triggers move the catalog's token (migration catalog 0006).
TRACKED_MODELS: tuple[type[Model], ...] = (
    Service,
    ServiceChannel,
    SlaPolicy,
    Directorate,
    Area,
    Channel,
    Office,
    BusinessCalendar,
    CalendarInterval,
    CalendarException,
)
# Relation of Case → the model whose code the case JSON prints.
CODE_MODELS: dict[str, type[Model]] = {
    "service": Service,
    "channel": Channel,
    "office": Office,
    "directorate": Directorate,
    "area": Area,
    "sla_calendar": BusinessCalendar,
}


def _fingerprint_sql() -> str:
    """The catalog's change token as text ('none' before any change was recorded): one row by
    its key, ~0.03 ms to plan and run on PostgreSQL (the aggregate over the history tables it
    replaced cost ~0.45 ms on every request)."""
    table = connection.ops.quote_name(CatalogVersion._meta.db_table)
    # Names from the model's own metadata, quoted: nothing from a request.
    token = f"SELECT CAST(token AS TEXT) FROM {table} WHERE id = 1"  # noqa: S608
    return f"SELECT COALESCE(({token}), 'none')"


def fingerprint_sql() -> str:
    """The fingerprint query (one text value), built once per process."""
    sql = _cache.get("sql")
    if sql is None:
        sql = _cache["sql"] = _fingerprint_sql()
    return sql


@dataclass
class CatalogSnapshot:
    """The catalog as plain lookups. Model instances come with the relations intake reads."""

    services: dict[str, Service]  # by code; sla_policy, directorate and area loaded
    channels: dict[str, Channel]  # by code
    offices: dict[str, Office]  # by code; calendar loaded
    office_channels: dict[int, frozenset[int]]  # office id → ids of the channels it serves
    links: dict[tuple[int, int], ServiceChannel]  # (service id, channel id); sla_policy loaded
    calendars: dict[int, BusinessCalendar]
    codes: dict[str, dict[int, str]]  # Case relation name (CODE_MODELS) → id → code
    specs: dict[int, CalendarSpec] = field(default_factory=dict)

    def calendar_by_code(self, code: str) -> BusinessCalendar | None:
        return next((c for c in self.calendars.values() if c.code == code), None)

    def calendar_spec(self, calendar_id: int) -> CalendarSpec:
        """The SLA clock's spec of a calendar, built once per snapshot."""
        spec = self.specs.get(calendar_id)
        if spec is None:
            spec = self.specs[calendar_id] = calendar_spec_for(calendar_id)
        return spec

    def ids_by_code(self, relation: str) -> dict[str, int]:
        """Code → id of the catalog rows a case's `relation` (CODE_MODELS) may point to."""
        return {code: pk for pk, code in self.codes[relation].items()}

    def code(self, relation: str, pk: int | None) -> str | None:
        """The code of the catalog row `pk` that a case's `relation` points to."""
        if pk is None:
            return None
        known = self.codes[relation]
        code = known.get(pk)
        if code is None:  # a row committed after this snapshot was loaded: read it once
            model = CODE_MODELS[relation]
            code = model._default_manager.filter(pk=pk).values_list("code", flat=True).first()
            if code is not None:
                known[pk] = code
        return code


def _load() -> CatalogSnapshot:
    policies = {p.pk: p for p in SlaPolicy.objects.select_related("calendar")}
    directorates = {d.pk: d for d in Directorate.objects.all()}
    areas = {a.pk: a for a in Area.objects.all()}
    calendars = {c.pk: c for c in BusinessCalendar.objects.all()}
    for policy in policies.values():
        if policy.calendar_id is not None:
            policy.calendar = calendars.get(policy.calendar_id, policy.calendar)
    services = {}
    for service in Service.objects.all():
        service.sla_policy = policies[service.sla_policy_id]
        service.directorate = directorates[service.directorate_id]
        service.area = areas[service.area_id]
        services[service.code] = service
    links = {}
    for link in ServiceChannel.objects.all():
        if link.sla_policy_id is not None:
            link.sla_policy = policies[link.sla_policy_id]
        links[(link.service_id, link.channel_id)] = link
    channels = {c.code: c for c in Channel.objects.all()}
    offices = {}
    for office in Office.objects.all():
        office.calendar = calendars[office.calendar_id]
        offices[office.code] = office
    served: dict[int, set[int]] = {}
    for office_id, channel_id in Office.channels.through.objects.values_list(
        "office_id", "channel_id"
    ):
        served.setdefault(office_id, set()).add(channel_id)
    by_id = {
        "service": {s.pk: s.code for s in services.values()},
        "channel": {c.pk: c.code for c in channels.values()},
        "office": {o.pk: o.code for o in offices.values()},
        "directorate": {d.pk: d.code for d in directorates.values()},
        "area": {a.pk: a.code for a in areas.values()},
        "sla_calendar": {c.pk: c.code for c in calendars.values()},
    }
    return CatalogSnapshot(
        services=services,
        channels=channels,
        offices=offices,
        office_channels={pk: frozenset(ids) for pk, ids in served.items()},
        links=links,
        calendars=calendars,
        codes=by_id,
    )


_cache: dict[str, Any] = {}
_lock = threading.Lock()


def catalog_snapshot() -> CatalogSnapshot:
    """The catalog as of now: the process's copy, reloaded when the fingerprint moved.

    In a token request the fingerprint came with the client's row, read when the request
    started (request_stamps): no query of its own. Otherwise one query.
    """
    fingerprint = stamp_take(STAMP)
    if fingerprint is None:
        with connection.cursor() as cursor:
            cursor.execute(fingerprint_sql())
            fingerprint = cursor.fetchone()[0]
    cached = _cache.get("snapshot")
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    # Loaded after the fingerprint was read: at worst newer than it, never older. The calendar
    # specs too: their own per-process cache does not see an update() or raw SQL.
    calendar_spec_cache_clear()
    snapshot = _load()
    with _lock:
        _cache["snapshot"] = (fingerprint, snapshot)
    return snapshot


def catalog_cache_forget() -> None:
    """Drop this process's copy (tests; any committed change is seen without it)."""
    with _lock:
        _cache.pop("snapshot", None)
