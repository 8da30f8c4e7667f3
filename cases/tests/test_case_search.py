"""Find anything (issue 19): `case_search_for` reads the text as a folio, an NSS, a CURP, a
tracking code (supervisors and administrators) or words, always within the user's scope and
bounded. Runs on SQLite (LIKE) and on PostgreSQL (Spanish full text over the GIN indexes)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.events import Actor
from cases.selectors.search import SearchKind, case_search_for
from cases.services import comment_add
from tests.support.cases import ANA_CURP, ANA_NSS, ContactFactory, make_case, nss

pytestmark = pytest.mark.django_db

HERE = "CESI_CDMX_BENITO_JUAREZ"
THERE = "CESI_TIJUANA"


def _at(office, **overrides):
    return make_case(Actor(), route=False, channel="CESI", office=office, **overrides)


def _folios(result):
    return [case.folio for case in result.cases]


def test_a_folio_finds_exactly_that_case_in_any_case_of_letters(agent):
    mine, _other = _at(HERE), _at(HERE)

    result = case_search_for(Actor(user=agent), f"  {mine.folio.lower()} ")

    assert result.kind == SearchKind.FOLIO
    assert _folios(result) == [mine.folio]
    assert result.exact == mine


def test_an_agent_never_finds_another_office_s_case_it_is_simply_absent(agent):
    theirs = _at(THERE, subject="Cobro indebido en Tijuana")

    by_folio = case_search_for(Actor(user=agent), theirs.folio)
    by_words = case_search_for(Actor(user=agent), "cobro indebido")

    assert by_folio.kind == SearchKind.FOLIO
    assert by_folio.cases == [] and by_folio.exact is None
    assert by_words.cases == []


def test_an_nss_or_a_curp_finds_the_contact_s_cases_newest_first(agent):
    ana = ContactFactory(curp=ANA_CURP)
    first, second = _at(HERE, contact=ana), _at(HERE, contact=ana)
    _at(HERE, contact=ContactFactory(nss=nss(77), given_names="Luis", first_surname="Gómez"))

    by_nss = case_search_for(Actor(user=agent), f"{ANA_NSS[:4]} {ANA_NSS[4:]}")
    by_curp = case_search_for(Actor(user=agent), ANA_CURP.lower())

    assert by_nss.kind == SearchKind.NSS
    assert _folios(by_nss) == [second.folio, first.folio]
    assert by_curp.kind == SearchKind.CURP
    assert _folios(by_curp) == [second.folio, first.folio]


def test_a_surname_finds_the_contact_s_cases_whatever_the_accents(agent):
    ana = _at(HERE)
    _at(HERE, contact=ContactFactory(nss=nss(78), given_names="Luis", first_surname="Gómez"))

    result = case_search_for(Actor(user=agent), "perez")

    assert result.kind == SearchKind.WORDS
    assert _folios(result) == [ana.folio]


def test_words_find_subject_description_and_comments(agent):
    by_subject = _at(HERE, subject="Aclaración de pagos")
    by_description = _at(HERE, description="Solicito la devolución del saldo de subcuenta.")
    by_comment = _at(HERE)
    comment_add(
        by_comment.folio,
        "El banco confirmó la devolución.",
        False,
        Actor(user=agent),
        timezone.now(),
    )
    _at(HERE, subject="Otra cosa")

    assert _folios(case_search_for(Actor(user=agent), "pagos")) == [by_subject.folio]
    found = case_search_for(Actor(user=agent), "devolución")
    assert sorted(_folios(found)) == sorted([by_description.folio, by_comment.folio])


def test_a_tracking_code_is_looked_up_by_supervisors_and_administrators_only(
    agent, supervisor, admin_user
):
    case = _at(HERE)
    code = case.tracking_code.lower()

    for user in (supervisor, admin_user):
        result = case_search_for(Actor(user=user), code)
        assert result.kind == SearchKind.TRACKING
        assert result.exact == case
    # The agent sees the case, but the code is the citizen's secret: read as words, not found.
    refused = case_search_for(Actor(user=agent), code)
    assert refused.kind == SearchKind.WORDS
    assert refused.cases == []


def test_empty_text_searches_nothing(agent):
    _at(HERE)
    with CaptureQueriesContext(connection) as queries:
        result = case_search_for(Actor(user=agent), "   ")
    assert result.kind == SearchKind.EMPTY
    assert result.cases == []
    assert len(queries) == 0


def test_the_search_is_bounded_and_costs_a_fixed_number_of_queries(agent):
    for _ in range(4):
        _at(HERE, subject="Queja por trámite")

    with CaptureQueriesContext(connection) as queries:
        result = case_search_for(Actor(user=agent), "trámite", limit=3)

    assert len(result.cases) == 3
    # The agent's profile, the named contacts, the commented cases and the cases themselves
    # (a page filled from the newest cases); on PostgreSQL also the search's work_mem setting
    # (inside the test's transaction, between a savepoint and its release).
    statements = [query["sql"].upper() for query in queries]
    reads = [sql for sql in statements if not sql.startswith(("SET LOCAL", "SAVEPOINT", "RELEASE"))]
    assert len(reads) <= 4
    assert not any("COUNT(" in sql for sql in statements)
    assert any(sql.startswith("SET LOCAL WORK_MEM") for sql in statements) == (
        connection.vendor == "postgresql"
    )


def test_words_give_the_newest_matches_whether_found_in_the_recent_window_or_past_it(
    agent, monkeypatch
):
    # Given a window of the 4 newest cases and 3 results a page: matches inside and outside it
    monkeypatch.setattr("cases.selectors.search.RECENT_WINDOW", 4)
    old = [_at(HERE, subject=f"Saldo del crédito {n}") for n in range(3)]
    _at(HERE, subject="Cita en el Cesi")
    recent = [_at(HERE, subject=f"Saldo pendiente {n}") for n in range(3)]
    _at(HERE, subject="Constancia de intereses")

    # When a common word fills the page from the window, and a rarer one does not
    common = case_search_for(Actor(user=agent), "saldo", limit=3)
    rare = case_search_for(Actor(user=agent), "crédito", limit=3)

    # Then both are the newest matches, newest first
    assert _folios(common) == [case.folio for case in reversed(recent)]
    assert _folios(rare) == [case.folio for case in reversed(old)]
