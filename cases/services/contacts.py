"""Merging duplicate contacts of the single contact base, moving their cases (SPEC §3).

It lives in `cases` because it rewrites cases and their timeline; `contacts` knows nothing of
cases.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from contacts.merge import UNIQUE_IDENTIFIERS, merge_plan, merge_refusal
from contacts.models import Contact, ContactMerge
from infonavit_atencion.core.errors import NotFound, ValidationFailed

from ..events import Actor, event_build, event_instants
from ..models import Case, CaseEvent, EventKind


def _locked_pair(source_id: int, target_id: int) -> tuple[Contact, Contact]:
    # One query ordered by id: two merges over the same pair lock in the same order.
    rows = {
        c.pk: c
        for c in Contact.objects.select_for_update()
        .filter(pk__in=[source_id, target_id])
        .order_by("pk")
    }
    if source_id not in rows:
        raise NotFound(_("No existe el contacto %(id)s.") % {"id": source_id})
    if target_id not in rows:
        raise NotFound(_("No existe el contacto %(id)s.") % {"id": target_id})
    return rows[source_id], rows[target_id]


def _check_mergeable(source: Contact, target: Contact) -> tuple[str, ...]:
    """The fields the target takes from the source; refused when the pair may not merge."""
    refusal = merge_refusal(source, target)
    if refusal is not None:
        raise ValidationFailed(refusal.message, errors=[refusal])
    plan = merge_plan(source, target)
    # Two different NSS (or CURP) are two different people: fix the wrong one before merging.
    if plan.conflicts:
        raise ValidationFailed(
            _(
                "No se pueden fusionar contactos con identificadores distintos; corrija el que esté mal."
            ),
            errors=list(plan.conflicts),
        )
    return plan.taken


def _record_in_history(contact: Contact, actor: Actor, reason: str) -> None:
    # simple-history reads these when it writes the contact's change.
    if actor.user is not None:
        contact._history_user = actor.user  # type: ignore[attr-defined]
    text = _("Combinación de contactos: %(reason)s") % {"reason": reason} if reason else ""
    contact._change_reason = (text or _("Combinación de contactos"))[:100]  # type: ignore[attr-defined]


def contact_merge(
    source_id: int, target_id: int, actor: Actor, now: dt.datetime, *, reason: str = ""
) -> Contact:
    """Merge contact `source_id` into `target_id`, in one transaction.

    The target keeps its data and takes from the source whatever it lacks (NSS, CURP, RFC,
    e-mail, phone); every case of the source moves to the target with one MERGED event each and
    its version bumped; contacts earlier merged into the source now point at the target; the
    source is kept, marked `merged_into`, without NSS or CURP (so intake by them finds the
    target). Refused, changing nothing: merging a contact into itself, from or into a contact
    already merged, or two contacts whose NSS or CURP differ.
    """
    if source_id == target_id:
        raise ValidationFailed.single(
            "target", "same_contact", _("No se puede fusionar un contacto consigo mismo.")
        )
    with transaction.atomic():
        source, target = _locked_pair(source_id, target_id)
        taken = _check_mergeable(source, target)
        reason = reason.strip()

        # Clear the source's unique identifiers first so the target can take them.
        moved = {name: getattr(source, name) for name in UNIQUE_IDENTIFIERS}
        for name in UNIQUE_IDENTIFIERS:
            setattr(source, name, None)
        source.merged_into = target
        _record_in_history(source, actor, reason)
        source.save(update_fields=[*UNIQUE_IDENTIFIERS, "merged_into", "updated_at"])

        for name in taken:
            setattr(target, name, moved[name] if name in moved else getattr(source, name))
        if taken:
            _record_in_history(target, actor, reason)
            target.save(update_fields=[*taken, "updated_at"])
        Contact.objects.filter(merged_into=source).update(merged_into=target, updated_at=now)

        cases = list(
            Case.objects.select_for_update(of=("self",)).filter(contact=source).order_by("pk")
        )
        if cases:
            Case.objects.filter(pk__in=[c.pk for c in cases]).update(
                contact=target, version=F("version") + 1, updated_at=now
            )
            data = {"from_contact": source.pk, "to_contact": target.pk}
            instants = event_instants(cases, now)
            CaseEvent.objects.bulk_create(
                [
                    event_build(case, EventKind.MERGED, actor, instants[case.pk], dict(data))
                    for case in cases
                ]
            )
        ContactMerge.objects.create(
            source=source,
            target=target,
            user=actor.user,
            actor_label=actor.client.name if actor.client is not None else "",
            reason=reason,
            at=now,
            cases_moved=len(cases),
            taken=list(taken),
        )
    return target
