"""The API client look-up that every token request runs, written to SQL once per thread.

Issue 17: the ORM rebuilds the same SQL for this query on every request (the client's columns,
its channel's, the request stamps), which cost about ten times the query itself. Here the ORM
still writes the SQL, from the same queryset, but once: with a marker where the key prefix goes.
Each request sends that SQL with its prefix, and Django's own converters (JSON, dates) turn the
row into the client and its channel, as a queryset would.

The SQL depends only on the models and on which request stamps are wanted
(``infonavit_atencion.core.request_stamps``): those name the cached entry, so a stamp registered
later gets its own SQL. A compiler holds its connection, and connections are per thread, so the
cache is too. On PostgreSQL the statement is also prepared once per connection
(``infonavit_atencion.core.prepared``): planning it cost more than running it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models.sql.compiler import SQLCompiler

from accounts.models import ApiClient
from channels.models import Channel
from infonavit_atencion.core.prepared import prepared_execute
from infonavit_atencion.core.request_stamps import stamp_annotations, stamps_wanted

# Stands for the key prefix while the ORM writes the SQL; never a real prefix (12 characters
# at most, see accounts.services).
_MARK = "\x00prefijo de la llave\x00"
_CLIENT_FIELDS = tuple(field.attname for field in ApiClient._meta.concrete_fields)
_CHANNEL_FIELDS = tuple(field.attname for field in Channel._meta.concrete_fields)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]  # the query's parameters, with _MARK where the prefix goes
    compiler: SQLCompiler  # applies the converters of the selected columns to a row
    stamps: tuple[str, ...]  # annotation names, in their place after the columns


_local = threading.local()


def _compile(method: str | None) -> _Compiled:
    stamps = stamp_annotations(method)
    columns = (*_CLIENT_FIELDS, *(f"channel__{name}" for name in _CHANNEL_FIELDS), *stamps)
    query = (
        ApiClient.objects.filter(key_prefix=_MARK, active=True)
        .annotate(**stamps)
        .values_list(*columns)
        .order_by()[:1]
        .query
    )
    compiler = query.get_compiler(connection.alias)
    sql, params = compiler.as_sql()
    if params.count(_MARK) != 1:
        raise RuntimeError("The client look-up must take the key prefix exactly once.")
    return _Compiled(sql, tuple(params), compiler, tuple(stamps))


def _compiled(method: str | None) -> _Compiled:
    cache: dict[tuple[str, ...], _Compiled] | None = getattr(_local, "compiled", None)
    if cache is None:
        cache = _local.compiled = {}
    wanted = tuple(stamps_wanted(method))
    found = cache.get(wanted)
    if found is None:
        found = cache[wanted] = _compile(method)
    return found


def active_client_by_prefix(prefix: str, method: str | None) -> ApiClient | None:
    """The active client with this key prefix, its channel loaded and the request stamps a
    request with this HTTP `method` wants annotated on it (``stamp_<name>``); None if none."""
    compiled = _compiled(method)
    params = [prefix if value == _MARK else value for value in compiled.params]
    with connection.cursor() as cursor:
        prepared_execute(cursor, compiled.sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    values = next(compiled.compiler.results_iter(results=[rows]))
    split = len(_CLIENT_FIELDS)
    end = split + len(_CHANNEL_FIELDS)
    client = ApiClient.from_db(connection.alias, _CLIENT_FIELDS, values[:split])
    client.channel = Channel.from_db(connection.alias, _CHANNEL_FIELDS, values[split:end])
    for name, value in zip(compiled.stamps, values[end:], strict=True):
        setattr(client, name, value)
    return client
