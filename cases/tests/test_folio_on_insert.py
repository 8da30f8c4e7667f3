"""The folio taken by the case INSERT itself on PostgreSQL (issue 17, cases.folios): no round
trip of its own, the same folios as before — the intake's local year, the sequence's next
number padded to 8 digits and never cut — and the folio known to intake once saved."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.events import Actor
from cases.models import Case
from cases.services import CaseInput, case_create
from tests.support.cases import READ_WRITE, ContactFactory, client_for
from tests.support.queries import statements_sent

pytestmark = pytest.mark.django_db

ON_POSTGRES = connection.vendor == "postgresql"
MEXICO = ZoneInfo("America/Mexico_City")
# 31 December 2026, 23:30 in Mexico City: already 2027 in UTC; the folio's year is 2026.
NEW_YEARS_EVE = dt.datetime(2026, 12, 31, 23, 30, tzinfo=MEXICO)


def _create(client, now=NEW_YEARS_EVE):  # type: ignore[no-untyped-def]
    data = CaseInput(
        service="QUEJA_CANALES_DIGITALES",
        channel="MICUENTA",
        description="La página falla al descargar mi constancia.",
        contact=ContactFactory(),
    )
    return case_create(data, Actor(client=client), now).case


def _number(folio: str) -> int:
    return int(folio.rsplit("-", 1)[1])


def test_the_saved_folio_is_known_to_intake_and_consecutive():
    _, client = client_for("Portal", READ_WRITE)

    first, second = _create(client), _create(client)

    for case in (first, second):
        assert re.fullmatch(rf"{settings.FOLIO_PREFIX}-2026-\d{{8}}", case.folio), case.folio
        assert Case.objects.get(pk=case.pk).folio == case.folio
    assert _number(second.folio) == _number(first.folio) + 1


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="the sequence is PostgreSQL's")
def test_the_number_comes_with_the_case_insert_not_before_it():
    _, client = client_for("Portal", READ_WRITE)

    with CaptureQueriesContext(connection) as queries:
        case = _create(client)

    taking = [sql for sql in statements_sent(queries) if "nextval" in sql]
    assert len(taking) == 1 and taking[0].startswith('INSERT INTO "cases_case"'), taking
    assert Case.objects.get(pk=case.pk).folio == case.folio


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="the sequence is PostgreSQL's")
def test_a_number_past_eight_digits_is_not_cut():
    _, client = client_for("Portal", READ_WRITE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM cases_folio_seq")
        last = cursor.fetchone()[0]
        cursor.execute("SELECT setval('cases_folio_seq', 123456789)")
    try:
        case = _create(client)
    finally:  # a sequence is not rolled back with the test
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval('cases_folio_seq', %s)", [last])

    assert case.folio == f"{settings.FOLIO_PREFIX}-2026-123456790"
    assert Case.objects.get(pk=case.pk).folio == case.folio
