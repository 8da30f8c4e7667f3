"""Reads of one case and what hangs from it (timeline, comments, attachments), each through the
scope check: a case `actor` may not see is "not found", even if it exists (SPEC §9)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import NotFound

from ..events import Actor
from ..models import Attachment, Case, CaseEvent, Comment
from .access import cases_visible_to
from .relations import case_output_queryset, with_case_output_relations


def _not_found(folio: str) -> NotFound:
    return NotFound(_("No existe el caso %(folio)s.") % {"folio": folio})


def case_get_for(actor: Actor, folio: str, *, catalog: bool = True, contacts: bool = True) -> Case:
    """The case with this folio if `actor` may see it; otherwise NotFound (even if it exists).

    With `catalog`, its catalog rows come loaded too; without `contacts`, its contact is not
    joined (see `with_case_output_relations`).
    """
    # The folio is unique: no ordering to add.
    found = with_case_output_relations(
        cases_visible_to(actor), catalog=catalog, contacts=contacts
    ).filter(folio=folio)[:1]
    case = next(iter(found), None)
    if case is None:
        raise _not_found(folio)
    return case


def case_version_for(actor: Actor, folio: str) -> int:
    """The current version of a visible case, for the case page's freshness poll: one query on
    the folio's unique index, nothing else loaded. NotFound outside the actor's scope."""
    version = cases_visible_to(actor).filter(folio=folio).values_list("version", flat=True).first()
    if version is None:
        raise _not_found(folio)
    return version


def case_get_by_pk(pk: int) -> Case:
    """A case by id with its printed relations, *without* a scope check.

    Only for answering an action the caller was allowed to take on it (a transfer may move the
    case out of the actor's sight, but the answer still shows the result).
    """
    return case_output_queryset().get(pk=pk)


def case_events_for(actor: Actor, folio: str) -> list[CaseEvent]:
    """The timeline of a visible case, oldest first."""
    case = case_get_for(actor, folio)
    return list(
        CaseEvent.objects.filter(case=case)
        .select_related("actor_user", "actor_client")
        .order_by("at", "id")
    )


def case_comments_for(actor: Actor, folio: str) -> list[Comment]:
    """Comments (internal and public) of a visible case, oldest first."""
    case = case_get_for(actor, folio)
    return list(
        Comment.objects.filter(case=case)
        .select_related("author_user", "author_client")
        .order_by("created_at", "id")
    )


def case_attachments_for(actor: Actor, folio: str) -> tuple[Case, list[Attachment]]:
    """A visible case and its attachments, oldest first."""
    case = case_get_for(actor, folio)
    return case, list(Attachment.objects.filter(case=case).order_by("created_at", "id"))


def attachment_get_for(actor: Actor, folio: str, attachment_id: int) -> Attachment:
    """One attachment of a visible case; NotFound when either is missing or out of scope."""
    case = case_get_for(actor, folio)
    attachment = Attachment.objects.filter(case=case, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("El caso %(folio)s no tiene ese adjunto.") % {"folio": folio})
    attachment.case = case
    return attachment
