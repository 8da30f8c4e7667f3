"""Saved views of the work queues (issue 19 item 9): save the queue's filters under a name, open,
delete and (supervisors) share one with an area. Plain form posts with CSRF; each answers with a
message saying what happened and goes back to the queue."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.selectors.saved_views import saved_view_get_for
from cases.services.saved_views import saved_view_create, saved_view_delete, saved_view_share
from infonavit_atencion.core.errors import ApplicationError, NotFound
from infonavit_atencion.core.errors import PermissionDenied as Refused

from ..queues import queues_for
from ..saved_views import saved_view_problem, saved_view_url
from .common import error_text, not_found

# Parameters of the queue page that are not filters: the queue, the page, the ordering.
NOT_FILTERS = ("cola", "cursor", "orden")


def _queue_url(key: str, query: str = "") -> str:
    return f"{reverse('web:queue')}?{urlencode({'cola': key})}{'&' + query if query else ''}"


@login_required
@require_POST
def saved_view_save(request: HttpRequest) -> HttpResponse:
    offered = [queue.key for queue in queues_for(request.user)]
    if not offered:
        raise PermissionDenied
    key = request.POST.get("cola", "")
    params = QueryDict(request.POST.get("consulta", ""), mutable=True)
    for name in NOT_FILTERS:
        params.pop(name, None)
    query = params.urlencode()
    if key not in offered:
        messages.error(request, _("Esa bandeja no está disponible para usted."))
        return redirect(_queue_url(offered[0]))
    try:
        view = saved_view_create(
            request.user,
            name=request.POST.get("nombre", ""),
            queue=key,
            query=query,
            now=timezone.now(),
        )
    except ApplicationError as error:
        messages.error(request, _("No se guardó la vista: %(e)s") % {"e": error_text(error)})
        return redirect(_queue_url(key, query))
    messages.success(request, _("Vista «%(name)s» guardada.") % {"name": view.name})
    return redirect(saved_view_url(view))


@login_required
@require_GET
def saved_view_open(request: HttpRequest, view_id: int) -> HttpResponse:
    """The queue with the view's filters, checked again; a view no longer valid says why."""
    try:
        view = saved_view_get_for(request.user, view_id)
    except NotFound as error:
        return not_found(request, error.detail)
    problem = saved_view_problem(request.user, view)
    if problem:
        messages.error(
            request,
            _("La vista «%(name)s» no se puede abrir: %(problem)s")
            % {"name": view.name, "problem": problem},
        )
        return redirect("web:queue")
    return redirect(saved_view_url(view))


@login_required
@require_POST
def saved_view_remove(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        name = saved_view_delete(request.user, view_id)
    except NotFound as error:
        return not_found(request, error.detail)
    messages.success(request, _("Vista «%(name)s» eliminada.") % {"name": name})
    return redirect("web:queue")


@login_required
@require_POST
def saved_view_share_page(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        view = saved_view_share(request.user, view_id, request.POST.get("area", ""))
    except NotFound as error:
        return not_found(request, error.detail)
    except Refused as error:  # not a supervisor, or an area outside their scope
        raise PermissionDenied(error_text(error)) from None
    if view.shared_with_area is None:
        messages.success(request, _("La vista «%(name)s» ya no se comparte.") % {"name": view.name})
    else:
        messages.success(
            request,
            _("Vista «%(name)s» compartida con el área %(area)s.")
            % {"name": view.name, "area": view.shared_with_area.name},
        )
    return redirect("web:queue")
