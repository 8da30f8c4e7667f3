"""The personal-data access log (SPEC §9): every full view logged — case page, API, admin —
and an administration view that lists and filters it but never changes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from cases.events import Actor
from contacts.access import contact_reveal, personal_data_views_log
from contacts.models import AccessReason, Contact, ContactAccessLog
from tests.support.cases import ANA_NSS, client_for, make_case, session_for

pytestmark = pytest.mark.django_db

LOG_URL = "/admin/contacts/contactaccesslog/"


@pytest.fixture
def case(agent):
    return make_case(Actor(user=agent))


def _rows() -> list[tuple]:
    return list(
        ContactAccessLog.objects.order_by("id").values_list(
            "reason", "user__username", "api_client__name", "contact_id", "case_id"
        )
    )


# --- The API logs full views in the database -----------------------------------------------------


def test_an_api_client_with_contacts_read_leaves_one_row_per_case_it_saw(agent):
    first = make_case(Actor(user=agent))
    second = make_case(
        Actor(user=agent),
        service="QUEJA_ATENCION_CESI",
        channel="CESI",
        office="CESI_CDMX_BENITO_JUAREZ",
    )
    api, _client = client_for("CRM", ["cases:read", "cases:read_all", "contacts:read"])

    listed = api.get("/api/v1/cases/")
    detail = api.get(f"/api/v1/cases/{first.folio}/")

    assert listed.status_code == detail.status_code == 200
    assert listed.json()["results"][0]["contact"]["nss"] == ANA_NSS
    assert sorted(_rows()) == sorted(
        [
            ("api", None, "CRM", first.contact_id, first.pk),
            ("api", None, "CRM", second.contact_id, second.pk),
            ("api", None, "CRM", first.contact_id, first.pk),
        ]
    )


def test_masked_answers_are_not_logged(case):
    api, _client = client_for("Portal", ["cases:read", "cases:read_all"])

    response = api.get(f"/api/v1/cases/{case.folio}/")

    assert response.json()["contact"]["nss"] == "*******4431"
    assert _rows() == []


def test_a_browser_administrator_through_the_api_is_logged_as_the_user(case, admin_user):
    response = session_for(admin_user).get(f"/api/v1/cases/{case.folio}/")

    assert response.json()["contact"]["nss"] == ANA_NSS
    assert _rows() == [("api", "administrador", None, case.contact_id, case.pk)]


# --- The contact administration ------------------------------------------------------------------


def test_the_contact_list_is_masked_and_opening_a_contact_is_logged(case, admin_user):
    client = Client()
    client.force_login(admin_user)

    listing = client.get("/admin/contacts/contact/").content.decode()
    found = client.get("/admin/contacts/contact/", {"q": ANA_NSS}).content.decode()
    assert _rows() == []
    opened = client.get(f"/admin/contacts/contact/{case.contact_id}/change/")

    assert "*******4431" in listing and ANA_NSS not in listing
    assert "*******4431" in found  # exact identifiers still find the contact
    assert opened.status_code == 200 and ANA_NSS in opened.content.decode()
    assert _rows() == [("admin", "administrador", None, case.contact_id, None)]
    assert f"{LOG_URL}?contact__id__exact={case.contact_id}" in opened.content.decode()


# --- The access log administration ---------------------------------------------------------------


@pytest.fixture
def logged(case, agent, admin_user):
    """Three views: on the case page, by an API client, and an export yesterday."""
    _api, crm = client_for("CRM", ["cases:read", "contacts:read"])
    now = timezone.now()
    contact = Contact.objects.get(pk=case.contact_id)
    contact_reveal(contact, agent, case.pk, now)
    personal_data_views_log([(contact.pk, case.pk)], now, reason=AccessReason.API, api_client=crm)
    personal_data_views_log(
        [(contact.pk, None)],
        now - dt.timedelta(days=1),
        reason=AccessReason.EXPORT,
        user=admin_user,
    )
    client = Client()
    client.force_login(admin_user)
    return client


def _listed(client: Client, **params: str) -> list[str]:
    response = client.get(LOG_URL, params)
    assert response.status_code == 200, response.content
    return [str(row.reason) for row in response.context["cl"].result_list]


def test_the_log_lists_every_view_newest_first(logged):
    assert _listed(logged) == ["api", "case_page", "export"]


def test_the_log_filters_by_reason_who_when_and_contact(logged, case, agent):
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    assert _listed(logged, reason="export") == ["export"]
    assert _listed(logged, actor="api") == ["api"]
    assert _listed(logged, actor="user") == ["case_page", "export"]
    assert _listed(logged, q="asesor") == ["case_page"]  # who: a username
    assert _listed(logged, q="CRM") == ["api"]  # who: a system
    assert _listed(logged, q=case.folio) == ["api", "case_page"]  # from which case
    assert _listed(logged, q=ANA_NSS) == ["api", "case_page", "export"]  # which contact
    assert _listed(logged, contact__id__exact=str(case.contact_id)) == [
        "api",
        "case_page",
        "export",
    ]
    assert _listed(logged, user__id__exact=str(agent.pk)) == ["case_page"]
    assert _listed(logged, at__gte=str(today)) == ["api", "case_page"]


def test_the_log_cannot_be_added_to_changed_or_deleted_from_the_admin(logged):
    row = ContactAccessLog.objects.filter(reason="case_page").get()

    page = logged.get(f"{LOG_URL}{row.pk}/change/")
    assert page.status_code == 200  # read-only view
    assert 'name="_save"' not in page.content.decode()
    assert logged.post(f"{LOG_URL}{row.pk}/change/", {"reason": "api"}).status_code == 403
    assert logged.get(f"{LOG_URL}add/").status_code == 403
    assert logged.post(f"{LOG_URL}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert 'name="action"' not in logged.get(LOG_URL).content.decode()
    assert ContactAccessLog.objects.count() == 3
    assert ContactAccessLog.objects.get(pk=row.pk).reason == "case_page"


def test_people_without_admin_access_cannot_see_the_log(logged, agent):
    client = Client()
    client.force_login(agent)
    assert client.get(LOG_URL).status_code == 302  # to the admin login


# --- The database keeps the log honest -----------------------------------------------------------


def test_a_row_needs_exactly_one_actor_and_names_what_was_seen(case, agent):
    _api, crm = client_for("CRM", ["cases:read"])
    now = timezone.now()
    for values in (
        {"contact_id": case.contact_id},  # nobody
        {"contact_id": case.contact_id, "user": agent, "api_client": crm},  # both
        {"user": agent},  # nothing seen
        {"user": agent, "reason": "sealed_identity"},  # a sealed identity without its case
        {"contact_id": case.contact_id, "user": agent, "reason": "curiosity"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            ContactAccessLog.objects.create(at=now, **values)
    assert ContactAccessLog.objects.count() == 0


def test_the_database_refuses_to_change_a_row(case, agent):
    contact_reveal(Contact.objects.get(pk=case.contact_id), agent, case.pk, timezone.now())
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        ContactAccessLog.objects.update(reason="api")
    assert _rows() == [("case_page", "asesor", None, case.contact_id, case.pk)]


@pytest.mark.postgres
def test_the_database_refuses_to_delete_a_row_on_postgresql(case, agent):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only trigger (CI runs it)")
    contact_reveal(Contact.objects.get(pk=case.contact_id), agent, case.pk, timezone.now())
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        ContactAccessLog.objects.all().delete()
    assert _rows() == [("case_page", "asesor", None, case.contact_id, case.pk)]
