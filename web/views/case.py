"""The case page and what staff do on it: actions, comments, attachments, the contact card."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.downloads import attachment_response
from cases.integrity import case_history_break
from cases.models import Case
from cases.privacy import sealed_identity_visible_to
from cases.selectors.access import may_merge_contacts
from cases.selectors.assignment import area_members
from cases.selectors.contact_history import contact_history_for
from cases.selectors.detail import attachment_get_for, case_get_for
from cases.services import attachment_add, case_transition, comment_add
from catalog.selectors import directorate_list, service_list
from contacts.access import contact_card, contact_reveal
from contacts.models import ArcoRight
from infonavit_atencion.core.errors import ApplicationError, NotFound

from ..actions import ACTION_SPECS, actions_for, role_allows
from ..forms import AttachmentForm, CommentForm, TransitionForm
from ..roles import is_supervisor, user_role
from ..selectors import case_content, case_for_page
from ..sla_display import sla_badges
from .attachments import attachment_viewer_context
from .common import actor_of, error_text, form_error_text, is_htmx, not_found
from .macros import macro_context
from .privacy import privacy_context


@login_required
@require_GET
def case_detail(request: HttpRequest, folio: str) -> HttpResponse:
    actor, now = actor_of(request), timezone.now()
    try:
        case = case_for_page(actor, folio)
    except NotFound:
        return not_found(request)
    content = case_content(case)
    role = user_role(request.user)
    actions = actions_for(case, role)
    action_keys = {spec.key for spec in actions}
    context = {
        "case": case,
        "sla": sla_badges([case], now)[case.pk],
        "events": content.events,
        "comments": content.comments,
        "attachments": content.attachments,
        "actions": actions,
        "contact": contact_card(case.contact) if case.contact is not None else None,
        "contact_history": contact_history_for(actor, case),
        "may_merge_contacts": may_merge_contacts(actor),
        "comment_form": CommentForm(),
        "attachment_form": AttachmentForm(),
        "directorates": directorate_list() if {"transfer"} & action_keys else [],
        # The case's own area staff: whom `assign` accepts (cases.selectors.assignment).
        "members": _area_members(case) if "assign" in action_keys else [],
        "services": service_list(channel=case.channel) if {"reclassify"} & action_keys else [],
        "arco_rights": ArcoRight.choices,
        "writable": case.status not in ("closed", "cancelled"),
        "version_poll_seconds": settings.CASE_VERSION_POLL_SECONDS,
        **privacy_context(case, request.user),
        **_history_check(content.events, request.user),
        **macro_context(case, role),
        **attachment_viewer_context(content.attachments),
    }
    return render(request, "web/case_detail.html", context)


def _area_members(case: Case) -> list:
    if case.area_id is None:
        return []
    return list(area_members([case.area_id]).order_by("first_name", "last_name", "username"))


def _history_check(events: list, user: object) -> dict[str, object]:
    """Supervisors and the integrity role see whether the case's hash chain holds (ADR 0013),
    computed over the events the page already loaded."""
    if not (is_supervisor(user) or sealed_identity_visible_to(user)):
        return {"history_checked": False}
    return {"history_checked": True, "history_break": case_history_break(events)}


def _back(folio: str) -> HttpResponse:
    return redirect("web:case", folio=folio)


@login_required
@require_POST
def case_action(request: HttpRequest, folio: str) -> HttpResponse:
    actor, now = actor_of(request), timezone.now()
    try:
        case_get_for(actor, folio)
    except NotFound:
        return not_found(request)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form, _("Acción no válida.")))
        return _back(folio)
    transition = form.transition()
    if not role_allows(user_role(request.user), transition.action):
        raise PermissionDenied
    version = form.cleaned_data.get("version")
    try:
        case_transition(folio, transition, actor, now, expected_version=version)
    except ApplicationError as error:
        messages.error(request, error_text(error))
        return _back(folio)
    messages.success(request, ACTION_SPECS[transition.action].done)
    try:
        case_get_for(actor, folio)
    except NotFound:  # a transfer moved it out of the user's sight
        return redirect("web:queue")
    return _back(folio)


@login_required
@require_POST
def case_comment(request: HttpRequest, folio: str) -> HttpResponse:
    actor, now = actor_of(request), timezone.now()
    try:
        case_get_for(actor, folio)
    except NotFound:
        return not_found(request)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form, _("Escriba el comentario.")))
        return _back(folio)
    try:
        comment_add(folio, form.cleaned_data["body"], form.cleaned_data["public"], actor, now)
    except ApplicationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Comentario agregado."))
    return _back(folio)


@login_required
@require_POST
def case_attachment_upload(request: HttpRequest, folio: str) -> HttpResponse:
    actor, now = actor_of(request), timezone.now()
    try:
        case_get_for(actor, folio)
    except NotFound:
        return not_found(request)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Elija un archivo."))
        return _back(folio)
    try:
        attachment_add(folio, form.cleaned_data["file"], actor, now)
    except ApplicationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Archivo adjuntado."))
    return _back(folio)


@login_required
@require_GET
def case_attachment_download(
    request: HttpRequest, folio: str, attachment_id: int
) -> HttpResponse | FileResponse:
    try:
        attachment = attachment_get_for(actor_of(request), folio, attachment_id)
    except NotFound:
        return not_found(request)
    return attachment_response(attachment)


@login_required
@require_POST
def case_contact_reveal(request: HttpRequest, folio: str) -> HttpResponse:
    """The contact's full record, logged (who, when, which, from which case)."""
    try:
        case: Case = case_get_for(actor_of(request), folio)
    except NotFound:
        return not_found(request)
    if case.contact is None:
        return not_found(request)
    card = contact_reveal(case.contact, request.user, case.pk, timezone.now())  # type: ignore[arg-type]
    context = {"case": case, "contact": card}
    if is_htmx(request):
        return render(request, "web/_contact_card.html", context)
    return render(request, "web/contact_full.html", context)
