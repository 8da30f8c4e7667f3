"""The broker transport publishes through one Redis client per channel, and the messages arrive.

Needs a real Redis (REDIS_URL's server, database 12, emptied before and after); skipped
without one, as on the embedded set-up.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from kombu import Connection

from infonavit_atencion.core import redis_broker

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs a Redis server (REDIS_URL)")


@pytest.fixture
def broker_url() -> Iterator[str]:
    parts = urlsplit(REDIS_URL)
    url = urlunsplit((parts.scheme, parts.netloc, "/12", "", ""))
    server = redis.Redis.from_url(url)
    server.flushdb()
    yield url
    server.flushdb()


def test_the_settings_use_it_for_a_redis_broker(settings):
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        assert settings.CELERY_BROKER_TRANSPORT == "infonavit_atencion.core.redis_broker:Transport"
    else:  # the embedded mode: no broker at all
        assert not hasattr(settings, "CELERY_BROKER_TRANSPORT")


def test_publishes_share_one_client_and_every_message_arrives(broker_url, monkeypatch):
    built = []
    create = redis_broker.Channel._create_client

    def counting(self, asynchronous=False):  # type: ignore[no-untyped-def]
        built.append(asynchronous)
        return create(self, asynchronous)

    monkeypatch.setattr(redis_broker.Channel, "_create_client", counting)
    with Connection(broker_url, transport=redis_broker.Transport) as connection:
        queue = connection.SimpleQueue("prueba")
        for number in range(3):
            queue.put({"n": number})
        publishing = [kind for kind in built if kind is False]
        assert len(publishing) == 1  # kombu's channel would have built one per publish
        received = []
        for _ in range(3):
            message = queue.get(timeout=5)
            received.append(message.payload["n"])
            message.ack()
        queue.close()
    assert received == [0, 1, 2]
