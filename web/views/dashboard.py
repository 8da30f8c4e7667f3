"""The supervisor dashboard in the browser (SPEC §7): thin views over indicators.dashboard.

Supervisors and administrators only, as the navigation offers it (web.navigation); what each
sees is cut to their scope by the presenter. Other roles get 403. Mounted by web.dashboard_urls
(namespace ``indicators``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rest_framework.request import Request

from indicators.dashboard import (
    DashboardQuery,
    DrillQuery,
    dashboard_for,
    dashboard_url,
    drill_cases,
    drill_facts,
    goals_for,
    trend_for,
)
from indicators.dashboard_choices import DEFAULT_GROUP
from indicators.freshness import Freshness
from indicators.metrics import local_date
from indicators.tasks import refresh_soon
from infonavit_atencion.core.errors import ValidationFailed
from infonavit_atencion.core.pagination import KeysetPagination

from ..dashboard_forms import DashboardForm, DrillDownForm
from ..queues import PAGE_SIZE, QUEUE_ROW_RELATIONS
from ..roles import is_supervisor
from ..sla_display import sla_badges
from .common import actor_of, error_text, is_htmx, relative

# The newest cases first: the order the received_at index serves at any volume.
DRILL_ORDERING = "-received_at"


def _overseer_only(request: HttpRequest) -> None:
    if not is_supervisor(request.user):
        raise PermissionDenied


def _fragment_or_page(
    request: HttpRequest, fragment: str, page: str, context: dict, status: int = 200
) -> HttpResponse:
    # htmx asks for the whole page when it restores history it no longer has in its cache.
    partial = is_htmx(request)
    response = render(request, fragment if partial else page, context, status=status)
    patch_vary_headers(response, ("HX-Request",))  # the same URL answers a page or a fragment
    return response


def _catch_up(freshness: Freshness | None) -> None:
    """A board showing the last refresh asks for the next one now (see indicators.freshness)."""
    if freshness is not None and not freshness.live:
        refresh_soon()


def _board_query(
    request: HttpRequest, now: dt.datetime
) -> tuple[DashboardForm, DashboardQuery | None]:
    form = DashboardForm(request.GET, today=local_date(now))
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    form.show_resolved()
    return form, DashboardQuery(data["from"], data["to"], data["group"], data["channel"] or "")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """KPIs and one row per group; the trend and the goals load beside it (their own views)."""
    _overseer_only(request)
    now = timezone.now()
    form, query = _board_query(request, now)
    board = dashboard_for(actor_of(request), query, now) if query else None
    if board is not None:
        _catch_up(board.freshness)
    return _fragment_or_page(
        request,
        "indicators/_dashboard.html",
        "indicators/dashboard.html",
        {"form": form, "board": board},
    )


def _section(
    request: HttpRequest,
    template: str,
    title: str,
    build: Callable[[DashboardQuery, dt.datetime], object],
) -> HttpResponse:
    """A section of the board: a fragment for htmx, a page of its own without JavaScript."""
    _overseer_only(request)
    now = timezone.now()
    form, query = _board_query(request, now)
    if query is None:
        return render(
            request, "indicators/section.html", {"form": form, "title": title}, status=400
        )
    section = build(query, now)
    _catch_up(getattr(section, "freshness", None))
    context = {
        "section": section,
        "section_template": template,
        "title": title,
        "back_url": dashboard_url(query),
    }
    return _fragment_or_page(request, template, "indicators/section.html", context)


@login_required
@require_GET
def dashboard_trend(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return _section(
        request,
        "indicators/_trend.html",
        _("Tendencia diaria"),
        lambda query, now: trend_for(actor, query, now),
    )


@login_required
@require_GET
def dashboard_goals(request: HttpRequest) -> HttpResponse:
    return _section(request, "indicators/_goals.html", _("Metas compartidas"), goals_for)


@login_required
@require_GET
def dashboard_cases(request: HttpRequest) -> HttpResponse:
    """The cases behind one number of the dashboard, newest first, in keyset pages."""
    _overseer_only(request)
    now = timezone.now()
    form = DrillDownForm(request.GET)
    context: dict = {
        "form": form,
        "rows": [],
        "bulk": False,
        "facts": [],
        "back_url": None,
        "queue_label": _("Casos detrás del indicador"),
    }
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        drill = DrillQuery(
            metric=data["metric"],
            date_from=data["from"],
            date_to=data["to"],
            channel=data["channel"].strip().upper(),
            directorate=data["directorate"].strip().upper(),
            group=data["group"],
            key=data["key"].strip() or None,
            day=data["day"],
        )
        context["back_url"] = dashboard_url(
            DashboardQuery(
                drill.date_from, drill.date_to, drill.group or DEFAULT_GROUP, drill.channel
            )
        )
        try:
            cases = drill_cases(actor_of(request), drill, now).prefetch_related(
                *QUEUE_ROW_RELATIONS
            )
            page = KeysetPagination(DRILL_ORDERING, PAGE_SIZE).paginate(cases, Request(request))
            context["facts"] = drill_facts(drill)
        except ValidationFailed as error:  # an unknown code or a foreign cursor
            context["problem"] = error_text(error)
        else:
            badges = sla_badges(page.results, now)
            context["rows"] = [(case, badges[case.pk]) for case in page.results]
            context["next_url"] = relative(page.next)
            context["previous_url"] = relative(page.previous)
            status = 200
    return _fragment_or_page(
        request,
        "web/_queue_results.html",
        "indicators/dashboard_cases.html",
        context,
        status,
    )
