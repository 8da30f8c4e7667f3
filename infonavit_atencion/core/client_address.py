"""The client's network address, the one every throttle and the login lockout count (SPEC §9).

Without declared proxies (``TRUSTED_PROXY_COUNT`` = 0, the default) it is the socket's address:
``X-Forwarded-For`` is written by whoever sends the request, so trusting it would let a caller
pick a fresh address for every request and never be throttled. Behind N trusted proxies, each
appends the address it received the request from, so the client is the Nth address from the
right of ``X-Forwarded-For`` (with fewer entries than proxies, the leftmost one).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def trusted_proxy_count() -> int:
    return max(int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0), 0)


def client_address(request: HttpRequest) -> str:
    """The address to count this request against ("" when the server gives none)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = trusted_proxy_count()
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    if proxies == 0 or not forwarded.strip():
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    return hops[-min(proxies, len(hops))] or remote
