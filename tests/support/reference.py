"""Committed reference data for transactional tests.

A transactional test (`django_db(transaction=True)`: browser tests, row-lock races) sees only
committed rows, and pytest-django empties every table after it, reference data included.
`reference_data` puts the catalog back when a test finds it gone; `_restore_reference_data`
(autouse in every module that imports it) does so once more when the module ends, so the tests
that run afterwards find the catalog as the session left it.

Putting it back: the first time, `reference_data_load()` runs on the emptied database and the
rows it wrote are kept in memory (`_ReferenceRows`); every later time those rows are written
again with one `bulk_create` per model, in one transaction (Django's foreign keys are deferred
to the commit on PostgreSQL and SQLite alike). The load costs 5-7 s on a CI machine and ran
about ninety times per suite; the copy takes a fraction of a second. The rows keep their
primary keys; the sequences, never reset by the flush, stay ahead of them. The catalog's version
row is left to the triggers that write it. The PostgreSQL-only integration tests keep their own
copy (`tests/integration/conftest.py`), which also restores rows the session had before the load.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import Model

from cases.catalog_cache import catalog_cache_forget
from cases.routing.engine import active_rules_forget
from catalog.models import CatalogVersion
from catalog.reference_data import reference_data_load
from channels.models import Channel
from channels.selectors import calendar_spec_cache_clear

# Rows the database's own triggers write when the catalog changes: not copied, rewritten.
_WRITTEN_BY_TRIGGERS = {CatalogVersion}


def _primary_keys() -> dict[type[Model], set[Any]]:
    return {
        model: set(model._base_manager.values_list("pk", flat=True))
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model not in _WRITTEN_BY_TRIGGERS
    }


class _ReferenceRows:
    """The rows `reference_data_load()` wrote into an emptied database, by model."""

    def __init__(self) -> None:
        before = _primary_keys()
        reference_data_load()
        self.rows: list[tuple[type[Model], list[Model]]] = []
        for model, keys in _primary_keys().items():
            written = keys - before[model]
            if written:
                self.rows.append((model, list(model._base_manager.filter(pk__in=written))))

    def write(self) -> None:
        with transaction.atomic():
            for model, rows in self.rows:
                model._base_manager.bulk_create(rows)


_reference_rows: _ReferenceRows | None = None


def _load_reference_data_if_flushed() -> None:
    global _reference_rows
    if Channel.objects.exists():
        return
    if _reference_rows is None:
        _reference_rows = _ReferenceRows()
    else:
        _reference_rows.write()
    # Per-process caches keyed by ids or fingerprints of the rows that were just replaced.
    calendar_spec_cache_clear()
    active_rules_forget()
    catalog_cache_forget()


@pytest.fixture
def reference_data(transactional_db: Any) -> None:
    _load_reference_data_if_flushed()


@pytest.fixture(scope="module", autouse=True)
def _restore_reference_data(django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        _load_reference_data_if_flushed()
