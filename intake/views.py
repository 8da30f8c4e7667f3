"""Agent intake pages: one form that works without JavaScript, plus htmx fragments.

Without JavaScript every helper button (search a contact, pick one, refresh the services)
re-submits the whole form and the page comes back with everything typed; with htmx the same
fragments are fetched in place. Saving goes through ``case_create`` and nothing else.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases.events import Actor
from cases.services import case_create
from contacts.selectors import contact_get, contact_search
from infonavit_atencion.core.errors import ApplicationError

from . import presenters
from .forms import IntakeForm
from .selectors import created_case_for, may_register


def registering_user_required(view: Any) -> Any:
    """Login required; only agents, supervisors and administrators (area staff get 403)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_register(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user)  # type: ignore[arg-type]


def _fragment_form(request: HttpRequest) -> tuple[IntakeForm, dict[str, Any]]:
    """An unbound form showing the values an htmx request carried (no errors shown)."""
    values = request.GET.dict()
    return IntakeForm(initial=values, user=request.user), values


@registering_user_required
@require_http_methods(["GET", "POST"])
def intake_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    action = presenters.posted_action(request)
    if action == presenters.ACTION_SAVE:
        form = IntakeForm(request.POST, user=request.user)
        values = request.POST.dict()
    else:
        values = presenters.form_values(request, action)
        form = IntakeForm(initial=values, user=request.user)
    page = presenters.intake_page(form, actor, values, timezone.now(), action=action)
    if action == presenters.ACTION_SAVE and form.is_valid():
        try:
            result = case_create(form.case_input(page["contact"]), actor, timezone.now())
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            presenters.remember_created(request.session, result)
            return redirect("intake:done", folio=result.case.folio)
    return render(request, "intake/new.html", page, status=400 if form.refused else 200)


@registering_user_required
@require_GET
def contact_results(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("contact_q", "").strip()
    rows = presenters.contact_rows(contact_search(query)) if query else None
    context = {
        "contact_query": query,
        "contact_results": rows,
        "contact_include": presenters.CONTACT_INCLUDE,
    }
    return render(request, "intake/_contact_results.html", context)


@registering_user_required
@require_GET
def contact_card(request: HttpRequest, pk: int) -> HttpResponse:
    contact = contact_get(pk)
    if contact is None:
        raise Http404
    form, _values = _fragment_form(request)
    context = presenters.contact_card_context(_actor(request), contact, form)
    return render(request, "intake/_contact_card.html", context)


@registering_user_required
@require_GET
def identifier_check(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in presenters.IDENTIFIER_KINDS:
        raise Http404
    feedback = presenters.identifier_feedback(kind, request.GET.get(kind, ""))
    return render(request, "intake/_identifier_feedback.html", {"kind": kind, "feedback": feedback})


@registering_user_required
@require_GET
def service_options(request: HttpRequest) -> HttpResponse:
    """The service picker's options for the channel and search text, and the service panel."""
    form, values = _fragment_form(request)
    context = presenters.service_panel_context(_actor(request), form, values, timezone.now())
    return render(request, "intake/_service_options.html", context)


@registering_user_required
@require_GET
def service_info(request: HttpRequest) -> HttpResponse:
    """The chosen service's public text, SLA promise and options (anonymous, FCR)."""
    form, values = _fragment_form(request)
    context = presenters.service_panel_context(_actor(request), form, values, timezone.now())
    return render(request, "intake/_service_info.html", context)


@registering_user_required
@require_GET
def intake_done(request: HttpRequest, folio: str) -> HttpResponse:
    case = created_case_for(_actor(request), folio)
    if case is None:
        raise Http404
    created = presenters.take_created(request.session, folio)
    response = render(request, "intake/done.html", presenters.done_context(case, created))
    # The tracking code is on this page only once: never from a cache or the back button.
    response["Cache-Control"] = "no-store"
    return response
