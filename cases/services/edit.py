"""Editing a case's own fields outside the lifecycle: priority and subject (SPEC §8 PATCH)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import (
    InvalidTransition,
    NotFound,
    ValidationFailed,
)

from ..events import Actor, event_instant, event_record
from ..lifecycle import version_check
from ..models import Case, CaseStatus, EventKind
from ..models.case import PRIORITY_NAMES
from .intake_checks import PRIORITY_BY_NAME

FINAL_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.CANCELLED})
SUBJECT_MAX_LENGTH = 200


@dataclass(frozen=True)
class CaseChanges:
    """Fields to change; None leaves a field as it is. `priority` is a name (low … urgent)."""

    priority: str | None = None
    subject: str | None = None


def _new_values(changes: CaseChanges) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if changes.priority is not None:
        if changes.priority not in PRIORITY_BY_NAME:
            raise ValidationFailed.single(
                "priority",
                "invalid_choice",
                _("Prioridad desconocida; use low, normal, high o urgent."),
            )
        values["priority"] = int(PRIORITY_BY_NAME[changes.priority])
    if changes.subject is not None:
        subject = changes.subject.strip()
        if len(subject) > SUBJECT_MAX_LENGTH:
            raise ValidationFailed.single(
                "subject", "max_length", _("El asunto admite hasta 200 caracteres.")
            )
        values["subject"] = subject
    return values


def _shown(field: str, value: Any) -> Any:
    return PRIORITY_NAMES[value] if field == "priority" else value


def case_update(
    folio: str,
    changes: CaseChanges,
    actor: Actor,
    now: dt.datetime,
    *,
    expected_version: int | None = None,
) -> Case:
    """Change priority and/or subject: lock, compare the version, save, one UPDATED event.

    `expected_version` (the client's If-Match) must be the current version, or 412. A change
    that changes nothing writes nothing and keeps the version. Closed and cancelled cases are
    not edited (409).
    """
    values = _new_values(changes)
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).filter(folio=folio).first()
        if case is None:
            raise NotFound(_("No existe el caso %(folio)s.") % {"folio": folio})
        version_check(case, expected_version)
        if case.status in FINAL_STATUSES:
            raise InvalidTransition(
                _("El caso está «%(status)s»; ya no se puede editar.")
                % {"status": case.get_status_display()},
                extra={"case_status": case.status},
            )
        diff = {
            field: {"from": _shown(field, getattr(case, field)), "to": _shown(field, value)}
            for field, value in values.items()
            if getattr(case, field) != value
        }
        if not diff:
            return case
        for field in diff:
            setattr(case, field, values[field])
        case.version += 1
        case.save(update_fields=[*sorted(diff), "version", "updated_at"])
        event_record(case, EventKind.UPDATED, actor, event_instant(case, now), diff)
    return case
