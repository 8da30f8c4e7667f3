"""What the browser views share: the actor, the not-found page, error messages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.events import Actor
from infonavit_atencion.core.errors import ApplicationError


def actor_of(request: HttpRequest) -> Actor:
    return Actor(user=request.user)  # type: ignore[arg-type]


def not_found(request: HttpRequest, message: Any = None) -> HttpResponse:
    """A case outside the user's scope and a missing one look the same (SPEC §9)."""
    return render(request, "web/not_found.html", {"message": message}, status=404)


def error_text(error: ApplicationError) -> str:
    """The refusal and, for validation, each field's message."""
    details = [e.message for e in error.errors if e.message and e.message != str(error.detail)]
    return " ".join([str(error.detail), *details])


def form_error_text(form: forms.Form, fallback: Any) -> str:
    """The first error that is not a missing value, named by its field's label ("Motivo: …"),
    or `fallback` (which says what to fill in)."""
    for name, errors in form.errors.as_data().items():
        for error in errors:
            if error.code != "required":
                field = form.fields.get(name)
                label = field.label if field is not None and field.label else name
                return f"{label}: {' '.join(error.messages)}"
    return str(fallback)


def relative(url: str | None) -> str | None:
    """Path and query of an absolute URL (pagination links stay on this host)."""
    if not url:
        return None
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, ""))


def is_htmx(request: HttpRequest) -> bool:
    """Whether to answer a fragment: an htmx request, except a history restore after a cache
    miss, which needs the whole page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )
