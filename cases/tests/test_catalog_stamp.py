"""The catalog fingerprint read with a token request's client (issue 17, request_stamps): a
change committed before a request is seen by it, and a stamp never outlives its request."""

import pytest

from cases.catalog_cache import catalog_snapshot
from cases.events import Actor
from catalog.models import Directorate
from infonavit_atencion.core.api_scopes import Scope
from infonavit_atencion.core.request_stamps import stamp_take
from tests.support.cases import READ_WRITE, client_for, make_case

pytestmark = pytest.mark.django_db


def test_a_catalog_change_between_two_token_requests_shows_in_the_second():
    api, client = client_for("Portal", READ_WRITE)
    case = make_case(Actor(client=client))
    url = f"/api/v1/cases/{case.folio}/"
    before = api.get(url).json()["directorate"]

    directorate = Directorate.objects.get(pk=case.directorate_id)
    directorate.code = "DIRECCION_RENOMBRADA"
    directorate.save()

    assert before != "DIRECCION_RENOMBRADA"
    assert api.get(url).json()["directorate"] == "DIRECCION_RENOMBRADA"


def test_a_stamp_read_by_a_request_is_gone_when_it_ends():
    # A token request whose view never reads the catalog leaves its stamp unused …
    api, _ = client_for("Portal", [Scope.CATALOG_READ])
    snapshot = catalog_snapshot()
    assert api.get("/api/v1/channels/").status_code == 200
    assert stamp_take("catalog") is None

    # … so a later catalog change is seen outside any request
    directorate = next(iter(snapshot.codes["directorate"]))
    row = Directorate.objects.get(pk=directorate)
    row.code = "OTRA_DIRECCION"
    row.save()
    assert catalog_snapshot().codes["directorate"][directorate] == "OTRA_DIRECCION"
