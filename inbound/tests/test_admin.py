"""The inbound e-mail admin is read-only and shows the sender's address masked."""

from __future__ import annotations

import pytest

from tests.support.inbound import pending_message

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/inbound/inboundmessage/"


def test_the_admin_lists_and_shows_messages_read_only(client, admin_user):
    message = pending_message(subject="Constancia <b>urgente</b>")
    client.force_login(admin_user)
    listing = client.get(CHANGELIST).content.decode()
    assert "Constancia &lt;b&gt;urgente&lt;/b&gt;" in listing
    assert "ana.perez@example.com" not in listing
    page = client.get(f"{CHANGELIST}{message.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "a***@example.com" in html
    assert "ana.perez@example.com" not in html
    assert 'name="_save"' not in html
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    response = client.post(f"{CHANGELIST}{message.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    message.refresh_from_db()


def test_the_admin_refuses_probing_the_sender_s_address(client, admin_user):
    pending_message()
    client.force_login(admin_user)
    assert client.get(f"{CHANGELIST}?from_address__startswith=a").status_code == 400
