"""Times are shown in the viewer's office timezone (SPEC §6: stored in UTC)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .roles import user_profile

API_PREFIX = "/api/"


class OfficeTimezoneMiddleware:
    """Activates the timezone of the logged-in user's office for the request; without an office
    (area staff, national supervisors) the project's default, America/Mexico_City."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            # The API writes ISO 8601 instants with their offset: no profile read needed.
            return self.get_response(request)
        name = settings.TIME_ZONE
        profile = user_profile(request.user) if request.user.is_authenticated else None
        if profile is not None and profile.office is not None:
            name = profile.office.timezone
        try:
            timezone.activate(zoneinfo.ZoneInfo(name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
