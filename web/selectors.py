"""Reads for the case page that start from a case already fetched through
`cases.selectors.detail.case_get_for` (the scope check, SPEC §9), so the page reads the case once
instead of once per section."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from cases.events import Actor
from cases.models import Attachment, Case, CaseEvent, Comment
from cases.selectors.access import cases_visible_to
from cases.selectors.relations import CASE_OUTPUT_RELATIONS
from infonavit_atencion.core.errors import NotFound


def case_for_page(actor: Actor, folio: str) -> Case:
    """`cases.selectors.detail.case_get_for` for the page: the same scope rule and NotFound, but each
    relation read by its own tiny query instead of an eight-way join, whose planning alone
    takes tens of milliseconds on a table of millions of cases."""
    case = (
        cases_visible_to(actor).filter(folio=folio).prefetch_related(*CASE_OUTPUT_RELATIONS).first()
    )
    if case is None:
        raise NotFound(_("No existe el caso %(folio)s.") % {"folio": folio})
    return case


@dataclass(frozen=True)
class CaseContent:
    events: list[CaseEvent]
    comments: list[Comment]
    attachments: list[Attachment]


def case_content(case: Case) -> CaseContent:
    """Timeline, comments and attachments of a visible case, oldest first (as the API lists them)."""
    return CaseContent(
        events=list(
            CaseEvent.objects.filter(case=case)
            .select_related("actor_user", "actor_client")
            .order_by("at", "id")
        ),
        comments=list(
            Comment.objects.filter(case=case)
            .select_related("author_user", "author_client")
            .order_by("created_at", "id")
        ),
        attachments=list(Attachment.objects.filter(case=case).order_by("created_at", "id")),
    )
