"""/readyz lists the task queues no live worker consumes, cheaply (SPEC §11)."""

import pytest
from django.core.cache import cache

from infonavit_atencion.celery import app
from infonavit_atencion.core import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_broker(monkeypatch):
    """Tasks published to a broker (not in-process), as with REDIS_URL set."""
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    cache.delete(health.UNSERVED_QUEUES_CACHE_KEY)
    yield
    cache.delete(health.UNSERVED_QUEUES_CACHE_KEY)


def test_in_process_tasks_have_no_unserved_queue(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["unserved_queues"] == []


def test_queues_no_worker_consumes_are_listed_and_the_answer_is_cached(
    client, with_broker, monkeypatch
):
    calls = []

    def consumed() -> set[str]:
        calls.append(1)
        return {"default", "routing"}  # one dedicated worker: -Q default,routing

    monkeypatch.setattr(health, "_consumed_queues", consumed)
    first = client.get("/readyz")
    second = client.get("/readyz")

    assert first.status_code == 200
    assert first.json()["unserved_queues"] == [
        "sla",
        "notifications",
        "webhooks",
        "indicators",
        "inbound",
    ]
    assert second.json()["unserved_queues"] == first.json()["unserved_queues"]
    assert len(calls) == 1


def test_with_no_worker_answering_every_queue_is_unserved(with_broker, monkeypatch):
    class NoReplies:
        def active_queues(self):
            return None

    monkeypatch.setattr(app.control, "inspect", lambda timeout: NoReplies())
    assert health.unserved_queues() == [
        "default",
        "routing",
        "sla",
        "notifications",
        "webhooks",
        "indicators",
        "inbound",
    ]
