"""The webhooks API: subscribe, list, delete, the delivery log; scopes and ownership."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from infonavit_atencion.core.api_scopes import Scope
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from webhooks.services import webhook_event_record

from .support import T0, api_for, make_case

URL = "/api/v1/webhooks/"
PROBLEM = "application/problem+json"
HOOK = "https://hooks.example.com/atencion"
ALL_EVENTS = ["case.created", "case.routed", "case.status_changed", "case.sla_breached"]

pytestmark = pytest.mark.django_db


def _field_errors(response) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(error["field"], error["code"]) for error in response.json()["errors"]]


# --- POST -----------------------------------------------------------------------------------


def test_subscribe_answers_201_with_a_generated_secret_shown_only_then(caller_for):
    # Given a client with webhooks:manage
    caller = caller_for("SISTEMA_A")

    # When it subscribes without a secret
    response = caller.api.post(URL, {"url": HOOK, "events": ALL_EVENTS}, format="json")

    # Then it gets the subscription and a strong generated secret, once
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "url", "events", "secret"}
    assert body["url"] == HOOK
    assert body["events"] == ALL_EVENTS
    assert len(body["secret"]) >= 43  # 32 random bytes, URL-safe base64
    subscription = WebhookSubscription.objects.get(pk=body["id"])
    assert subscription.client == caller.client
    assert subscription.secret == body["secret"]

    listed = caller.api.get(URL)
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": body["id"],
            "url": HOOK,
            "events": ALL_EVENTS,
            "active": True,
            "created_at": listed.json()[0]["created_at"],
        }
    ]
    assert body["secret"] not in listed.content.decode()


def test_subscribe_keeps_a_given_secret_and_drops_repeated_events(caller_for):
    caller = caller_for("SISTEMA_A")
    secret = "un-secreto-largo-de-prueba-2026"

    response = caller.api.post(
        URL,
        {"url": HOOK, "events": ["case.created", "case.created"], "secret": secret},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["secret"] == secret
    assert response.json()["events"] == ["case.created"]
    assert WebhookSubscription.objects.get().secret == secret


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://hooks.example.com/x", "invalid_scheme"),
        ("javascript:alert(1)", "invalid_scheme"),
        ("hooks.example.com/x", "invalid_scheme"),
        ("https://usuario:clave@hooks.example.com/x", "credentials"),
        ("http:///sin-servidor", "host_required"),
        ("https://hooks.example.com:99999/", "invalid"),
        ("https://hooks.example.com/ruta con espacio", "invalid"),
        ("https://no-existe.example.com/x", "unresolvable"),
        ("http://127.0.0.1/x", "forbidden_address"),
        ("http://127.1.2.3:8080/x", "forbidden_address"),
        ("http://[::1]/x", "forbidden_address"),
        ("http://localhost:8000/x", "forbidden_address"),
        ("http://LOCALHOST./x", "forbidden_address"),
        ("http://10.1.2.3/x", "forbidden_address"),
        ("http://172.16.0.9/x", "forbidden_address"),
        ("http://192.168.0.10/x", "forbidden_address"),
        ("http://169.254.169.254/latest/meta-data/", "forbidden_address"),
        ("http://[::ffff:127.0.0.1]/x", "forbidden_address"),
        ("http://[::ffff:169.254.169.254]/x", "forbidden_address"),
        ("http://[fe80::1]/x", "forbidden_address"),
        ("http://[fd00::1]/x", "forbidden_address"),
        ("http://0.0.0.0/x", "forbidden_address"),
        ("http://224.0.0.1/x", "forbidden_address"),
        ("http://100.64.0.1/x", "forbidden_address"),
        ("http://2130706433/x", "forbidden_address"),
        ("http://intranet.infonavit.local/x", "forbidden_address"),
        ("http://mixed.example.com/x", "forbidden_address"),  # one private address is enough
    ],
)
def test_subscribe_refuses_urls_that_are_not_public_http(caller_for, url, code):
    caller = caller_for("SISTEMA_A")

    response = caller.api.post(URL, {"url": url, "events": ["case.created"]}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert _field_errors(response) == [("url", code)]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("allowed", "url"),
    [
        (["127.0.0.1"], "http://127.0.0.1:8080/x"),
        (["localhost"], "http://localhost:8000/x"),
        (["::1"], "http://[::1]/x"),
        (["intranet.infonavit.local"], "https://intranet.infonavit.local/x"),
    ],
)
def test_subscribe_accepts_a_private_host_the_allow_list_names(caller_for, settings, allowed, url):
    settings.WEBHOOK_ALLOWED_HOSTS = allowed
    caller = caller_for("SISTEMA_A")

    response = caller.api.post(URL, {"url": url, "events": ["case.created"]}, format="json")

    assert response.status_code == 201
    assert WebhookSubscription.objects.get().url == url


def test_the_allow_list_names_hosts_not_addresses_of_other_hosts(caller_for, settings):
    # Given 127.0.0.1 allowed, a name that resolves to it is still refused
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    caller = caller_for("SISTEMA_A")

    response = caller.api.post(
        URL, {"url": "http://localhost/x", "events": ["case.created"]}, format="json"
    )

    assert response.status_code == 400
    assert _field_errors(response) == [("url", "forbidden_address")]


@pytest.mark.parametrize(
    ("events", "code"),
    [
        (["case.created", "case.deleted"], "invalid_choice"),
        (["CASE.CREATED"], "invalid_choice"),
        ([], "empty"),
    ],
)
def test_subscribe_refuses_unknown_or_missing_events_on_the_events_field(caller_for, events, code):
    caller = caller_for("SISTEMA_A")

    response = caller.api.post(URL, {"url": HOOK, "events": events}, format="json")

    assert response.status_code == 400
    assert _field_errors(response) == [("events", code)]
    assert not WebhookSubscription.objects.exists()


def test_subscribe_refuses_a_short_secret_and_missing_fields(caller_for):
    caller = caller_for("SISTEMA_A")

    short = caller.api.post(
        URL, {"url": HOOK, "events": ["case.created"], "secret": "corto"}, format="json"
    )
    missing = caller.api.post(URL, {}, format="json")

    assert short.status_code == 400
    assert _field_errors(short) == [("secret", "length")]
    assert missing.status_code == 400
    assert {field for field, _code in _field_errors(missing)} == {"url", "events"}
    assert not WebhookSubscription.objects.exists()


def test_a_second_active_subscription_to_the_same_url_is_a_conflict(caller_for):
    caller = caller_for("SISTEMA_A")
    other = caller_for("SISTEMA_B")
    body = {"url": HOOK, "events": ["case.created"]}
    assert caller.api.post(URL, body, format="json").status_code == 201

    again = caller.api.post(URL, body, format="json")
    elsewhere = other.api.post(URL, body, format="json")

    assert again.status_code == 409
    assert again["Content-Type"] == PROBLEM
    assert elsewhere.status_code == 201  # another client may use the same receiver


# --- Scopes and callers -----------------------------------------------------------------------


def test_without_a_token_every_endpoint_answers_401():
    api = APIClient()
    for response in (
        api.get(URL),
        api.post(URL, {"url": HOOK, "events": ["case.created"]}, format="json"),
        api.delete(f"{URL}1/"),
        api.get(f"{URL}1/deliveries/"),
    ):
        assert response.status_code == 401
        assert response["Content-Type"] == PROBLEM


def test_without_webhooks_manage_every_endpoint_answers_403(caller_for):
    owner = caller_for("SISTEMA_A")
    subscription_id = owner.api.post(
        URL, {"url": HOOK, "events": ["case.created"]}, format="json"
    ).json()["id"]
    caller = caller_for("SISTEMA_B", [Scope.CASES_READ, Scope.CASES_WRITE, Scope.CASES_READ_ALL])

    for response in (
        caller.api.get(URL),
        caller.api.post(URL, {"url": HOOK, "events": ["case.created"]}, format="json"),
        caller.api.delete(f"{URL}{subscription_id}/"),
        caller.api.get(f"{URL}{subscription_id}/deliveries/"),
    ):
        assert response.status_code == 403
        assert response["Content-Type"] == PROBLEM
    assert WebhookSubscription.objects.filter(active=True).count() == 1


def test_browser_users_get_403(agent, admin_user):
    for user in (agent, admin_user):
        api = APIClient()
        api.force_login(user)
        assert api.get(URL).status_code == 403
        assert (
            api.post(URL, {"url": HOOK, "events": ["case.created"]}, format="json").status_code
            == 403
        )
    assert not WebhookSubscription.objects.exists()


def test_a_bad_token_answers_401():
    assert api_for("abcd1234.no-es-una-llave").get(URL).status_code == 401


# --- GET and DELETE ------------------------------------------------------------------------


def test_list_shows_only_the_callers_active_subscriptions(caller_for):
    a = caller_for("SISTEMA_A")
    b = caller_for("SISTEMA_B")
    first = a.api.post(URL, {"url": HOOK, "events": ["case.created"]}, format="json").json()
    a.api.post(URL, {"url": HOOK + "/2", "events": ["case.routed"]}, format="json")
    b.api.post(URL, {"url": HOOK, "events": ["case.created"]}, format="json")
    assert a.api.delete(f"{URL}{first['id']}/").status_code == 204

    listed = a.api.get(URL).json()

    assert [(s["url"], s["events"]) for s in listed] == [(HOOK + "/2", ["case.routed"])]


def test_delete_deactivates_forgets_the_secret_and_fails_pending_deliveries(caller_for):
    caller = caller_for("SISTEMA_A")
    subscription_id = caller.api.post(
        URL, {"url": HOOK, "events": ["case.created"]}, format="json"
    ).json()["id"]
    case = make_case(caller.client)
    (delivery,) = webhook_event_record(case, "case.created", T0)

    response = caller.api.delete(f"{URL}{subscription_id}/")

    assert response.status_code == 204
    subscription = WebhookSubscription.objects.get(pk=subscription_id)
    assert (subscription.active, subscription.secret) == (False, "")
    assert subscription.deactivated_at is not None
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert caller.api.delete(f"{URL}{subscription_id}/").status_code == 404
    assert caller.api.get(f"{URL}{subscription_id}/deliveries/").status_code == 404


def test_delete_or_log_of_another_clients_subscription_is_404(caller_for):
    owner = caller_for("SISTEMA_A")
    intruder = caller_for("SISTEMA_B")
    subscription_id = owner.api.post(
        URL, {"url": HOOK, "events": ["case.created"]}, format="json"
    ).json()["id"]

    deleted = intruder.api.delete(f"{URL}{subscription_id}/")
    log = intruder.api.get(f"{URL}{subscription_id}/deliveries/")
    missing = owner.api.delete(f"{URL}999999/")

    assert deleted.status_code == 404
    assert deleted["Content-Type"] == PROBLEM
    assert log.status_code == 404
    assert missing.status_code == 404
    assert WebhookSubscription.objects.get(pk=subscription_id).active is True


def test_the_delivery_log_lists_recent_deliveries_with_their_attempts(
    caller_for, django_assert_max_num_queries
):
    caller = caller_for("SISTEMA_A")
    subscription_id = caller.api.post(
        URL, {"url": HOOK, "events": ["case.created", "case.routed"]}, format="json"
    ).json()["id"]
    case = make_case(caller.client)
    WebhookDelivery.objects.all().delete()  # only the two deliveries recorded below
    (older,) = webhook_event_record(case, "case.created", T0)
    (newer,) = webhook_event_record(case, "case.routed", T0)
    older.attempt_log.create(number=1, at=T0, status_code=500, error="HTTP 500", duration_ms=12)
    WebhookDelivery.objects.filter(pk=older.pk).update(attempts=1, last_status_code=500)

    with django_assert_max_num_queries(8):
        response = caller.api.get(f"{URL}{subscription_id}/deliveries/")

    assert response.status_code == 200
    rows = response.json()
    assert [row["id"] for row in rows] == [str(newer.event_id), str(older.event_id)]
    assert rows[1]["type"] == "case.created"
    assert rows[1]["case"] == case.folio
    assert rows[1]["status"] == "pending"
    assert rows[1]["attempts"] == 1
    assert rows[1]["last_status_code"] == 500
    assert rows[1]["next_attempt_at"] is not None
    assert rows[1]["log"] == [
        {
            "number": 1,
            "at": rows[1]["log"][0]["at"],
            "status_code": 500,
            "error": "HTTP 500",
            "duration_ms": 12,
        }
    ]
    assert set(rows[0]) == {
        "id",
        "type",
        "case",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "log",
    }
    assert caller.api.get(f"{URL}{subscription_id}/deliveries/?limit=1").json()[0]["id"] == str(
        newer.event_id
    )
    assert caller.api.get(f"{URL}{subscription_id}/deliveries/?limit=0").status_code == 400
