import datetime as dt

import pytest
from django.utils import timezone

from tests.support.intake import NOW


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Every `timezone.now()` answers Friday 13 November 2026, 10:00 in Mexico City."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW
