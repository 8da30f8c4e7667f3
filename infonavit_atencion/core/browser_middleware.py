"""Middleware only a browser needs, skipped for token-authenticated API calls (issue 17).

A request under ``/api/`` that carries ``Authorization: Token …`` is authenticated by its token
alone: the token authentication comes first in DRF's list and either accepts the key or answers
401, so the session is never consulted (`accounts.api.authentication`). Sessions, the lazy
session user and flash messages have nothing to do for such a request, so these subclasses
hand it straight on. Every other request, including the API called from a browser session,
goes through the real middleware unchanged. DRF sets ``request.user``
on the Django request when it authenticates (AnonymousUser for an API client).

Security headers (SecurityMiddleware, X-Frame-Options, CSP), the request guard, the locale,
CSRF and django-axes (whose system checks want their own classes; both cost next to nothing
for a token call, DRF's views being CSRF-exempt) still run for every request.
"""

from __future__ import annotations

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse

from .api_errors import API_PATH_PREFIX

TOKEN_SCHEME = "token "  # noqa: S105 - the scheme's name, not a secret


def token_api_call(request: HttpRequest) -> bool:
    """An API request authenticated (or refused) by its ``Authorization: Token`` header."""
    return (
        request.path_info.startswith(API_PATH_PREFIX)
        and request.META.get("HTTP_AUTHORIZATION", "")[: len(TOKEN_SCHEME)].lower() == TOKEN_SCHEME
    )


# Subclasses of the real middleware (Django's and axes' system checks look for those), each
# handing a token API call straight on.


class BrowserSessionMiddleware(SessionMiddleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        if token_api_call(request):
            return self.get_response(request)  # type: ignore[return-value]
        return super().__call__(request)  # type: ignore[return-value]


class BrowserAuthenticationMiddleware(AuthenticationMiddleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        if token_api_call(request):
            return self.get_response(request)  # type: ignore[return-value]
        return super().__call__(request)  # type: ignore[return-value]


class BrowserMessageMiddleware(MessageMiddleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        if token_api_call(request):
            return self.get_response(request)  # type: ignore[return-value]
        return super().__call__(request)  # type: ignore[return-value]
