"""Template helpers of the export buttons (queue page)."""

from __future__ import annotations

from typing import Any

from django import template

from cases.events import Actor

from ..exports.case_rows import full_data_allowed

register = template.Library()


@register.simple_tag(takes_context=True)
def export_full_data_allowed(context: dict[str, Any]) -> bool:
    """Whether the export form offers "full data" (administrators, the integrity role)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return full_data_allowed(Actor(user=user))
