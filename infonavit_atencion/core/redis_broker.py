"""kombu's Redis transport, publishing through one Redis client per channel (issue 17).

kombu's Redis channel builds a new redis-py client object for every publish
(``Channel.conn_or_acquire``), and building one (its table of reply parsers) costs more than the
``LPUSH`` round trip itself, on every intake and every e-mail queued. A client only borrows
connections from the channel's pool, so one client per channel serves every publish, and a
pipeline made from it (the worker's acknowledgement bookkeeping) still takes a connection of its
own.

Used when the broker is a plain ``redis://`` URL (``CELERY_BROKER_TRANSPORT``); everything else
is kombu's transport as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from kombu.transport import redis


class Channel(redis.Channel):
    @cached_property
    def _shared_client(self) -> Any:
        return self._create_client()

    @contextmanager
    def conn_or_acquire(self, client: Any = None) -> Iterator[Any]:
        yield client or self._shared_client


class Transport(redis.Transport):
    Channel = Channel
