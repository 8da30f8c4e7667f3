"""Per-caller request rate (SPEC §8 "Throttled per client").

One bucket per API client (by id) and one per browser user (by id), at the rate of the setting
``API_CLIENT_THROTTLE_RATE`` (DRF syntax, e.g. ``"6000/min"``; empty disables it). Read on every
request, so ``override_settings`` works. Anonymous requests are not counted here: they are
refused with 401 before throttling, and public endpoints declare their own stricter throttle.

Over the limit DRF raises ``Throttled``; the problem handler answers 429 with ``Retry-After``.
The counters live in Django's default cache: with several server processes, point ``CACHES``
at a shared cache (Redis) or each process counts on its own. If that cache cannot be reached
(Redis restarting) the request is served uncounted rather than failed: the API keeps taking
cases while the broker is down (SPEC §10).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from infonavit_atencion.core.client_address import client_address

from .authentication import request_api_client

DEFAULT_RATE = "6000/min"

logger = logging.getLogger(__name__)


class CountedWhenCacheUpThrottle(SimpleRateThrottle):
    """A rate throttle that serves the request uncounted while its cache (Redis) is down.

    Addresses are the project's one notion of the client's address (TRUSTED_PROXY_COUNT),
    never a bare ``X-Forwarded-For`` that the caller writes.
    """

    def get_ident(self, request: Request) -> str:
        return client_address(request)

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except RedisError:
            logger.warning("Solicitud sin contar: la caché del límite no responde.", exc_info=True)
            return True


class ApiClientRateThrottle(CountedWhenCacheUpThrottle):
    scope = "api_client"

    def get_rate(self) -> str | None:
        return getattr(settings, "API_CLIENT_THROTTLE_RATE", DEFAULT_RATE) or None

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        client = request_api_client(request)
        if client is not None:
            ident = f"client:{client.pk}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}
