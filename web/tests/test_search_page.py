"""Find anything (issue 19): `/buscar/?q=` lists the cases the user sees with identifiers
masked, goes straight to a case named by its folio, and echoes the query escaped."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.events import Actor
from contacts.models import ContactAccessLog
from tests.support.cases import ANA_CURP, ANA_NSS, ContactFactory, make_case

pytestmark = pytest.mark.django_db

HERE = "CESI_CDMX_BENITO_JUAREZ"


def _at(office=HERE, **overrides):
    return make_case(Actor(), route=False, channel="CESI", office=office, **overrides)


def test_a_folio_goes_straight_to_the_case(client, agent):
    case = _at()
    client.force_login(agent)

    response = client.get("/buscar/", {"q": case.folio.lower()})

    assert response.status_code == 302
    assert response["Location"] == f"/casos/{case.folio}/"


def test_a_folio_out_of_scope_is_just_not_found(client, agent):
    theirs = _at("CESI_TIJUANA")
    client.force_login(agent)

    response = client.get("/buscar/", {"q": theirs.folio})

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert theirs.folio in response.content.decode()  # echoed in the message only
    assert f"/casos/{theirs.folio}/" not in response.content.decode()


def test_results_mask_identifiers_even_for_administrators_and_log_nothing(client, admin_user):
    case = _at(contact=ContactFactory(curp=ANA_CURP))
    client.force_login(admin_user)

    response = client.get("/buscar/", {"q": "Pérez"})

    html = response.content.decode()
    assert [row[0].folio for row in response.context["rows"]] == [case.folio]
    assert "*******4431" in html and "**************XN09" in html
    assert ANA_NSS not in html and ANA_CURP not in html
    assert ContactAccessLog.objects.count() == 0  # nothing revealed, nothing logged


def test_the_echoed_query_is_escaped(client, agent):
    client.force_login(agent)

    response = client.get("/buscar/", {"q": '<script>alert("x")</script>'})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_page_asks_for_text_when_empty_and_needs_a_login(client, agent):
    assert client.get("/buscar/?q=queja").status_code == 302  # to the login page
    client.force_login(agent)

    response = client.get("/buscar/")

    assert response.status_code == 200
    assert response.context["kind"] == "empty"
    assert "Escriba un folio, un NSS, una CURP" in response.content.decode()


def test_the_results_page_costs_a_bounded_number_of_queries(client, agent):
    for _ in range(3):
        _at(subject="Queja por trámite")
    client.force_login(agent)
    client.get("/buscar/", {"q": "trámite"})  # warm the catalog caches

    with CaptureQueriesContext(connection) as few:
        client.get("/buscar/", {"q": "trámite"})
    for _ in range(5):
        _at(subject="Queja por trámite")
    with CaptureQueriesContext(connection) as more:
        response = client.get("/buscar/", {"q": "trámite"})

    assert len(response.context["rows"]) == 8
    assert len(more) == len(few)
