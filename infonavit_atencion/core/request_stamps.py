"""Values a token request's first query carries along, so they cost no round trip of their own.

Issue 17: every API request authenticates its client (one query) and, when it touches cases,
reads the catalog's fingerprint (another query, ``cases.catalog_cache``). An upper floor
registers the fingerprint's SQL here as a scalar subquery (:func:`stamp_register`); the token
authentication adds the registered subqueries to its client look-up (:func:`stamp_annotations`)
and stores what came back (:func:`stamps_store`); the upper floor then takes its value once
(:func:`stamp_take`) instead of querying.

A stamp lives for one request at most: it is taken once, and everything stored is dropped when
a request starts and when it finishes (and a request without a token stores nothing). So a
stamp is never older than the start of the request that uses it; code outside requests (tasks,
commands, tests calling services) always finds none and queries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db.models import TextField
from django.db.models.expressions import RawSQL

_registered: dict[str, Callable[[], str]] = {}
# Stamps only a request that may write needs (not GET, HEAD, OPTIONS): reads skip their cost.
_writes_only: set[str] = set()
_local = threading.local()
PREFIX = "stamp_"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def stamp_register(name: str, sql: Callable[[], str], *, writes_only: bool = False) -> None:
    """`sql()` is a query returning one text value, run as a scalar subquery (no parameters).

    `writes_only`: read by requests that may write only; a GET has none, and its taker queries.
    """
    _registered[name] = sql
    if writes_only:
        _writes_only.add(name)
    else:
        _writes_only.discard(name)


def stamps_wanted(method: str | None) -> list[str]:
    """The names of the stamps a request with this HTTP `method` (None: every stamp) reads."""
    writes = method is None or method.upper() not in SAFE_METHODS
    return [name for name in _registered if writes or name not in _writes_only]


def stamp_annotations(method: str | None = None) -> dict[str, RawSQL]:
    """Annotations for the first query of a request with this HTTP `method` (None: every
    stamp): one per registered stamp it may need."""
    return {
        PREFIX + name: RawSQL(f"({_registered[name]()})", [], output_field=TextField())  # noqa: S611 - registered SQL, no request data
        for name in stamps_wanted(method)
    }


def stamps_store(row: object) -> None:
    """Keep the stamps annotated on `row` (a model instance) for this request."""
    _local.values = {
        name: getattr(row, PREFIX + name) for name in _registered if hasattr(row, PREFIX + name)
    }


def stamp_take(name: str) -> Any | None:
    """The stamp `name` read earlier in this request, once; None if there is none."""
    values = getattr(_local, "values", None)
    if not values:
        return None
    return values.pop(name, None)


def stamps_clear(**_kwargs: Any) -> None:
    _local.values = {}
