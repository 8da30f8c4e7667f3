"""One filing per form on the public portal: a double click on «Presentar» or a reload of the
POST answers with the first filing's receipt and files nothing more (web.portal_token)."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from cases.models import Case
from web import portal_token
from web.portal_token import TOKEN_FIELD, filing_token_new, filing_token_nonce
from web.tests.test_portal import _queja

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    yield
    cache.clear()


def _token_in(page: str) -> str:
    found = re.search(rf'name="{TOKEN_FIELD}" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_same_form_sent_twice_files_one_case_and_shows_its_receipt_again(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    # Given the form as the browser received it
    token = _token_in(client.get("/presentar/?servicio=QUEJA_CANALES_DIGITALES").content.decode())
    data = _queja(**{TOKEN_FIELD: token})

    # When it is sent twice (a double click)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/presentar/", data)
        second = client.post("/presentar/", data)

    # Then one case is filed and one confirmation mailed
    case = Case.objects.get()
    assert len(mail.outbox) == 1
    assert first.status_code == 201
    # And the second answer is the same receipt, saying no other case was filed
    assert second.status_code == 200
    page = second.content.decode()
    assert f'id="folio">{case.folio}<' in page
    assert f'id="codigo">{case.tracking_code}<' in page
    assert "Este formulario ya se había presentado, así que no registramos otro caso." in page
    assert "ya se había presentado" not in first.content.decode()


def test_a_form_without_a_valid_token_files_nothing_and_asks_to_send_it_again(
    client: Client, monkeypatch
) -> None:
    real_time = time.time
    with monkeypatch.context() as past:
        past.setattr(time, "time", lambda: real_time() - portal_token.TOKEN_MAX_AGE - 60)
        expired = filing_token_new()
    for token in ("", "hecho-a-mano", expired):
        response = client.post("/presentar/", _queja(**{TOKEN_FIELD: token}))
        page = response.content.decode()
        assert response.status_code == 400
        assert "El formulario venció. Revise sus datos y presione «Presentar» de nuevo." in page
        assert 'value="No descarga la constancia"' in page  # what was typed stays
        assert filing_token_nonce(_token_in(page)) is not None  # a fresh form to send
    assert Case.objects.count() == 0
    assert mail.outbox == []


def test_a_refused_form_keeps_its_token_usable_once_corrected(client: Client) -> None:
    data = _queja(nss="12345678901")  # wrong check digit
    refused = client.post("/presentar/", data)
    assert refused.status_code == 400
    assert Case.objects.count() == 0

    data["nss"] = ""
    filed = client.post("/presentar/", data)

    assert filed.status_code == 201
    assert Case.objects.count() == 1


def test_a_second_send_while_the_first_is_still_filing_says_so_and_files_nothing(
    client: Client, monkeypatch
) -> None:
    monkeypatch.setattr(portal_token, "WAIT_SECONDS", 0.0)
    data = _queja()
    nonce = filing_token_nonce(str(data[TOKEN_FIELD]))
    assert nonce is not None
    cache.add(f"web:portal-filing:{nonce}", portal_token.PENDING)  # the first send, mid-way

    response = client.post("/presentar/", data)

    assert response.status_code == 409
    assert "Este formulario ya se presentó y su caso se está registrando" in (
        response.content.decode()
    )
    assert Case.objects.count() == 0
