"""Committed reference data for transactional tests.

A transactional test (`django_db(transaction=True)`: browser tests, row-lock races) sees only
committed rows, and pytest-django empties every table after it, reference data included.
`reference_data` loads the catalog again when a test finds it gone; `_restore_reference_data`
(autouse in every module that imports it) does so once more when the module ends, so the tests
that run afterwards find the catalog as the session left it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cases.catalog_cache import catalog_cache_forget
from cases.routing.engine import active_rules_forget
from catalog.reference_data import reference_data_load
from channels.models import Channel
from channels.selectors import calendar_spec_cache_clear


def _load_reference_data_if_flushed() -> None:
    if not Channel.objects.exists():
        reference_data_load()
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
