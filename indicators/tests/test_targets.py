"""How a shared goal stands (ADR 0009): met, at risk within 5 %, missed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from channels.models import Channel
from indicators.models import Target
from indicators.selectors import target_evaluate
from indicators.targets import target_status

NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("actual", "value", "direction", "ended", "status"),
    [
        (90.0, "90", "at_least", True, "met"),
        (85.5, "90", "at_least", True, "at_risk"),  # 4.5 below 90: within 5 % (4.5)
        (85.49, "90", "at_least", True, "missed"),
        (10.0, "10", "at_most", False, "met"),
        (10.5, "10", "at_most", False, "at_risk"),
        (10.51, "10", "at_most", False, "missed"),
        (None, "10", "at_most", False, "at_risk"),
        (None, "10", "at_most", True, "missed"),
    ],
)
def test_target_status(actual, value, direction, ended, status):
    assert target_status(actual, Decimal(value), direction, ended) == status


@pytest.mark.django_db
def test_a_target_without_cases_in_a_running_period_is_at_risk():
    target = Target.objects.create(
        name="Recibir en Cesi",
        metric="sla_compliance_pct",
        channel=Channel.objects.get(code="CESI"),
        date_from=dt.date(2026, 11, 1),
        date_to=dt.date(2026, 11, 30),
        value=Decimal(90),
    )

    result = target_evaluate(target, NOW)

    assert (result.actual, result.status, result.evaluated_to) == (
        None,
        "at_risk",
        dt.date(2026, 11, 20),
    )


@pytest.mark.parametrize(
    ("kind", "start", "end", "valid"),
    [
        ("month", dt.date(2026, 12, 1), dt.date(2026, 12, 31), True),
        ("month", dt.date(2026, 12, 2), dt.date(2026, 12, 31), False),
        ("quarter", dt.date(2026, 10, 1), dt.date(2026, 12, 31), True),
        ("quarter", dt.date(2026, 11, 1), dt.date(2027, 1, 31), False),
        ("year", dt.date(2026, 1, 1), dt.date(2026, 12, 31), True),
        ("custom", dt.date(2026, 1, 5), dt.date(2026, 2, 9), True),
    ],
)
def test_a_calendar_period_must_be_whole(kind, start, end, valid):
    target = Target(
        name="Meta", metric="nps", period_kind=kind, date_from=start, date_to=end, value=Decimal(40)
    )

    if valid:
        target.clean()
    else:
        with pytest.raises(ValidationError):
            target.clean()
