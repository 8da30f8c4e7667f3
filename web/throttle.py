"""Rate limit of the public status page, per client address (guessing codes must be slow)."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from redis.exceptions import RedisError

from infonavit_atencion.core.client_address import client_address

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def _rate() -> tuple[int, int] | None:
    """`PUBLIC_LOOKUP_THROTTLE_RATE` ("20/min", as the API's look-up) as (requests, seconds)."""
    text = getattr(settings, "PUBLIC_LOOKUP_THROTTLE_RATE", "20/min") or ""
    if not text:
        return None
    count, _, period = text.partition("/")
    return int(count), _PERIODS[period.strip().lower()]


def public_lookup_allowed(request: HttpRequest) -> tuple[bool, int]:
    """(allowed, seconds to wait). Fixed windows counted in the shared cache."""
    rate = _rate()
    if rate is None:
        return True, 0
    limit, period = rate
    window = int(time.time()) // period
    address = client_address(request)
    key = f"web-public-lookup:{address}:{window}"
    try:
        cache.add(key, 0, timeout=period)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=period)
            count = 1
    except RedisError:  # as the API's throttles: served uncounted while Redis restarts
        logger.warning("Consulta sin contar: la caché del límite no responde.", exc_info=True)
        return True, 0
    if count > limit:
        return False, period - int(time.time()) % period
    return True, 0
