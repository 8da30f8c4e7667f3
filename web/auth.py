"""Login lockout (django-axes) for the browser's login forms."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username + address pair before the password is even checked.

    Only logins that come with a request (the login page, the admin) can be attacked over the
    network; `authenticate()` called without one (management commands, the shell, tests)
    is not a login attempt, so it is neither counted nor refused.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
