"""An anonymous denuncia's sealed reporter identity, end to end (SPEC §9): visible only to the
dedicated role (UserProfile.can_view_sealed_identity), and each time it is shown, logged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import UserProfile
from cases.events import Actor
from cases.models import Case
from cases.notices.notifications import notify_acknowledgement, notify_assignment
from cases.privacy import sealed_identity_for, sealed_identity_visible_to
from cases.representation import case_document
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from contacts.models import ContactAccessLog
from tests.support.cases import client_for, make_case, session_for, staff
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_subscribe

pytestmark = pytest.mark.django_db

IDENTITY = "Zacarías Reservado Quintero, 55 9876 5432"
MARKER = "Reservado Quintero"
EMAIL_TEMPLATES = sorted(
    p.stem for p in (Path(__file__).resolve().parents[2] / "templates/cases/email").glob("*.txt")
)


def _flag(user, value: bool = True):  # type: ignore[no-untyped-def]
    UserProfile.objects.filter(user=user).update(can_view_sealed_identity=value)
    user.refresh_from_db()
    return user


@pytest.fixture
def integrity(db):  # type: ignore[no-untyped-def]
    """The dedicated role: staff of the integrity area holding the flag."""
    user = staff("integridad", "area_staff", area_code="OPERACIONES_INTEGRIDAD")
    user.email = "integridad@infonavit.example"
    user.save(update_fields=["email"])
    return _flag(user)


@pytest.fixture
def colleague(db):  # type: ignore[no-untyped-def]
    """Same area, same cases, without the flag."""
    return staff("integridad2", "area_staff", area_code="OPERACIONES_INTEGRIDAD")


def _denuncia(actor: Actor) -> Case:
    """An anonymous denuncia whose reporter left an identity, routed to integrity."""
    case = case_create(
        CaseInput(
            service="DENUNCIA_COYOTES",
            channel=actor.client.channel.code if actor.client else "MICUENTA",
            anonymous=True,
            sealed_reporter_identity=IDENTITY,
            description="Un gestor cobra por el trámite en la puerta del Cesi.",
        ),
        actor,
        timezone.now(),
    ).case
    routed = case_route(case.pk, timezone.now(), rules=[])
    assert routed is not None and routed.area.code == "OPERACIONES_INTEGRIDAD"
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def denuncia(agent) -> Case:
    return _denuncia(Actor(user=agent))


def _sealed_views() -> list[tuple[str, int | None, int | None]]:
    return list(
        ContactAccessLog.objects.filter(reason="sealed_identity").values_list(
            "user__username", "contact_id", "case_id"
        )
    )


# --- The one rule --------------------------------------------------------------------------------


def test_only_the_dedicated_role_may_see_it(denuncia, integrity, colleague, admin_user, agent):
    _api, client = client_for("Sistema", ["cases:read", "cases:read_all", "contacts:read"])
    inactive = staff("integridad3", "area_staff", area_code="OPERACIONES_INTEGRIDAD")
    _flag(inactive)
    inactive.is_active = False

    assert sealed_identity_visible_to(integrity) is True
    assert sealed_identity_visible_to(Actor(user=integrity)) is True
    assert sealed_identity_for(denuncia, integrity) == IDENTITY
    # Administrators (superusers) are not the dedicated role; nor an API client
    for viewer in (colleague, admin_user, agent, Actor(client=client), inactive, AnonymousUser()):
        assert sealed_identity_visible_to(viewer) is False
        assert sealed_identity_for(denuncia, viewer) is None


def test_a_flagged_user_gets_nothing_from_a_case_without_an_identity(agent, integrity):
    plain = make_case(Actor(user=agent))
    assert sealed_identity_for(plain, integrity) is None


# --- Case page -----------------------------------------------------------------------------------


def test_the_case_page_offers_it_to_the_role_only_and_logs_each_show(
    denuncia, integrity, colleague
):
    holder, other = Client(), Client()
    holder.force_login(integrity)
    other.force_login(colleague)

    offered = holder.get(f"/casos/{denuncia.folio}/").content.decode()
    hidden = other.get(f"/casos/{denuncia.folio}/").content.decode()

    assert "Mostrar identidad reservada" in offered and MARKER not in offered
    assert "Mostrar identidad reservada" not in hidden and MARKER not in hidden
    assert other.post(f"/casos/{denuncia.folio}/identidad-reservada/").status_code == 404
    assert _sealed_views() == []

    shown = holder.post(f"/casos/{denuncia.folio}/identidad-reservada/", HTTP_HX_REQUEST="true")
    page = holder.post(f"/casos/{denuncia.folio}/identidad-reservada/")

    assert MARKER in shown.content.decode() and MARKER in page.content.decode()
    assert _sealed_views() == [("integridad", None, denuncia.pk)] * 2
    assert holder.get(f"/casos/{denuncia.folio}/identidad-reservada/").status_code == 405


def test_outside_the_scope_even_the_role_gets_404(denuncia):
    elsewhere = _flag(staff("cartera", "area_staff", area_code="CARTERA_CANCELACION"))
    client = Client()
    client.force_login(elsewhere)
    assert client.post(f"/casos/{denuncia.folio}/identidad-reservada/").status_code == 404
    assert _sealed_views() == []


def test_queues_never_print_it_nor_find_it(denuncia, integrity, admin_user):
    for user, queue in ((integrity, "area"), (admin_user, "all")):
        client = Client()
        client.force_login(user)
        html = client.get("/casos/", {"cola": queue}).content.decode()
        assert denuncia.folio in html
        assert MARKER not in html
        # The text search looks at subject and description, never at the sealed identity
        found = client.get("/casos/", {"cola": queue, "q": MARKER})
        assert denuncia.folio not in found.content.decode()


# --- API, webhooks, public look-up ---------------------------------------------------------------


def test_the_api_never_prints_it(denuncia, integrity, admin_user):
    api, _client = client_for("Sistema", ["cases:read", "cases:read_all", "contacts:read"])
    callers = [api, session_for(integrity), session_for(admin_user)]
    for caller in callers:
        for path in (
            f"/api/v1/cases/{denuncia.folio}/",
            "/api/v1/cases/",
            f"/api/v1/cases/{denuncia.folio}/events/",
        ):
            response = caller.get(path)
            assert response.status_code == 200, path
            assert MARKER not in response.content.decode()


def test_webhook_payloads_never_carry_it(agent, monkeypatch):
    from webhooks import tasks

    monkeypatch.setattr(tasks.deliver_webhook, "apply_async", lambda *a, **k: None)
    _api, client = client_for("Receptor", ["cases:read", "webhooks:manage"])
    webhook_subscribe(
        client,
        "https://93.184.216.34/avisos",
        ["case.created", "case.routed", "case.status_changed"],
        "s" * 32,
        now=timezone.now(),
    )
    case = _denuncia(Actor(client=client))

    assert MARKER not in json.dumps(case_document(case), ensure_ascii=False)
    payloads = list(WebhookDelivery.objects.values_list("payload", flat=True))
    assert payloads  # created and routed were recorded
    assert all(MARKER not in json.dumps(p, ensure_ascii=False) for p in payloads)


def test_the_public_look_up_never_prints_it(denuncia):
    api = APIClient().get(
        f"/api/v1/public/cases/{denuncia.folio}/", {"code": denuncia.tracking_code}
    )
    page = Client().post("/consulta/", {"folio": denuncia.folio, "code": denuncia.tracking_code})

    assert api.status_code == page.status_code == 200
    assert MARKER not in api.content.decode() and MARKER not in page.content.decode()


# --- Intake, e-mails -----------------------------------------------------------------------------


def test_the_intake_contact_search_never_finds_the_reporter(denuncia, agent):
    client = Client()
    client.force_login(agent)
    response = client.get("/atencion/registro/contactos/", {"contact_q": "Reservado Zacarías"})
    assert response.status_code == 200
    assert response.context["contact_results"] == []
    assert MARKER not in response.content.decode()


def test_e_mails_never_carry_it(denuncia, integrity, supervisor):
    mail.outbox.clear()
    case_transition(
        denuncia.folio,
        TransitionInput("assign", assignee="integridad"),
        Actor(user=supervisor),
        timezone.now(),
    )

    assert notify_acknowledgement(denuncia.pk, timezone.now()) == 0  # nobody to write to
    assert notify_assignment(denuncia.pk, timezone.now()) == 1  # even to the role itself
    case = Case.objects.get(pk=denuncia.pk)
    rendered = [
        render_to_string(
            f"cases/email/{name}.txt",
            {"case": case, "name": "x", "due": "y", "received": "z", "status_link": "/"},
        )
        for name in EMAIL_TEMPLATES
    ]
    assert EMAIL_TEMPLATES  # the templates exist
    assert all(MARKER not in message.body for message in mail.outbox)
    assert all(MARKER not in text for text in rendered)


# --- Administration ------------------------------------------------------------------------------


def test_the_case_admin_never_shows_it_nor_the_tracking_code(denuncia, admin_user):
    """SPEC §9: no admin page shows a sealed identity, not even to the dedicated role (it reads
    it on the case page, logged)."""
    client = Client()
    client.force_login(admin_user)
    url = f"/admin/cases/case/{denuncia.pk}/change/"

    plain = client.get(url)
    _flag(admin_user)
    flagged = client.get(url)

    for page in (plain, flagged):
        assert page.status_code == 200
        body = page.content.decode()
        assert MARKER not in body and denuncia.tracking_code not in body
    assert _sealed_views() == []


def test_the_log_row_of_a_show_is_complete(denuncia, integrity):
    client = Client()
    client.force_login(integrity)
    before = timezone.now()
    client.post(f"/casos/{denuncia.folio}/identidad-reservada/")
    row = ContactAccessLog.objects.get()
    assert (row.user, row.api_client, row.contact, row.case, row.reason) == (
        integrity,
        None,
        None,
        Case.objects.get(pk=denuncia.pk),
        "sealed_identity",
    )
    assert before - dt.timedelta(seconds=1) <= row.at <= timezone.now()


def _profile_fields(client, user) -> set[str]:  # type: ignore[no-untyped-def]
    """The profile fields the user's admin change form lets the viewer edit."""
    page = client.get(f"/admin/auth/user/{user.pk}/change/")
    assert page.status_code == 200
    return set(page.context["inline_admin_formsets"][0].formset.forms[0].fields)


def test_no_user_page_sets_the_role_on_any_account(admin_user, integrity):
    """SPEC §9: the role comes only from a two-person grant (accounts.sealed_role), so the user
    pages never offer it, on one's own account or anyone else's."""
    client = Client()
    client.force_login(admin_user)

    own = _profile_fields(client, admin_user)
    others = _profile_fields(client, integrity)

    # A field left out of the form is ignored when posted: the flag stays as it was.
    assert "role" in own and "can_view_sealed_identity" not in own
    assert "role" in others and "can_view_sealed_identity" not in others
