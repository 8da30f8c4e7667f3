"""One filing per form on the public portal: a double click on «Presentar» (or a reload of the
POST) must not file the case twice.

Each rendering of the form carries a one-time token, signed so it cannot be made up, valid for
TOKEN_MAX_AGE. The first POST with a token claims it in the cache (``add``, atomic on Redis) and,
once the case is filed, records the case's id there for the token's lifetime; a later POST with
the same token is answered with that filing instead of a new one. A POST that arrives while the
first one is still filing waits for it a few seconds. If the cache cannot be reached the filing
goes ahead unguarded (the button is still disabled on submit), as the throttle does.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from redis.exceptions import RedisError

TOKEN_FIELD = "filing_token"  # noqa: S105 (a form field's name, not a secret)
TOKEN_MAX_AGE = 24 * 3600  # seconds: a form may stay open while the person gathers documents
SALT = "web.portal.filing-token"
PENDING = "pending"
WAIT_SECONDS = 10.0
WAIT_STEP = 0.25


def filing_token_new() -> str:
    return signing.dumps(secrets.token_urlsafe(18), salt=SALT, compress=False)


def filing_token_nonce(token: str) -> str | None:
    """The token's nonce, or None if it was forged, altered or is too old."""
    try:
        nonce = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    return nonce if isinstance(nonce, str) and nonce else None


def _key(nonce: str) -> str:
    return f"web:portal-filing:{nonce}"


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a token: ours to file with, or already used (and by which
    case, if that filing has finished)."""

    ours: bool
    case_id: int | None = None


def filing_claim(nonce: str) -> Claim:
    """Claim the token, or wait (a few seconds) for the filing that claimed it first."""
    deadline = time.monotonic() + WAIT_SECONDS
    try:
        while True:
            if cache.add(_key(nonce), PENDING, TOKEN_MAX_AGE):
                return Claim(ours=True)
            value = cache.get(_key(nonce))  # None: that filing was refused and let go of it
            if isinstance(value, int):
                return Claim(ours=False, case_id=value)
            if value is not None and time.monotonic() >= deadline:
                return Claim(ours=False)
            if value is not None:
                time.sleep(WAIT_STEP)
    except RedisError:
        return Claim(ours=True)


def filing_record(nonce: str, case_id: int) -> None:
    with contextlib.suppress(RedisError):
        cache.set(_key(nonce), case_id, TOKEN_MAX_AGE)


def filing_release(nonce: str) -> None:
    """The filing was refused: the same form may be sent again once corrected."""
    with contextlib.suppress(RedisError):
        cache.delete(_key(nonce))
