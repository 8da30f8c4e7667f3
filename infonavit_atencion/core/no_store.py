"""Responses are not stored by browsers or proxies unless a view says otherwise (SPEC §9).

Case pages, the contact card, the API's case JSON, the citizen's look-up, exports: nearly every
dynamic response carries personal data, and a new view must not leak into a shared cache
because someone forgot a decorator. So every response that passes here (static files are
served before it, by WhiteNoise) gets ``Cache-Control: private, no-store`` unless its view set
a ``Cache-Control`` of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

NO_STORE = "private, no-store"


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = NO_STORE
        return response
