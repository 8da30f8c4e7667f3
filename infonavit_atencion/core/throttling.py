"""Request rates: one fixed-window counter for every throttle of the API and the browser's
public status page (SPEC §8 "Throttled per client").

Each throttle is a DRF throttle (``allow_request``/``wait``) at the rate of a setting in DRF
syntax (e.g. ``"6000/min"``; empty disables it), read on every request, so ``override_settings``
works: per API client or browser user (``accounts.api.throttling``), per client address for the
citizen's look-up (:class:`ClientAddressThrottle`: the API's, ``cases.api.public_views``, and the
status page's, ``web.throttle``, which asks it about the page's request; each its own bucket).

Counting (issue 17): a fixed-window counter, one cache integer per caller and window
(``INCR``), instead of DRF's list of every request instant re-pickled on each request. "N/min"
means at most N requests in each clock minute (windows start at multiples of the period since
the epoch); refused requests are counted too, which changes nothing (the window still ends on
time). A caller may thus send up to 2N within a few seconds across a window boundary, never more
than N per window. Over the limit DRF raises ``Throttled`` with the time left in the window; the
problem handler answers 429 with ``Retry-After`` (at most the period).

On Redis a request costs one round trip (``INCR`` and ``EXPIRE … NX`` in one pipeline). The
counters live in Django's default cache: with several server processes, point ``CACHES`` at a
shared cache (Redis) or each process counts on its own. If that cache cannot be reached (Redis
restarting) the request is served uncounted rather than failed: the API keeps taking cases
while the broker is down (SPEC §10).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis import Redis
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from .client_address import client_address

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

logger = logging.getLogger(__name__)


def parse_rate(rate: str) -> tuple[int, int]:
    """``"N/period"`` (DRF syntax: the period's first letter counts) → (N, seconds)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period[0]]


CLIENT_ATTRIBUTE = "_window_counter_client"


def _redis_client(backend: RedisCache) -> Redis:
    """The cache backend's Redis client, built once per backend (Django keeps one backend per
    thread): Django's cache builds a new client object on every call, and building one (its
    table of reply parsers) costs more than the round trip itself. A client only borrows
    connections from its pool."""
    client = getattr(backend, CLIENT_ATTRIBUTE, None)
    if client is None:
        client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
        setattr(backend, CLIENT_ATTRIBUTE, client)
    return client


def window_count(key: str, period: int) -> int:
    """Count one request in `key`'s window; the window's count so far, this one included."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        client = _redis_client(backend)
        pipeline = client.pipeline(transaction=False)
        pipeline.incr(full_key)
        pipeline.expire(full_key, period + 1, nx=True)
        count, _expiry = pipeline.execute()
        return int(count)
    # Other backends (per-process memory in development and tests): two calls.
    backend.add(key, 0, period + 1)
    return int(backend.incr(key))


class WindowCounterThrottle(BaseThrottle):
    """A fixed-window rate throttle that serves the request uncounted while its cache (Redis)
    is down. Subclasses name a `scope` and give `get_rate` and `get_cache_key`.

    Addresses are the project's one notion of the client's address (TRUSTED_PROXY_COUNT),
    never a bare ``X-Forwarded-For`` that the caller writes.
    """

    scope = ""
    timer = staticmethod(time.time)

    def __init__(self) -> None:
        self._wait: float | None = None

    def get_rate(self) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        raise NotImplementedError

    def get_ident(self, request: Request) -> str:
        return client_address(request)

    def allow_request(self, request: Request, view: Any) -> bool:
        rate = self.get_rate()
        if not rate:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        limit, period = parse_rate(rate)
        now = self.timer()
        window = int(now // period)
        try:
            count = window_count(f"throttle_{self.scope}_{ident}_{window}", period)
        except RedisError:
            logger.warning("Solicitud sin contar: la caché del límite no responde.", exc_info=True)
            return True
        if count <= limit:
            return True
        self._wait = (window + 1) * period - now
        return False

    def wait(self) -> float | None:
        return self._wait


class ClientAddressThrottle(WindowCounterThrottle):
    """Per client address, at the rate of the setting named `rate_setting` (`default_rate`
    when unset)."""

    rate_setting = ""
    default_rate = ""

    def get_rate(self) -> str | None:
        return getattr(settings, self.rate_setting, self.default_rate) or None

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.get_ident(request)
