"""Rate limit of the public status page, per client address (guessing codes must be slow).

The API's fixed-window throttle (:mod:`infonavit_atencion.core.throttling`) at the API
look-up's rate (``PUBLIC_LOOKUP_THROTTLE_RATE``, "20/min" by default), counting the page in
its own bucket; served uncounted while the cache (Redis) is down, as the API is.
"""

from __future__ import annotations

import math

from django.http import HttpRequest
from rest_framework.request import Request

from infonavit_atencion.core.throttling import ClientAddressThrottle


class PublicStatusPageThrottle(ClientAddressThrottle):
    scope = "web_public_lookup"
    rate_setting = "PUBLIC_LOOKUP_THROTTLE_RATE"
    default_rate = "20/min"


def public_lookup_allowed(request: HttpRequest) -> tuple[bool, int]:
    """(allowed, whole seconds to wait)."""
    throttle = PublicStatusPageThrottle()
    if throttle.allow_request(Request(request), view=None):
        return True, 0
    return False, math.ceil(throttle.wait() or 0)


class PublicFilingThrottle(ClientAddressThrottle):
    """Filings on the public portal per client address (``PUBLIC_FILING_THROTTLE_RATE``)."""

    scope = "web_public_filing"
    rate_setting = "PUBLIC_FILING_THROTTLE_RATE"
    default_rate = "5/h"


def public_filing_allowed(request: HttpRequest) -> tuple[bool, int]:
    """(allowed, whole seconds to wait) for one more filing from this address."""
    throttle = PublicFilingThrottle()
    if throttle.allow_request(Request(request), view=None):
        return True, 0
    return False, math.ceil(throttle.wait() or 0)
