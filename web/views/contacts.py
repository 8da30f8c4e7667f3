"""Duplicate contacts in the browser (issue 19, item 11): find, preview, merge, read the history.

Supervisors and administrators only (`cases.selectors.access.may_merge_contacts`); anyone else
gets 403, a missing contact 404. Lists show identifiers masked; the preview shows them whole to
administrators only (`identifiers_visible_to`), and logs that view of both records in the
contact access log (reason ``contact_merge``). The merge itself is `contact_merge`: one
transaction, its ContactMerge record and the reason in both contacts' history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.selectors.access import identifiers_visible_to, may_merge_contacts
from cases.selectors.contact_history import case_counts_by_contact, contact_cases_for
from cases.services import contact_merge
from contacts.access import contact_card, personal_data_views_log
from contacts.duplicates import contact_duplicates, duplicate_pairs
from contacts.merge import FIELD_LABELS, merge_plan, merge_refusal
from contacts.models import AccessReason, Contact
from contacts.selectors import contact_any, contact_merges_of
from infonavit_atencion.core.errors import ApplicationError

from ..contact_forms import DuplicateSearchForm, MergeForm
from .common import actor_of, error_text, not_found


def _require_merger(request: HttpRequest) -> None:
    if not may_merge_contacts(actor_of(request)):
        raise PermissionDenied


@login_required
@require_GET
def contact_duplicates_page(request: HttpRequest) -> HttpResponse:
    _require_merger(request)
    form = DuplicateSearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "searched": False}
    if form.is_valid():
        data = form.cleaned_data
        candidates = contact_duplicates(
            contact_id=data["contacto"],
            nss=data["nss"] or None,
            curp=data["curp"] or None,
            name=data["name"],
            birth_date=data["birth_date"],
        )
        counts = case_counts_by_contact(c.contact.pk for c in candidates)
        context.update(
            searched=True,
            candidates=[
                {"candidate": c, "card": contact_card(c.contact), "cases": counts[c.contact.pk]}
                for c in candidates
            ],
            pairs=duplicate_pairs(candidates),
        )
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "web/contacts/duplicates.html", context, status=status)


def _field_rows(source: Contact, target: Contact, reveal: bool) -> list[dict[str, Any]]:
    """Each field of both records and which one the kept contact ends with."""
    cards = contact_card(source, revealed=reveal), contact_card(target, revealed=reveal)
    taken = set(merge_plan(source, target).taken)
    rows = []
    for name, label in FIELD_LABELS.items():
        if name in ("given_names", "first_surname", "second_surname"):
            shown = getattr(source, name), getattr(target, name)
        elif name == "type":
            shown = source.get_type_display(), target.get_type_display()
        else:
            shown = getattr(cards[0], name), getattr(cards[1], name)
        rows.append(
            {"label": label, "source": shown[0], "target": shown[1], "taken": name in taken}
        )
    return rows


def _merge_context(request: HttpRequest, source: Contact, target: Contact) -> dict[str, Any]:
    actor = actor_of(request)
    refusal = merge_refusal(source, target)
    plan = merge_plan(source, target)
    reveal = identifiers_visible_to(actor) and refusal is None
    counts = case_counts_by_contact([source.pk, target.pk])
    if reveal:
        personal_data_views_log(
            [(source.pk, None), (target.pk, None)],
            timezone.now(),
            reason=AccessReason.MERGE,
            user=request.user,  # type: ignore[arg-type]
        )
    return {
        "source": source,
        "target": target,
        "refusal": refusal.message if refusal else "",
        "conflicts": [e.message for e in plan.conflicts],
        "rows": _field_rows(source, target, reveal),
        "revealed": reveal,
        "source_count": counts[source.pk],
        "target_count": counts[target.pk],
        "source_cases": contact_cases_for(actor, source.pk),
    }


@login_required
@require_http_methods(["GET", "POST"])
def contact_merge_page(request: HttpRequest, source_id: int, target_id: int) -> HttpResponse:
    _require_merger(request)
    source, target = contact_any(source_id), contact_any(target_id)
    if source is None or target is None:
        return not_found(request, _("No existe ese contacto."))
    form = MergeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            contact_merge(
                source.pk,
                target.pk,
                actor_of(request),
                timezone.now(),
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as refused:
            error = error_text(refused)
        else:
            messages.success(
                request,
                _("Listo: el contacto %(source)s se combinó en este; sus casos se movieron.")
                % {"source": source.pk},
            )
            return redirect("web:contact_history", pk=target.pk)
        source, target = contact_any(source_id), contact_any(target_id)
        assert source is not None and target is not None
    context = {"form": form, "error": error, **_merge_context(request, source, target)}
    # A refused merge is a conflict with the records' state; a missing reason a bad request.
    status = 200 if request.method == "GET" else (409 if error else 400)
    return render(request, "web/contacts/merge.html", context, status=status)


@login_required
@require_GET
def contact_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    _require_merger(request)
    contact = contact_any(pk)
    if contact is None:
        return not_found(request, _("No existe ese contacto."))
    context = {
        "contact": contact,
        "card": contact_card(contact),
        "merges": [
            (merge, ", ".join(str(FIELD_LABELS[name]) for name in merge.taken))
            for merge in contact_merges_of(contact.pk)
        ],
        "cases": contact_cases_for(actor_of(request), contact.pk),
    }
    return render(request, "web/contacts/history.html", context)
