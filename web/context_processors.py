from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`nav`: the role-dependent navigation of the logged-in user (None when anonymous)."""
    user = getattr(request, "user", None)
    return {"nav": navigation_for(user) if user is not None else None}
