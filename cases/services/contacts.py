"""Merging duplicate contacts of the single contact base, moving their cases (SPEC §3).

It lives in `cases` because it rewrites cases and their timeline; `contacts` knows nothing of
cases.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from contacts.models import Contact
from infonavit_atencion.core.errors import FieldError, NotFound, ValidationFailed

from ..events import Actor, event_build, event_instants
from ..models import Case, CaseEvent, EventKind

# Unique identifiers: moved from the source when the target has none, never duplicated.
UNIQUE_IDENTIFIERS = ("nss", "curp")
# Other data the target takes from the source only where it has none.
FILLED_FIELDS = ("rfc", "email", "phone")
IDENTIFIER_LABELS = {"nss": "NSS", "curp": "CURP"}


def _masked(value: str) -> str:
    return "*" * (len(value) - 4) + value[-4:]


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


def _check_mergeable(source: Contact, target: Contact) -> None:
    if source.merged_into_id is not None:
        raise ValidationFailed.single(
            "source",
            "already_merged",
            _("El contacto %(id)s ya fue fusionado en otro.") % {"id": source.pk},
        )
    if target.merged_into_id is not None:
        raise ValidationFailed.single(
            "target",
            "already_merged",
            _("El contacto %(id)s ya fue fusionado en el %(into)s; fusione en ese.")
            % {"id": target.pk, "into": target.merged_into_id},
        )
    # Two different NSS (or CURP) are two different people: fix the wrong one before merging.
    conflicts = [
        FieldError(
            name,
            "identity_conflict",
            _("Los contactos tienen %(label)s distintos (%(a)s y %(b)s).")
            % {"label": IDENTIFIER_LABELS[name], "a": _masked(mine), "b": _masked(theirs)},
        )
        for name in UNIQUE_IDENTIFIERS
        if (mine := getattr(source, name)) and (theirs := getattr(target, name)) and mine != theirs
    ]
    if conflicts:
        raise ValidationFailed(
            _(
                "No se pueden fusionar contactos con identificadores distintos; corrija el que esté mal."
            ),
            errors=conflicts,
        )


def contact_merge(source_id: int, target_id: int, actor: Actor, now: dt.datetime) -> Contact:
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
        _check_mergeable(source, target)

        # Clear the source's unique identifiers first so the target can take them.
        moved = {
            name: getattr(source, name) for name in UNIQUE_IDENTIFIERS if getattr(source, name)
        }
        for name in UNIQUE_IDENTIFIERS:
            setattr(source, name, None)
        source.merged_into = target
        source.save(update_fields=[*UNIQUE_IDENTIFIERS, "merged_into", "updated_at"])

        target_changed = []
        for name, value in moved.items():
            if not getattr(target, name):
                setattr(target, name, value)
                target_changed.append(name)
        for name in FILLED_FIELDS:
            if not getattr(target, name) and getattr(source, name):
                setattr(target, name, getattr(source, name))
                target_changed.append(name)
        if target_changed:
            target.save(update_fields=[*target_changed, "updated_at"])
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
    return target
