"""Per-caller request rate (SPEC §8 "Throttled per client"): one bucket per API client (by id)
and one per browser user (by id), at the rate of the setting ``API_CLIENT_THROTTLE_RATE``
(DRF syntax, e.g. ``"6000/min"``; empty disables it). Anonymous requests are not counted here:
they are refused with 401 before throttling, and public endpoints declare their own stricter
throttle. The counting is the project's one fixed-window counter
(:mod:`infonavit_atencion.core.throttling`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request

from infonavit_atencion.core.throttling import WindowCounterThrottle

from .authentication import request_api_client

DEFAULT_RATE = "6000/min"


class ApiClientRateThrottle(WindowCounterThrottle):
    scope = "api_client"

    def get_rate(self) -> str | None:
        return getattr(settings, "API_CLIENT_THROTTLE_RATE", DEFAULT_RATE) or None

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        client = request_api_client(request)
        if client is not None:
            return f"client:{client.pk}"
        if request.user is not None and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return None
