"""Work queues: mine, my area, my office, unassigned, at risk, breached (and all, for overseers)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.request import Request

from cases.selectors.assignment import assignees_for, transfer_areas_for
from cases.selectors.detail import case_get_for
from cases.selectors.replies import cases_awaiting_reply
from cases.selectors.saved_views import areas_shareable_by
from cases.services import TransitionInput, case_transition
from infonavit_atencion.core.errors import ApplicationError, ValidationFailed
from infonavit_atencion.core.pagination import KeysetPagination

from ..forms import BulkActionForm, QueueFilterForm
from ..queues import (
    PAGE_SIZE,
    QUEUES,
    default_queue_for,
    hidden_columns,
    queue_cases,
    queues_for,
)
from ..roles import is_supervisor
from ..saved_views import saved_views_for
from ..sla_display import sla_badges
from .common import actor_of, error_text, is_htmx, relative


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    offered = [q.key for q in queues_for(user)]
    if not offered:
        raise PermissionDenied
    key = request.GET.get("cola") or default_queue_for(user)
    if key not in offered:
        key = offered[0]
    form = QueueFilterForm(request.GET, default_ordering=QUEUES[key].default_ordering)
    now = timezone.now()
    rows, next_url, previous_url, problem = [], None, None, None
    replied: set[int] = set()
    if form.is_valid():
        cases = queue_cases(user, QUEUES[key], form.refinements(), now)
        paging = KeysetPagination(form.ordering(), PAGE_SIZE)
        try:
            page = paging.paginate(cases, Request(request))
        except ValidationFailed as error:  # a stale or foreign cursor: back to page one
            problem = error_text(error)
            page = KeysetPagination(form.ordering(), PAGE_SIZE).paginate(
                cases, Request(_without_cursor(request))
            )
        badges = sla_badges(page.results, now)
        rows = [(case, badges[case.pk]) for case in page.results]
        # The citizen wrote last and awaits a public answer (issue 18): one query for the page.
        replied = cases_awaiting_reply(case.pk for case in page.results)
        next_url, previous_url = relative(page.next), relative(page.previous)
    context = {
        "queue_key": key,
        "queue_label": QUEUES[key].label,
        "queue_description": QUEUES[key].description,
        "hidden": hidden_columns(user, QUEUES[key]),
        "form": form,
        "rows": rows,
        "replied": replied,
        "next_url": next_url,
        "previous_url": previous_url,
        "problem": problem,
        # An htmx swap also refreshes the folded filters' "n aplicados" (out of band).
        "oob": is_htmx(request),
        "queue_refresh_seconds": settings.QUEUE_REFRESH_SECONDS,
        **_bulk_context(request),
        **_saved_views_context(request, now),
    }
    template = "web/_queue_results.html" if is_htmx(request) else "web/queue.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))  # the same URL answers a page or a fragment
    return response


def _bulk_context(request: HttpRequest) -> dict[str, Any]:
    """The bulk bar (supervisors and administrators) with the people and areas they may pick;
    read only for the full page: htmx swaps the rows, never the bar."""
    bulk = is_supervisor(request.user)
    pickers = bulk and not is_htmx(request)
    actor = actor_of(request)
    return {
        "bulk": bulk,
        "bulk_form": BulkActionForm(),
        "assignees": assignees_for(actor) if pickers else [],
        "transfer_areas": transfer_areas_for(actor) if pickers else [],
    }


def _saved_views_context(request: HttpRequest, now: Any) -> dict[str, Any]:
    """The saved views with their counts and the areas one may be shared with; read only for
    the full page (an htmx swap keeps the list it has)."""
    if is_htmx(request):
        return {}
    return {
        "saved_views": saved_views_for(request.user, now),
        "share_areas": list(areas_shareable_by(request.user)),
    }


def _without_cursor(request: HttpRequest) -> HttpRequest:
    params = request.GET.copy()
    params.pop("cursor", None)
    request.GET = params  # type: ignore[assignment]
    return request


@login_required
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    """Assign or transfer many cases; each case is its own transaction, so one refusal does
    not undo the others. Answers with a summary of what succeeded and what did not."""
    if not is_supervisor(request.user):
        raise PermissionDenied
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    back = back or "web:queue"
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, str(error))
        return redirect(back)
    data = form.cleaned_data
    actor, now = actor_of(request), timezone.now()
    transition = TransitionInput(
        action=data["action"],
        reason=data.get("reason") or "",
        assignee=(data.get("assignee") or "").strip() or None,
        area=(data.get("area") or "").strip().upper() or None,
    )
    done, failed = [], []
    for folio in dict.fromkeys(form.folio_list):
        try:
            case_get_for(actor, folio)
            case_transition(folio, transition, actor, now)
        except ApplicationError as error:
            failed.append(f"{folio}: {error_text(error)}")
        else:
            done.append(folio)
    if done:
        messages.success(
            request,
            _("%(n)d caso(s) actualizados: %(folios)s.")
            % {"n": len(done), "folios": ", ".join(done)},
        )
    for line in failed:
        messages.error(request, _("No se pudo: %(detail)s") % {"detail": line})
    return redirect(back)
